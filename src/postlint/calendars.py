"""Blackout windows from iCalendar (.ics) files: a crisis calendar exported from Google or Outlook.

Why a library: real exports carry VTIMEZONE blocks, all-day events, floating times, RRULE /
RDATE / EXDATE recurrences and moved occurrences (RECURRENCE-ID). `icalendar` parses them and
`recurring-ical-events` expands the recurrences correctly; both are imported inside functions,
so a run without calendars never pays for them.

Time model: an event with a TZID or UTC time is that instant; a floating time (no zone) and an
all-day event (a DATE) are read in the config's `timezone`, so an all-day "national day of
mourning" covers that whole local day. DTEND is exclusive, as in RFC 5545.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import UsageError


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

    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"blackout_calendar: cannot read calendar: {exc.strerror or exc}", path) from None
    try:
        calendar = icalendar.Calendar.from_ical(raw)
    except Exception as exc:  # icalendar raises ValueError and friends for bad content
        raise UsageError(f"blackout_calendar: not a valid iCalendar file ({exc})", path) from None
    if getattr(calendar, "name", "") != "VCALENDAR":
        raise UsageError("blackout_calendar: not a valid iCalendar file (no VCALENDAR)", path)
    return calendar


def check(path: str) -> None:
    """Parse the calendar and expand a little of it, so broken recurrences fail the run early."""
    import recurring_ical_events

    calendar = load(path)
    try:
        recurring_ical_events.of(calendar).between(datetime(2000, 1, 1), datetime(2000, 1, 2))
    except Exception as exc:
        raise UsageError(f"blackout_calendar: cannot expand events ({exc})", path) from None


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
    import recurring_ical_events
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(tzkey)
    first = datetime(year, month, 1, tzinfo=timezone.utc) - timedelta(days=1)
    following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=timezone.utc) + timedelta(days=1)
    try:
        events = recurring_ical_events.of(load(path)).between(first, following)
    except Exception as exc:
        raise UsageError(f"blackout_calendar: cannot expand events ({exc})", path) from None
    windows = (_window(e, tz, path) for e in events)
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
