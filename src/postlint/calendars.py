"""Blackout windows from iCalendar (.ics) files: a crisis calendar exported from Google or Outlook.

Why a library: real exports carry VTIMEZONE blocks, all-day events, floating times, RRULE /
RDATE / EXDATE recurrences and moved occurrences (RECURRENCE-ID). `icalendar` parses them and
`recurring-ical-events` expands the recurrences correctly; both are imported inside functions,
so a run without calendars never pays for them.

Time model: an event with a TZID or UTC time is that instant; a floating time (no zone) and an
all-day event (a DATE) are read in the config's `timezone`, so an all-day "national day of
mourning" covers that whole local day. DTEND is exclusive, as in RFC 5545.

Bounds: a calendar is read only if it is a regular file of at most 10 MB; recurrences are
expanded per month that a post is scheduled in, never in full; and RRULEs that would take more
than MAX_OCCURRENCES steps to get there (FREQ=SECONDLY with no end took 409 s and 6 GB for one
month) fail the run with one line naming the worst event, instead of being expanded.
Messages quote a calendar's content only as a short excerpt: a path that is not a calendar
(/proc/self/environ) must not copy its content into a CI log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any

from .errors import UsageError, excerpt
from .files import CALENDAR_LIMIT, read_bytes

MAX_OCCURRENCES = 200_000  # RRULE steps per calendar and expansion: ~1.2 s of dateutil at worst
# The shortest length of one step of each FREQ, in seconds: the estimate is an upper bound.
STEP = {"SECONDLY": 1, "MINUTELY": 60, "HOURLY": 3600, "DAILY": 86400, "WEEKLY": 7 * 86400,
        "MONTHLY": 28 * 86400, "YEARLY": 365 * 86400}
# BY parts that add occurrences inside one step of a coarser FREQ: (length of the part's own
# unit in seconds, most occurrences one value adds per step of {FREQ: n}, default 1).
EXPANDING = {"BYSECOND": (1, {}), "BYMINUTE": (60, {}), "BYHOUR": (3600, {}),
             "BYDAY": (86400, {"YEARLY": 53, "MONTHLY": 5}), "BYMONTHDAY": (86400, {"YEARLY": 12}),
             "BYYEARDAY": (86400, {}), "BYWEEKNO": (86400, {"YEARLY": 7}),
             "BYMONTH": (28 * 86400, {})}


@dataclass(frozen=True)
class Window:
    """One blackout occurrence, with aware start and (exclusive) end."""

    start: datetime
    end: datetime
    reason: str
    source: str  # the calendar file, for messages


@lru_cache(maxsize=None)
def load(path: str) -> Any:
    """The parsed calendar of `path`; a missing or malformed file is a run failure (exit 2)."""
    import icalendar

    raw = read_bytes(path, CALENDAR_LIMIT, "blackout_calendar: calendar")
    if not raw.lstrip(b"\xef\xbb\xbf \t\r\n").upper().startswith(b"BEGIN:VCALENDAR"):
        # checked before parsing, so that nothing of a file that is not a calendar is quoted
        raise UsageError("blackout_calendar: not an iCalendar file (it does not start with "
                         "BEGIN:VCALENDAR)", path)
    try:
        calendar = icalendar.Calendar.from_ical(raw)
    except Exception as exc:  # icalendar raises ValueError and friends for bad content
        raise UsageError(f"blackout_calendar: not a valid iCalendar file ({_reason(exc)})",
                         path) from None
    if getattr(calendar, "name", "") != "VCALENDAR":
        raise UsageError("blackout_calendar: not a valid iCalendar file (no VCALENDAR)", path)
    return calendar


def _reason(exc: Exception) -> str:
    """A library's error, which quotes the offending content line, cut to an excerpt."""
    return f"{type(exc).__name__}: {excerpt(exc, quote=False)}" if str(exc) else type(exc).__name__


def check(path: str) -> None:
    """Parse the calendar and expand a little of it, so broken recurrences fail the run early."""
    end = datetime(2000, 1, 2, tzinfo=timezone.utc)
    _between(path, end - timedelta(days=1), end)


@lru_cache(maxsize=None)
def _query(path: str) -> Any:
    """The recurrence query of a calendar, built once: it indexes every event (seconds for a
    calendar of thousands), and each month a queue touches asks it again."""
    import recurring_ical_events

    try:
        return recurring_ical_events.of(load(path))
    except Exception as exc:
        raise UsageError(f"blackout_calendar: cannot expand events ({_reason(exc)})",
                         path) from None


def _between(path: str, start: datetime, end: datetime) -> list[Any]:
    """Occurrences between `start` and `end`, after checking that reaching `end` is bounded."""
    _check_recurrences(load(path), end, path)
    query = _query(path)
    try:
        return query.between(start, end)
    except Exception as exc:
        raise UsageError(f"blackout_calendar: cannot expand events ({_reason(exc)})",
                         path) from None


