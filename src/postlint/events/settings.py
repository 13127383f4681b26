"""The config's `markets` and `events` keys: validated when the config loads, read by rules.

Why validate here, at load time: a typo in a market code (`markets: [usa]`), a level or a
duration must stop the run with the file, the line and what was probably meant, before a
queue is half checked. `config.py` calls `check` only when a config has one of these keys,
so configs without them never import this package.

Unquoted `no` in YAML is the boolean false, which is how `markets: [us, no]` would silently
lose Norway: that gets its own message.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from .. import yamlfile as y
from ..errors import UsageError
from .model import LEVELS

DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|min|h|d|w)\s*$", re.IGNORECASE)
UNITS = {"s": "seconds", "m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}
FILTERS = ("all", "crisis")
FEED = {"url": y.STR, "name": y.STR, "level": y.STR, "lasts": y.STR, "filter": y.STR,
        "language": y.STR}
SCHEMA = {
    "calendars": y.one_of(y.STR, y.list_of(y.STR)),
    "feeds": y.list_of(y.one_of(y.STR, FEED)),
    "lasts": y.STR,
    "refresh": y.STR,
    "timeout": y.NUMBER,
    "allow_private_hosts": y.BOOL,
}
DEFAULT_LASTS = timedelta(hours=72)
DEFAULT_REFRESH = timedelta(minutes=30)


@dataclass(frozen=True)
class Feed:
    """One entry of `events.feeds`: a URL or an absolute path, and its own choices."""

    source: str
    name: str = ""
    written: str = ""  # the URL or path as written in the config
    level: str | None = None  # every item of this feed is this level (default notable)
    lasts: timedelta | None = None
    filter: str = "all"  # "crisis": keep only items with a crisis word (general newsroom feeds)
    language: str | None = None  # the items' language, when the feed does not say

    @property
    def is_url(self) -> bool:
        return is_url(self.source)

    @property
    def label(self) -> str:
        return self.name or self.written or self.source


@dataclass(frozen=True)
class Settings:
    markets: tuple[str, ...] = ()
    calendars: tuple[str, ...] = ()
    feeds: tuple[Feed, ...] = ()
    lasts: timedelta = DEFAULT_LASTS
    refresh: timedelta = DEFAULT_REFRESH
    timeout: float = 5.0
    allow_private: bool = False


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def parse_duration(value: str) -> timedelta:
    """`72h`, `30m`, `90min`, `2d`, `1w`, `45s`: how long an event lasts or a copy is reused."""
    found = DURATION.match(str(value))
    if not found:
        raise ValueError(f"not a duration like 72h, 30m or 2d: {value!r}")
    return timedelta(**{UNITS[found.group(2).lower()]: float(found.group(1))})


def known_markets() -> dict[str, str]:
    """Market code -> name, from the built-in calendars (`rules/events/dates-*.yaml`)."""
    from ..rules import builtin_rules_dir
    from .dates import load_markets

    files = sorted((builtin_rules_dir() / "events").glob("dates-*.yaml"))
    return {code: market.name for code, market in load_markets([(p, None) for p in files]).items()}


def _did_you_mean(value: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check(data: dict[str, Any], node: Any, path: Path) -> None:
    """Validate `markets` and `events` of one config file in place: market codes lower-cased,
    relative paths made absolute (relative to the config), calendars parsed. Raises UsageError
    naming the file and line."""
    where = str(path)
    if "markets" in data:
        data["markets"] = _markets(data["markets"], node, where)
    events = data.get("events")
    if events is None:
        return
    events_node = next((v for k, v in node.value if k.value == "events"), None)
    y.validate(events_node, SCHEMA, where, "events")
    for key in ("lasts", "refresh"):
        if key in events:
            try:
                parse_duration(events[key])
            except ValueError as exc:
                raise UsageError(f"events.{key}: {exc}", where, y.find_line(node, "events", key)) from None
    calendars = events.get("calendars")
    if calendars is not None:
        names = calendars if isinstance(calendars, list) else [calendars]
        events["calendars"] = [_calendar(name, path, y.find_line(node, "events", "calendars")) for name in names]
    for i, feed in enumerate(events.get("feeds") or []):
        events["feeds"][i] = _feed(feed, path, y.find_line(node, "events", "feeds", i))


def _markets(values: Any, node: Any, where: str) -> list[str]:
    known = known_markets()
    codes = []
    for i, value in enumerate(values or []):
        line = y.find_line(node, "markets", i)
        if value is False:
            raise UsageError(f'markets[{i}]: write "no" in quotes for Norway (unquoted, YAML reads '
                             "no as false)", where, line)
        if not isinstance(value, str):
            raise UsageError(f"markets[{i}] must be a market code ({', '.join(known)})", where, line)
        code = value.strip().lower()
        if code not in known:
            raise UsageError(f"markets: unknown market {value!r}{_did_you_mean(code, list(known))}; "
                             f"known markets: {', '.join(known)}", where, line)
        codes.append(code)
    return codes


def _calendar(name: str, config: Path, line: int | None) -> str:
    """An `events.calendars` file: read and parsed now, so a broken one fails the run here."""
    from . import ical

    target = (config.parent / name).resolve()
    try:
        ical.read_file(str(target))
    except ValueError as exc:
        raise UsageError(f"events.calendars: {name}: {exc}", str(config), line) from None
    return str(target)


def _feed(entry: Any, config: Path, line: int | None) -> dict[str, Any]:
    """A feed entry as a mapping with `url` an absolute path or a URL; choices checked."""
    feed = {"url": entry} if isinstance(entry, str) else dict(entry)
    where = str(config)
    if not str(feed.get("url") or "").strip():
        raise UsageError("events.feeds: a feed needs a `url` (an http(s) URL or a path)", where, line)
    for key, choices in (("level", LEVELS), ("filter", FILTERS)):
        if key in feed and str(feed[key]).strip().lower() not in choices:
            raise UsageError(f"events.feeds: {key} {feed[key]!r} is not one of {', '.join(choices)}"
                             f"{_did_you_mean(str(feed[key]).lower(), list(choices))}", where, line)
        if key in feed:
            feed[key] = str(feed[key]).strip().lower()
    if "lasts" in feed:
        try:
            parse_duration(feed["lasts"])
        except ValueError as exc:
            raise UsageError(f"events.feeds: lasts: {exc}", where, line) from None
    url = str(feed["url"]).strip()
    feed.setdefault("written", url)  # as the user wrote it: what messages show
    if not is_url(url):
        if "://" in url:
            raise UsageError(f"events.feeds: only http(s) URLs and paths are read, not {url!r}", where, line)
        url = str((config.parent / url).resolve())
    feed["url"] = url
    return feed


def from_config(config: Any) -> Settings:
    """The validated settings of a loaded config (see `check`)."""
    data = config.data
    events = data.get("events") or {}
    links = data.get("links") or {}
    feeds = []
    for entry in events.get("feeds") or []:
        entry = {"url": entry} if isinstance(entry, str) else entry
        feeds.append(Feed(
            source=entry["url"], name=str(entry.get("name") or ""), written=str(entry.get("written") or ""),
            level=entry.get("level"),
            lasts=parse_duration(entry["lasts"]) if entry.get("lasts") else None,
            filter=entry.get("filter") or "all", language=entry.get("language")))
    calendars = events.get("calendars") or []
    return Settings(
        markets=tuple(data.get("markets") or ()),
        calendars=tuple(calendars if isinstance(calendars, list) else [calendars]),
        feeds=tuple(feeds),
        lasts=parse_duration(events["lasts"]) if events.get("lasts") else DEFAULT_LASTS,
        refresh=parse_duration(events["refresh"]) if events.get("refresh") else DEFAULT_REFRESH,
        timeout=float(events.get("timeout", links.get("timeout", 5))),
        allow_private=bool(events.get("allow_private_hosts", links.get("allow_private_hosts", False))),
    )
