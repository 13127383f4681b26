"""The world one config's posts go out into: its sensitive days and its live events.

`world(ctx)` builds it once per run and config (a Context resource): market calendars, user
calendars, and every feed read (from the cache, the network or a file) and turned into events
with terms in the brand's languages. Forked workers inherit it, so a feed is fetched once per
run at most, and not at all while its copy is younger than `events.refresh`.

A feed that cannot be read is a warning line on stderr, never a failure: the run goes on with
the feeds that could be read (and the last copy of the one that could not, if there is one).
"""

from __future__ import annotations

import sys
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from .model import Day, Event, Item
from .settings import Feed, Settings, from_config

MAX_INDEX_DAYS = 400  # an event longer than this is indexed on its first 400 days only


@dataclass(frozen=True)
class FeedStatus:
    """What became of one feed in this run, for warnings and the `postlint events` read-out."""

    feed: Feed
    format: str = ""
    items: int = 0
    events: int = 0
    fetched_at: datetime | None = None
    state: str = "ok"  # ok | fresh-copy | old-copy | offline-copy | failed
    detail: str = ""


def age(fetched_at: datetime, wall: datetime) -> str:
    """'3 h ago', '12 min ago', '2 days ago': how old a copy is, in real time."""
    seconds = max(0, int((wall - fetched_at).total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} days ago"


def _warn(message: str) -> None:
    print(f"postlint: {message}", file=sys.stderr)


class World:
    """Sensitive days and live events of one config, with fast lookups by instant."""

    def __init__(self, settings: Settings, calendar: Any, events: list[Event],
                 statuses: list[FeedStatus], matcher_for: Callable[[Event], Any], vocab: Any = None):
        self.settings = settings
        self.vocab = vocab  # terms.Vocabulary: what posts are split with
        self.calendar = calendar  # dates.Calendar, or None without markets and calendars
        self.events = sorted(events, key=lambda e: (e.start, e.name))
        self.statuses = statuses
        self._matcher_for = matcher_for
        self._matchers: dict[int, Any] = {}
        self._by_day: dict[Any, list[int]] = {}
        for i, event in enumerate(self.events):
            day = event.start.astimezone(timezone.utc).date()
            last = min(event.end, event.start + timedelta(days=MAX_INDEX_DAYS)).astimezone(timezone.utc).date()
            while day <= last:
                self._by_day.setdefault(day, []).append(i)
                day += timedelta(days=1)
        self._starts = [e.start for e in self.events]

    def days_on(self, moment: datetime) -> list[Day]:
        return self.calendar.on(moment) if self.calendar is not None else []

    def live_at(self, moment: datetime) -> list[tuple[int, Event]]:
        """(index, event) of every event live at `moment`: one dictionary lookup per post."""
        candidates = self._by_day.get(moment.astimezone(timezone.utc).date(), ())
        return [(i, self.events[i]) for i in candidates if self.events[i].live_at(moment)]

    def major_at(self, moment: datetime) -> list[Event]:
        return [e for _, e in self.live_at(moment) if e.level == "major"]

    def matcher(self, index: int) -> Any:
        if index not in self._matchers:
            self._matchers[index] = self._matcher_for(self.events[index])
        return self._matchers[index]

    def starting(self, start: datetime, end: datetime) -> list[Event]:
        """Events that start in (start, end]: what is coming."""
        first = bisect_right(self._starts, start)
        return [e for e in self.events[first:] if e.start <= end]


def world(ctx: Any) -> World:
    """The run's World for ctx's config, built on first use (see module docstring)."""
    return ctx.resource("events:world", lambda: build(ctx))


def build(ctx: Any, warn: Callable[[str], None] = _warn) -> World:
    from ..language import normalise
    from . import dates, terms

    config, options = ctx.config, ctx.options
    settings = from_config(config)
    calendar = None
    if settings.markets or settings.calendars:
        markets = dates.load_markets(ctx.data("sensitive-dates"))
        chosen = [markets[c] for c in settings.markets if c in markets]
        if settings.markets and "international" in markets and "international" not in settings.markets:
            chosen.append(markets["international"])
        calendar = dates.Calendar(chosen, config.timezone, settings.calendars)
    vocab = ctx.resource("events:vocabulary", lambda: terms.load_vocabulary(ctx.data("event-terms")))
    brand_langs = tuple(dict.fromkeys(normalise(x) for x in config.languages))
    events: list[Event] = []
    statuses: list[FeedStatus] = []
    for feed in settings.feeds:
        status, items = read_feed(feed, settings, options, config.tz, warn)
        made = []
        for item in items:
            try:
                event = _event(item, feed, settings, brand_langs, vocab, ctx)
            except (ValueError, TypeError):  # a time a feed wrote that is not a time: skip the item
                continue
            if event is not None:
                made.append(event)
        events.extend(made)
        statuses.append(FeedStatus(**{**status.__dict__, "events": len(made)}))

    def matcher_for(event: Event) -> Any:
        return terms.Matcher(event.terms, tuple(dict.fromkeys((*brand_langs, "en"))), vocab)

    return World(settings, calendar, events, statuses, matcher_for, vocab)


def _event(item: Item, feed: Feed, settings: Settings, brand_langs: tuple[str, ...], vocab: Any,
           ctx: Any) -> Event | None:
    """A feed item as an event of this brand: its level, its end, its terms."""
    from ..hashtags import zipf_lookups
    from ..language import normalise
    from . import terms

    declared = feed.language or item.language
    lang = normalise(declared) if declared else terms.guess_language(item.text, (*brand_langs, "en"), vocab)
    if feed.filter == "crisis" and not terms.is_crisis(item.text, lang, vocab):
        return None
    start = datetime.fromisoformat(item.start)
    end = datetime.fromisoformat(item.end) if item.end else start + (feed.lasts or settings.lasts)
    if item.terms is not None:
        found = item.terms
    else:
        zipf = ctx.resource(f"events:zipf:{lang}", lambda: zipf_lookups((lang,), ctx)[0])
        found = terms.extract(item.text, lang, brand_langs, vocab, zipf)
    return Event(item.name, start, end, item.level or feed.level or "notable", found, feed.label, item.link)


def read_feed(feed: Feed, settings: Settings, options: Any, tz: Any,
              warn: Callable[[str], None]) -> tuple[FeedStatus, list[Item]]:
    """The items of one feed: from its file, its fresh copy, the network, or its last copy."""
    from . import feeds, store
    from .fetch import MAX_BYTES

    label = feed.label
    if not feed.is_url:
        try:
            with open(feed.source, "rb") as handle:
                body = handle.read(MAX_BYTES + 1)
            if len(body) > MAX_BYTES:
                raise feeds.FeedError(f"larger than {MAX_BYTES // (1024 * 1024)} MiB")
            fmt, items = feeds.parse(body, feed.source, options.now, tz)
        except OSError as exc:
            return _failed(feed, f"cannot read it ({exc.strerror or exc})", None, warn)
        except feeds.FeedError as exc:
            return _failed(feed, str(exc), None, warn)
        return FeedStatus(feed, fmt, len(items), state="ok"), items
    wall = datetime.now(timezone.utc)
    copy = store.load(feed.source) if options.use_cache else None
    if options.offline:
        if copy is None:
            warn(f"warning: feed {label}: no copy fetched yet and --offline makes no requests; "
                 "its events are not checked")
            return FeedStatus(feed, state="failed", detail="no copy yet (offline)"), []
        warn(f"note: --offline: using the copy of feed {label} fetched {age(copy[0], wall)}")
        return FeedStatus(feed, copy[1], len(copy[2]), 0, copy[0], "offline-copy"), copy[2]
    if copy is not None and wall - copy[0] < settings.refresh:
        return FeedStatus(feed, copy[1], len(copy[2]), 0, copy[0], "fresh-copy"), copy[2]
    try:
        items, fmt = _fetch_items(feed, settings, options, tz)
    except Exception as exc:  # FetchError, FeedError: a feed is never worth a crash
        return _failed(feed, str(exc) or type(exc).__name__, copy, warn, wall)
    if options.use_cache:
        store.save(feed.source, wall, fmt, items)
    return FeedStatus(feed, fmt, len(items), 0, wall, "ok"), items


def _fetch_items(feed: Feed, settings: Settings, options: Any, tz: Any) -> tuple[list[Item], str]:
    from . import feeds
    from .fetch import fetch

    fetched = fetch(feed.source, settings.timeout, settings.allow_private, _network(options))
    fmt, items = feeds.parse(fetched.body, feed.source, options.now, tz)
    return items, fmt


def _network(options: Any) -> Any:
    """The link checker's network settings (User-Agent, redirect limit, refused addresses)."""
    from ..links.data import build
    from ..rules import load_data

    return build(load_data("links", options.rule_dirs)).network


def _failed(feed: Feed, why: str, copy: Any, warn: Callable[[str], None],
            wall: datetime | None = None) -> tuple[FeedStatus, list[Item]]:
    if copy is not None and wall is not None:
        warn(f"warning: feed {feed.label} cannot be read ({why}); using the copy fetched {age(copy[0], wall)}")
        return FeedStatus(feed, copy[1], len(copy[2]), 0, copy[0], "old-copy", why), copy[2]
    warn(f"warning: feed {feed.label} cannot be read ({why}); its events are not checked")
    return FeedStatus(feed, state="failed", detail=why), []