def _check_recurrences(calendar: Any, end: datetime, path: str) -> None:
    """Fail, naming the worst event, when the RRULEs of a calendar need more than
    MAX_OCCURRENCES steps in all to reach `end`: dateutil walks every step from DTSTART, so
    the cost is in the steps since DTSTART, not in the window asked for."""
    total, worst = 0, (0, None, None, None)
    for event in calendar.walk("VEVENT"):
        rules = event.get("RRULE")
        start = event.get("DTSTART")
        if rules is None or start is None:
            continue
        for rule in rules if isinstance(rules, list) else [rules]:
            steps = occurrences_bound(rule, start.dt, end)
            total += steps
            if steps > worst[0]:
                worst = (steps, event, rule, start.dt)
    if total > MAX_OCCURRENCES:
        _, event, rule, start_dt = worst
        freq = str((rule.get("FREQ") or ["?"])[0]).upper()
        name = excerpt(event.get("SUMMARY") or event.get("UID") or "")
        raise UsageError(
            f"blackout_calendar: recurring events need about {total:,} occurrences expanded to "
            f"reach {end:%Y-%m-%d}, over the limit of {MAX_OCCURRENCES:,}; the most, event {name} "
            f"(FREQ={excerpt(freq, 10, quote=False)} from {_naive(start_dt):%Y-%m-%d}), needs an "
            "UNTIL or a COUNT, a later DTSTART or a coarser FREQ", path)


def occurrences_bound(rule: Any, start: date | datetime, end: datetime) -> int:
    """An upper bound of the occurrences an RRULE (an icalendar vRecur) yields from `start`
    until `end` (or its UNTIL, or its COUNT). Filters (a BY part as coarse as FREQ) only
    remove occurrences, and dateutil skips filtered steps quickly, so they are ignored."""
    def first(key: str, default: Any = None) -> Any:
        values = rule.get(key)
        return values[0] if values else default

    freq = str(first("FREQ", "")).upper()
    if freq not in STEP:
        return 0  # recurring-ical-events reports a rule it cannot read
    until = first("UNTIL")
    stop = min(_naive(end), _naive(until)) if until is not None else _naive(end)
    span = (stop - _naive(start)).total_seconds()
    if span < 0:
        return 0
    try:
        interval = max(int(first("INTERVAL", 1)), 1)
    except (TypeError, ValueError):
        interval = 1
    bound = int(span // (STEP[freq] * interval)) + 1
    for part, (unit, per_step) in EXPANDING.items():
        values = rule.get(part)
        if values and unit < STEP[freq]:
            bound *= len(values) * per_step.get(freq, 1)
    count = first("COUNT")
    return min(bound, int(count)) if isinstance(count, int) and count >= 0 else bound


def _naive(value: date | datetime) -> datetime:
    """A naive UTC datetime (a DATE: its midnight), for estimates a day off at most."""
    if not isinstance(value, datetime):
        return datetime.combine(value, datetime.min.time())
    return value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value


def _aware(value: date | datetime, tz: tzinfo) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    return datetime.combine(value, datetime.min.time(), tzinfo=tz)


def _window(event: Any, tz: tzinfo, source: str) -> Window | None:
    start_value = event.get("DTSTART")
    if start_value is None or str(event.get("STATUS", "")).upper() == "CANCELLED":
        return None  # a cancelled vigil or a moved occurrence's old slot is no blackout
    start_raw = start_value.dt
    start = _aware(start_raw, tz)
    if event.get("DTEND") is not None:
        end = _aware(event["DTEND"].dt, tz)
    elif event.get("DURATION") is not None:
        end = start + event["DURATION"].dt
    elif not isinstance(start_raw, datetime):
        end = start + timedelta(days=1)  # RFC 5545: an all-day event without DTEND lasts one day
    else:
        end = start  # an instant: it blacks out nothing
    reason = str(event.get("SUMMARY") or "calendar event").strip() or "calendar event"
    return Window(start, end, reason, source)


@lru_cache(maxsize=4096)
def _month(path: str, tzkey: str, year: int, month: int) -> tuple[Window, ...]:
    """Occurrences overlapping one UTC month (plus a day each side), cached: queues cluster."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(tzkey)
    first = datetime(year, month, 1, tzinfo=timezone.utc) - timedelta(days=1)
    following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=timezone.utc) + timedelta(days=1)
    windows = (_window(e, tz, path) for e in _between(path, first, following))
    return tuple(w for w in windows if w is not None)


def windows_at(paths: tuple[str, ...], moment: datetime, tzkey: str) -> list[Window]:
    """Every calendar event, from every file, whose time contains `moment` (start <= m < end)."""
    utc = moment.astimezone(timezone.utc)
    found = []
    for path in paths:
        for window in _month(path, tzkey, utc.year, utc.month):
            if window.start <= moment < window.end:
                found.append(window)
    return found
