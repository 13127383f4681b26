"""Turn the loose fields of a front matter block or a queue row into a Post.

All readers share this so that `platform: Twitter` in a CSV and in a draft mean the same,
and a bad value becomes a Problem on that post instead of an exception.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, Mapping

from ..model import Locator, Post, Problem

MESSAGE_KEYS = ("message", "text", "post", "content", "body")
DATE_KEYS = ("scheduled_at", "date")
ACCOUNT_KEYS = ("account", "profile")
LINK_KEYS = ("link", "url")
MEDIA_KEYS = ("media", "media_alt")  # pictures and videos (readers/media.py)
KNOWN_KEYS = {"id", "platform", "language", "ignore", *MESSAGE_KEYS, *DATE_KEYS, *ACCOUNT_KEYS, *LINK_KEYS,
              *MEDIA_KEYS}

PLATFORMS = ("x", "instagram", "facebook", "linkedin", "threads", "bluesky", "mastodon", "tiktok")
PLATFORM_ALIASES = {"twitter": "x", "x.com": "x", "fb": "facebook", "ig": "instagram"}


def normalise_platform(value: str) -> str | None:
    """Canonical platform name, or None if we do not know it."""
    name = value.strip().lower()
    name = PLATFORM_ALIASES.get(name, name)
    return name if name in PLATFORMS else None


def parse_when(value: Any) -> datetime:
    """Parse an ISO 8601 date-time (a bare date means midnight). Naive means config timezone."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    text = str(value).strip()
    if not text:
        raise ValueError("empty date")
    try:
        return datetime.fromisoformat(text.replace(" ", "T", 1) if len(text) > 10 else text)
    except ValueError:
        raise ValueError(f"not an ISO 8601 date-time: {text!r}") from None


def pick(fields: Mapping[str, Any], keys: tuple[str, ...]) -> tuple[str | None, Any]:
    for key in keys:
        if key in fields and fields[key] not in (None, ""):
            return key, fields[key]
    return None, None


def build_post(
    *,
    path: str,
    post_id: str,
    text: str,
    fields: Mapping[str, Any],
    locator: Locator,
    index: int,
    field_lines: Mapping[str, int] | None = None,
    problems: list[Problem] | None = None,
) -> Post:
    """Validate known fields; every bad value becomes a Problem located at its line."""
    problems = list(problems or ())
    lines = dict(field_lines or {})
    default_line = locator.line

    def problem(key: str, message: str) -> None:
        problems.append(Problem("field", message, lines.get(key, default_line)))

    platform = None
    if fields.get("platform") not in (None, ""):
        platform = normalise_platform(str(fields["platform"]))
        if platform is None:
            problem(
                "platform",
                f"unknown platform {fields['platform']!r} (expected one of: {', '.join(PLATFORMS)})",
            )

    scheduled_at = None
    key, raw_when = pick(fields, DATE_KEYS)
    if key:
        try:
            scheduled_at = parse_when(raw_when)
        except ValueError as exc:
            problem(key, f"bad {key}: {exc}")

    ignore: tuple[str, ...] = ()
    raw_ignore = fields.get("ignore")
    if isinstance(raw_ignore, str):
        ignore = tuple(x.strip() for x in raw_ignore.replace(";", ",").split(",") if x.strip())
    elif isinstance(raw_ignore, list) and all(isinstance(x, str) for x in raw_ignore):
        ignore = tuple(raw_ignore)
    elif raw_ignore not in (None, ""):
        problem("ignore", "ignore must be a list of rule ids or categories")

    from .media import parse as parse_media

    media, media_problems = parse_media(fields.get("media"), fields.get("media_alt"),
                                        lines.get("media", default_line))
    for message in media_problems:
        problem("media", message)

    language = fields.get("language")
    _, account = pick(fields, ACCOUNT_KEYS)
    _, link = pick(fields, LINK_KEYS)
    custom_id = fields.get("id")
    extra = tuple((k, v) for k, v in fields.items() if k not in KNOWN_KEYS)
    return Post(
        path=path,
        id=str(custom_id) if custom_id not in (None, "") else post_id,
        text=text,
        locator=locator,
        account=str(account).strip() if account is not None else None,
        platform=platform,
        scheduled_at=scheduled_at,
        language=str(language).strip().lower() if language not in (None, "") else None,
        ignore=ignore,
        link=str(link).strip() if link is not None else None,
        index=index,
        field_lines=tuple(lines.items()),
        problems=tuple(problems),
        extra=extra,
        media=media,
    )


def problem_post(path: str, post_id: str, index: int, problem: Problem) -> Post:
    """A post that could not be read at all: it carries only its problem."""
    return Post(
        path=path,
        id=post_id,
        text="",
        locator=Locator(problem.line, problem.column),
        index=index,
        problems=(problem,),
    )


def align(text: str, raw: str, window: int = 64) -> tuple[int, ...] | None:
    """Index of each character of `text` inside `raw`, where raw escapes or indents it.

    Greedy: good for CSV doubled quotes, YAML block indentation and quoted scalars. Gives up
    (None) rather than guess when a character cannot be found nearby.
    """
    index = []
    pos = 0
    for char in text:
        limit = min(len(raw), pos + window)
        while pos < limit and raw[pos] != char and not (char in " \n" and raw[pos] in " \n"):
            pos += 1
        if pos >= limit:
            return None
        index.append(pos)
        pos += 1
    return tuple(index)
