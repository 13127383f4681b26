"""Sensitive dates: the built-in calendars of each market, and the user's own (.ics).

A date is a local day of its market: 9/11 is 11 September in New York, so a post at 02:00 UTC
on 12 September (22:00 on the 11th in New York) is on it, and one at 02:00 UTC on 11 September
is not. Each market file names its IANA `timezone`; the international calendar has none and
uses the config's.

Dates move: `rule` is a yearly RRULE (Memorial Day is the last Monday of May) expanded with
dateutil, `easter` counts days from Western Easter Sunday (dateutil.easter), `date` is a fixed
month-day. `year` is the year of the event: only later years are anniversaries. The data is in
`rules/events/dates-*.yaml` (`kind: sensitive-dates`); user dates come from `events.calendars`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from .. import yamlfile as y
from ..errors import UsageError
from .model import Day

ENTRY = {"name": y.STR, "meaning": y.STR, "date": y.STR, "rule": y.STR, "easter": y.INT,
         "year": y.INT, "days": y.INT}
SCHEMA = {"kind": y.STR, "market": y.STR, "name": y.STR, "timezone": y.STR,
          "dates": y.list_of(ENTRY)}


@dataclass(frozen=True)
class SensitiveDate:
    name: str
    meaning: str
    month_day: tuple[int, int] | None = None
    rule: str | None = None
    easter: int | None = None
    year: int | None = None
    days: int = 1
    source: str = ""  # "file:line"

    def dates_in(self, year: int) -> list[date]:
        """The first day of each occurrence in `year` (none before its first anniversary)."""
        if self.year is not None and year <= self.year:
            return []
        if self.month_day is not None:
            month, day = self.month_day
            try:
                return [date(year, month, day)]
            except ValueError:  # 29 February in a common year
                return []
        if self.easter is not None:
            from dateutil.easter import easter

            return [easter(year) + timedelta(days=self.easter)]
        return list(_rule_dates(self.rule or "", year))


@lru_cache(maxsize=1024)
def _rule_dates(rule: str, year: int) -> tuple[date, ...]:
    from dateutil.rrule import rrulestr

    start = datetime(year, 1, 1)
    found = rrulestr(rule, dtstart=start).between(start, datetime(year + 1, 1, 1), inc=True)
    return tuple(moment.date() for moment in found)


@dataclass(frozen=True)
class Market:
    code: str
    name: str
    timezone: str | None  # None: the config's (international)
    dates: tuple[SensitiveDate, ...]


def load_markets(files: list[tuple[Any, Any]]) -> dict[str, Market]:
    """Every `kind: sensitive-dates` file, validated with file and line; a file for a market
    that already exists adds its dates to it (a `--rules` folder can extend a market).
    Validated once per content of the files (see `memo`)."""
    from dataclasses import asdict

    from .memo import json_memo

    def build() -> dict[str, Any]:
        return {code: asdict(market) for code, market in _parse_markets(files).items()}

    markets = {}
    for code, raw in json_memo("sensitive-dates", [p for p, _ in files], build).items():
        dates = tuple(SensitiveDate(**{**d, "month_day": tuple(d["month_day"]) if d["month_day"] else None})
                      for d in raw["dates"])
        markets[code] = Market(raw["code"], raw["name"], raw["timezone"], dates)
    return markets


def _parse_markets(files: list[tuple[Any, Any]]) -> dict[str, Market]:
    markets: dict[str, Market] = {}
    for path, _ in files:
        data, node = y.load(path)
        where = str(path)
        y.validate(node, SCHEMA, where)
        code = str(data.get("market") or "").strip().lower()
        if not code:
            raise UsageError("a sensitive-dates file needs `market:`", where, 1)
        tzname = data.get("timezone")
        if tzname:
            try:
                ZoneInfo(tzname)
            except Exception:
                raise UsageError(f"timezone: unknown IANA time zone {tzname!r}", where,
                                 y.find_line(node, "timezone")) from None
        dates = tuple(_entry(item, where, y.find_line(node, "dates", i))
                      for i, item in enumerate(data.get("dates") or []))
        old = markets.get(code)
        markets[code] = Market(code, str(data.get("name") or (old.name if old else code)),
                               tzname or (old.timezone if old else None),
                               (old.dates if old else ()) + dates)
    return markets


def _entry(item: dict[str, Any], where: str, line: int | None) -> SensitiveDate:
    kinds = [k for k in ("date", "rule", "easter") if k in item]
    if len(kinds) != 1 or "name" not in item or "meaning" not in item:
        raise UsageError("a sensitive date needs `name`, `meaning` and exactly one of `date` "
                         "(MM-DD), `rule` (RRULE) or `easter` (days from Easter)", where, line)
    month_day = None
    if "date" in item:
        try:
            month, day = (int(part) for part in str(item["date"]).split("-"))
            date(2000, month, day)  # a leap year, so 02-29 is valid
            month_day = (month, day)
        except ValueError:
            raise UsageError(f"date {item['date']!r} is not MM-DD", where, line) from None
    if "rule" in item:
        try:
            _rule_dates(str(item["rule"]), 2000)
        except (ValueError, TypeError) as exc:
            raise UsageError(f"rule {item['rule']!r}: {exc}", where, line) from None
    return SensitiveDate(str(item["name"]), " ".join(str(item["meaning"]).split()), month_day,
                         item.get("rule"), item.get("easter"), item.get("year"),
                         max(1, int(item.get("days", 1))), f"{where}:{line}")


class Calendar:
    """The sensitive days of a config's markets and calendars, indexed per market and year.

    `on(moment)` is what the rule asks for every scheduled post: a dictionary lookup per
    market of the post's local date, after the year's index is built once.
    """

    def __init__(self, markets: list[Market], default_tz: str, user_calendars: tuple[str, ...] = ()):
        self.markets = markets
        self.default_tz = default_tz
        self.user_calendars = user_calendars
        self._index: dict[tuple[str, int], dict[date, list[Day]]] = {}
        self._windows: dict[int, tuple[list[float], list[Day], float]] = {}
        self._user: dict[int, list[Day]] = {}

    def _zone(self, market: Market) -> ZoneInfo:
        return ZoneInfo(market.timezone or self.default_tz)

    def _year(self, market: Market, year: int) -> dict[date, list[Day]]:
        key = (market.code, year)
        if key not in self._index:
            tz = self._zone(market)
            index: dict[date, list[Day]] = {}
            for entry in market.dates:
                for first in entry.dates_in(year):
                    start = datetime.combine(first, datetime.min.time(), tzinfo=tz)
                    day = Day(entry.name, entry.meaning, market.code, start,
                              datetime.combine(first + timedelta(days=entry.days), datetime.min.time(),
                                               tzinfo=tz), entry.source)
                    for offset in range(entry.days):
                        index.setdefault(first + timedelta(days=offset), []).append(day)
            self._index[key] = index
        return self._index[key]

    def _user_year(self, year: int) -> list[Day]:
        """The user's calendar events overlapping one year (expanded once per year)."""
        if year not in self._user:
            from . import ical

            tz = ZoneInfo(self.default_tz)
            start = datetime(year, 1, 1, tzinfo=timezone.utc) - timedelta(days=1)
            end = datetime(year + 1, 1, 1, tzinfo=timezone.utc) + timedelta(days=1)
            days = []
            for path in self.user_calendars:
                for o in ical.between(ical.read_file(path), start, end, tz):
                    days.append(Day(o.name, o.description, "calendar", o.start, o.end, path))
            self._user[year] = days
        return self._user[year]

    def _utc_year(self, year: int) -> tuple[list[float], list[Day], float]:
        """Every market's days touching one UTC year as (start timestamps, days, longest day in
        seconds), sorted by start: `on` is then a binary search, not a time-zone conversion
        per market and post."""
        if year not in self._windows:
            days = {(d.name, d.market, d.start): d
                    for market in self.markets for local_year in (year - 1, year, year + 1)
                    for found in self._year(market, local_year).values() for d in found}
            first = datetime(year, 1, 1, tzinfo=timezone.utc) - timedelta(days=2)
            last = datetime(year + 1, 1, 1, tzinfo=timezone.utc) + timedelta(days=2)
            ordered = sorted((d for d in days.values() if d.end > first and d.start < last),
                             key=lambda d: d.start)
            longest = max(((d.end - d.start).total_seconds() for d in ordered), default=0.0)
            self._windows[year] = ([d.start.timestamp() for d in ordered], ordered, longest)
        return self._windows[year]

    def on(self, moment: datetime) -> list[Day]:
        """Every sensitive day whose local day (or event time) contains `moment`."""
        from bisect import bisect_right

        stamp = moment.timestamp()
        starts, days, longest = self._utc_year(moment.astimezone(timezone.utc).year)
        found: list[Day] = []
        i = bisect_right(starts, stamp) - 1
        while i >= 0 and starts[i] > stamp - longest:
            if days[i].covers(moment):
                found.append(days[i])
            i -= 1
        found.reverse()
        if self.user_calendars:
            found.extend(d for d in self._user_year(moment.astimezone(timezone.utc).year) if d.covers(moment))
        return found

    def between(self, start: datetime, end: datetime) -> list[Day]:
        """Every sensitive day overlapping [start, end), in order, each once."""
        found: dict[tuple, Day] = {}
        day = start
        while day < end + timedelta(days=1):
            for market in self.markets:
                local = day.astimezone(self._zone(market))
                for d in self._year(market, local.year).get(local.date(), ()):
                    found[(d.name, d.market, d.start)] = d
            day += timedelta(days=1)
        if self.user_calendars:
            for year in range(start.year, end.year + 1):
                for d in self._user_year(year):
                    found[(d.name, d.market, d.start)] = d
        return sorted((d for d in found.values() if d.start < end and d.end > start),
                      key=lambda d: (d.start, d.market, d.name))
