"""Turn the loose fields of a front matter block or a queue row into a Post.

All readers share this so that `platform: Twitter` in a CSV and in a draft mean the same,
and a bad value becomes a Problem on that post instead of an exception.
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache
from typing import Any, Mapping

from ..model import Locator, Post, Problem
from .inputs import inputs, is_custom
from .text import bad_char, first_bad, printable, text_problem

PLATFORMS = ("x", "instagram", "facebook", "linkedin", "threads", "bluesky", "mastodon", "tiktok")
PLATFORM_ALIASES = {"twitter": "x", "x.com": "x", "fb": "facebook", "ig": "instagram"}
SCALARS = (str, int, float, bool, date)  # a field like `account` is one value, not a list


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
        raise ValueError(f"not an ISO 8601 date-time: {short(text)}") from None


def short(value: Any, width: int = 40) -> str:
    """repr of a user's value for a message: never a whole file pasted into a report."""
    text = repr(value) if isinstance(value, str) else repr(str(value)) if isinstance(value, SCALARS) \
        else f"a {type(value).__name__}"
    return text if len(text) <= width else text[: width - 2] + "…" + text[-1]


def why(exc: BaseException) -> str:
    """A parser's complaint about a value, short and without the value itself."""
    text = str(getattr(exc, "problem", None) or exc).split("\n")[0]
    if "digits" in text and "int" in text:  # Python's 4,300-digit safety limit
        return "a number has too many digits"
    return text if len(text) <= 80 else text[:79] + "…"


@lru_cache(maxsize=4096)
def field_of(key: str) -> str | None:
    """The field a key names in any accepted spelling (`Publish Date` -> `scheduled_at`)."""
    found = inputs().field_of(key)
    return found[0] if found else None


@lru_cache(maxsize=256)
def _plan(keys: tuple[Any, ...]) -> tuple[tuple[tuple[str, tuple[Any, ...]], ...], tuple[Any, ...]]:
    """For one order of keys (every row of a queue has the same): each field with its keys in
    priority order, and the unknown keys. Computed once, so a row costs a few lookups."""
    by_field: dict[str, list[tuple[int, Any]]] = {}
    unknown = []
    for key in keys:
        found = inputs().field_of(str(key))
        if found is None:
            unknown.append(key)
        else:
            by_field.setdefault(found[0], []).append((found[1], key))
    plan = tuple((name, tuple(key for _, key in sorted(spellings, key=lambda s: s[0])))
                 for name, spellings in by_field.items())
    return plan, tuple(unknown)


def canonical(fields: Mapping[str, Any]) -> tuple[dict[str, tuple[str, Any]], list[str]]:
    """({field: (key as written, value)}, unknown keys) of a front matter block or a row.

    When a row has two spellings of one field, the one listed first in rules/inputs.yaml
    that has a value wins (a `message` column beats a `text` column, as it always has).
    """
    plan, unknown = _plan(tuple(fields))
    known: dict[str, tuple[str, Any]] = {}
    for name, keys in plan:
        key = keys[0]
        if len(keys) > 1:
            key = next((k for k in keys if not _empty(fields[k])), key)
        known[name] = (key, fields[key])
    return known, list(unknown)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def message_of(fields: Mapping[str, Any], line: int, column: int = 1
               ) -> tuple[str | None, str, list[Problem]]:
    """(key as written, text, problems) of a queue row's message: text, or a Problem saying why
    there is none (no message field, an empty one, or a value that is not text)."""
    keys = next((keys for name, keys in _plan(tuple(fields))[0] if name == "message"), ())
    key = next((k for k in keys if not _empty(fields[k])), keys[0] if keys else None)
    value = fields[key] if key is not None else None
    if not isinstance(value, str):
        if _empty(value):
            return None, "", [Problem("empty", "the post has no message text", line, column)]
        return None, "", [Problem("malformed", f"{short(key)} must be text, not {short(value)}",
                                  line, column)]
    if not value.strip():
        return key, value, [Problem("empty", "the post has no message text", line, column)]
    return key, value, []


def duplicate_posts(reader: str, first: int, line: int) -> Problem:
    """A second `posts` list in one queue file (JSON or YAML): the file's readers keep only
    the last one, so a scheduler would silently drop the first list's posts."""
    return Problem("malformed", f"duplicate key 'posts' (first on line {first}); a {reader} "
                                "keeps only the last list, so a scheduler would drop the first "
                                "one's posts (postlint checks both)", line)


