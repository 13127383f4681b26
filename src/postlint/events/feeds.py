"""Read one feed's bytes into items: events YAML, RSS 2.0, Atom, JSON Feed or iCalendar.

The format is told by the content, not the name (newsrooms serve RSS as text/html and
calendars as application/octet-stream): `{` is JSON Feed, `BEGIN:VCALENDAR` iCalendar, `<`
XML for feedparser (RSS 0.9x/1.0/2.0 and Atom), anything else an events YAML file.

Why feedparser: real RSS and Atom are full of broken encodings, HTML in titles, a dozen date
formats and namespaces; it is the well-kept library for exactly this. It is given the bytes
(a BytesIO), never a URL or a path, so it can neither fetch anything nor open a local file.
JSON Feed is plain JSON with a published schema (jsonfeed.org), read with `json`.

Items keep only what events need: a name, a start, an end when the feed says (iCalendar
DTEND, an events YAML `end`, CAP `expires` in alert feeds), the words terms come from (title
and categories), a level and a language when given, and the link. Every error is a
FeedError with one line naming the feed (and the line, for YAML), never the body.
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any

from .. import yamlfile as y
from ..errors import UsageError
from .model import LEVELS, Item

MAX_ITEMS = 2000
ENTRY = {"name": y.STR, "start": y.WHEN, "end": y.WHEN, "terms": y.list_of(y.STR),
         "level": y.STR, "link": y.STR, "about": y.STR}
SCHEMA = {"kind": y.STR, "events": y.list_of(ENTRY)}


class FeedError(Exception):
    """A feed that cannot be read: one line for a warning."""


def parse(body: bytes, source: str, now: datetime, tz: tzinfo = timezone.utc) -> tuple[str, list[Item]]:
    """(format name, items) of a feed body; `now` bounds how far iCalendar feeds expand; `tz`
    (the config's) reads times written without an offset, as everywhere in postlint."""
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:64]
    if head.startswith(b"{"):
        return "JSON Feed", _json_feed(body, source, tz)
    if head.upper().startswith(b"BEGIN:VCALENDAR"):
        return "iCalendar", _ical(body, now, tz)
    if head.startswith(b"<"):
        return _xml(body)
    return "events YAML", _yaml(body, source, tz)


def _text(value: Any) -> str:
    """Plain text of a title that may carry HTML (feedparser leaves entities decoded)."""
    import html
    import re

    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", str(value or ""))).split())


def _level(categories: list[str]) -> tuple[str | None, list[str]]:
    """A category (RSS/Atom), tag (JSON Feed) or CATEGORIES value `major` or `notable` is the
    item's level, not one of its words; the other categories are words terms come from."""
    level = next((c.strip().lower() for c in categories if c.strip().lower() in LEVELS), None)
    return level, [c for c in categories if c and c.strip().lower() not in LEVELS]


def _iso(moment: datetime, tz: tzinfo = timezone.utc) -> str:
    return (moment if moment.tzinfo else moment.replace(tzinfo=tz)).isoformat()


# --- RSS and Atom (feedparser) ------------------------------------------------------------


def _xml(body: bytes) -> tuple[str, list[Item]]:
    import calendar

    import feedparser

    if b"<!ENTITY" in body:
        # Feeds never declare entities; a document that does is an expansion bomb at worst
        # (expat stops at its amplification limit, but only after feedparser has handled a
        # million text callbacks, ~10 s of CPU), so it is refused unparsed, as defusedxml does.
        raise FeedError("refused: the XML declares entities (a feed never needs to)")
    parsed = feedparser.parse(io.BytesIO(body), resolve_relative_uris=False, sanitize_html=False)
    version = str(parsed.get("version") or "")
    if not version:
        problem = parsed.get("bozo_exception")
        raise FeedError(f"not an RSS or Atom feed ({type(problem).__name__ if problem else 'unknown format'})")
    feed_lang = parsed.feed.get("language")
    items = []
    for entry in parsed.entries[:MAX_ITEMS]:
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        title = _text(entry.get("title"))
        if stamp is None or not title:
            continue  # without a time or a title an item is not an event we can place
        start = datetime.fromtimestamp(calendar.timegm(stamp), timezone.utc)
        end = _cap_expires(entry)
        level, tags = _level([_text(t.get("term") or t.get("label")) for t in entry.get("tags") or []])
        language = (entry.get("title_detail") or {}).get("language") or feed_lang
        items.append(Item(title, _iso(start), end, " ".join([title, *tags]),
                          language, level, None, str(entry.get("link") or "")))
    name = "Atom" if version.startswith("atom") else "RSS"
    return name, items


def _cap_expires(entry: Any) -> str | None:
    """CAP alert feeds (weather services, civil protection) say when an alert expires."""
    value = entry.get("cap_expires")
    if not value:
        return None
    try:
        return _iso(datetime.fromisoformat(str(value).strip().replace("Z", "+00:00")))
    except ValueError:
        return None


# --- JSON Feed ----------------------------------------------------------------------------


def _json_feed(body: bytes, source: str, tz: tzinfo) -> list[Item]:
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FeedError(f"not valid JSON ({type(exc).__name__})") from None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith("https://jsonfeed.org/version/"):
        raise FeedError("JSON without a JSON Feed `version` (https://jsonfeed.org/version/1.1)")
    items = []
    for raw in (data.get("items") or [])[:MAX_ITEMS]:
        if not isinstance(raw, dict):
            continue
        title = _text(raw.get("title") or raw.get("summary") or "")
        stamp = raw.get("date_published") or raw.get("date_modified")
        if not title or not stamp:
            continue
        try:
            start = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
        except ValueError:
            continue
        level, tags = _level([str(t) for t in raw.get("tags") or [] if isinstance(t, str)])
        language = raw.get("language") or data.get("language")
        items.append(Item(title, _iso(start, tz), None, " ".join([title, *tags]),
                          str(language) if language else None, level, None, str(raw.get("url") or "")))
    return items


# --- iCalendar ----------------------------------------------------------------------------


def _ical(body: bytes, now: datetime, tz: tzinfo) -> list[Item]:
    """Occurrences from a year back to a year ahead: what a queue can be scheduled into."""
    from . import ical

    try:
        calendar = ical.parse(body)
        found = ical.between(calendar, now - timedelta(days=366), now + timedelta(days=366), tz)
    except ValueError as exc:
        raise FeedError(str(exc)) from None
    items = []
    for o in found[:MAX_ITEMS]:
        level, words = _level(list(o.categories))
        end = o.end.isoformat() if o.end > o.start else None
        items.append(Item(o.name, o.start.isoformat(), end, " ".join([o.name, *words]), None, level))
    return items


# --- events YAML --------------------------------------------------------------------------


def _yaml(body: bytes, source: str, tz: tzinfo) -> list[Item]:
    """A team's events file: names, times, terms and levels written by hand, validated with
    the file, the line and "did you mean" for a mistyped key or level."""
    import difflib

    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FeedError("not UTF-8 text (and not RSS, Atom, JSON Feed or iCalendar)") from None
    try:
        data, node = y.load(source, text=text)
        if not isinstance(data, dict) or "events" not in data:
            raise UsageError("not a feed: RSS, Atom, JSON Feed, iCalendar, or YAML with `events:`",
                             source, 1)
        y.validate(node, SCHEMA, source)
    except UsageError as exc:
        raise FeedError(str(exc)) from None
    items = []
    for i, entry in enumerate(data.get("events") or []):
        line = y.find_line(node, "events", i)
        where = f"{source}:{line}" if line else source
        if "name" not in entry or "start" not in entry:
            raise FeedError(f"{where}: events[{i}] needs `name` and `start`")
        level = str(entry.get("level", "notable")).strip().lower()
        if level not in LEVELS:
            close = difflib.get_close_matches(level, LEVELS, n=1, cutoff=0.5)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise FeedError(f"{where}: level {entry['level']!r} is not major or notable{hint}")
        try:
            start = _when(entry["start"], tz)
            end = _when(entry["end"], tz) if entry.get("end") else None
        except ValueError as exc:
            raise FeedError(f"{where}: {exc}") from None
        if end is not None and end <= start:
            raise FeedError(f"{where}: `end` must be after `start`")
        terms = tuple(str(t) for t in entry["terms"]) if entry.get("terms") else None
        items.append(Item(str(entry["name"]), _iso(start), _iso(end) if end else None,
                          " ".join([str(entry["name"]), str(entry.get("about") or "")]).strip(),
                          None, level, terms, str(entry.get("link") or "")))
    return items


def _when(value: Any, tz: tzinfo) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime.combine(value, datetime.min.time(), tzinfo=tz)
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"not an ISO 8601 date-time: {str(value)[:40]!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)