def unknown_key(key: str, what: str = "key") -> str:
    """`unknown key 'schedule_at' (did you mean 'scheduled_at'?)`, for a finding."""
    close = inputs().closest(key)
    hint = f" (did you mean {close!r}?)" if close else \
        f" (known: {', '.join(inputs().fields)}; name your own {what}s x-…)"
    return f"unknown {what} {short(key)}{hint}; postlint ignores it"


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
    unknown: str | None = "key",
) -> Post:
    """Validate known fields; every bad value becomes a Problem located at its line.

    `unknown`: what to call a key no field has ("key", "column"), or None not to report them
    (a CSV reports its columns once, on the header, not on every row).
    """
    problems = list(problems or ())
    lines = dict(field_lines or {})
    default_line = locator.line
    known, unknown_keys = canonical(fields)

    def problem(key: str | None, message: str, kind: str = "field") -> None:
        problems.append(Problem(kind, message, lines.get(key, default_line) if key else default_line))

    if unknown:
        for key in unknown_keys:
            if not is_custom(key):
                problem(key, unknown_key(key, unknown), "key")

    def scalar(name: str) -> str | None:
        """A one-value field as clean text, or None (with a Problem when it is not one value)."""
        entry = known.get(name)
        if entry is None or entry[1] is None:
            return None
        key, value = entry
        if isinstance(value, str):
            value = value.strip()
            if value.isascii() and "\x00" not in value:  # the common case: plain text, done
                return value or None
        elif isinstance(value, SCALARS):
            value = str(value).strip()
        else:
            problem(key, f"{key} must be one value, not {short(value)}")
            return None
        bad = text_problem(value, lines.get(key, default_line))
        if bad is not None:
            problems.append(Problem(bad.kind, f"{key}: {bad.message}", bad.line))
            return None
        return value or None

    platform = None
    raw_platform = scalar("platform")
    if raw_platform is not None:
        platform = normalise_platform(raw_platform)
        if platform is None:
            problem(known["platform"][0], f"unknown platform {short(raw_platform)} "
                                          f"(expected one of: {', '.join(PLATFORMS)})")

    scheduled_at = None
    key, raw_when = known.get("scheduled_at", (None, None))
    if not _empty(raw_when):
        scheduled_at = _when(key, raw_when, problem)

    ignore: tuple[str, ...] = ()
    key, raw_ignore = known.get("ignore", (None, None))
    if isinstance(raw_ignore, str):
        ignore = tuple(x.strip() for x in raw_ignore.replace(";", ",").split(",") if x.strip())
    elif isinstance(raw_ignore, list) and all(isinstance(x, str) for x in raw_ignore):
        ignore = tuple(raw_ignore)
    elif not _empty(raw_ignore):
        problem(key, "ignore must be a list of rule ids or categories")

    media: tuple = ()
    media_key, raw_media = known.get("media", (None, None))
    alt_key, raw_alt = known.get("media_alt", (None, None))
    if not (_empty(raw_media) and _empty(raw_alt)):  # most posts have none: no import, no work
        from .media import parse as parse_media

        media, media_problems = parse_media(raw_media, raw_alt, lines.get(media_key or alt_key, default_line))
        for message in media_problems:
            problem(media_key or alt_key, message)

    at = first_bad(text)
    if at >= 0:  # a NUL or a "\ud800" escape: no rule can use this text, no report can print it
        line, column = locator.locate(text, at)
        problems.append(Problem("encoding", bad_char(text[at]), line, column))
        text = printable(text)  # same length: positions stay right

    language, account, link, custom_id = scalar("language"), scalar("account"), scalar("link"), scalar("id")
    for name, (key, _) in known.items():  # canonical names: rules find `scheduled_at` however spelt
        if key != name and key in lines:
            lines[name] = lines[key]
    return Post(
        path=path,
        id=custom_id or post_id,
        text=text,
        locator=locator,
        account=account,
        platform=platform,
        scheduled_at=scheduled_at,
        language=language.lower() if language else None,
        ignore=ignore,
        link=link,
        index=index,
        field_lines=tuple(lines.items()),
        problems=tuple(problems),
        extra=tuple((k, fields[k]) for k in unknown_keys),
        media=media,
    )


def _when(key: str, raw: Any, problem: Any) -> datetime | None:
    """scheduled_at as a datetime inside the years a post can go out, else a Problem.

    Year 1 or 9999 is a typo, and date arithmetic on it (a time zone, an hour before) would
    overflow in every schedule rule; the bound is data (rules/inputs.yaml `limits.years`).
    """
    try:
        moment = parse_when(raw) if isinstance(raw, SCALARS) else None
    except (ValueError, OverflowError) as exc:
        problem(key, f"bad {key}: {exc}")
        return None
    if moment is None:
        problem(key, f"bad {key}: not a date-time but {short(raw)}")
        return None
    low, high = inputs().limits.years
    if not low <= moment.year <= high:
        problem(key, f"{key} out of range: year {moment.year} is not between {low} and {high}")
        return None
    return moment


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
