"""iCalendar for events: the user's own sensitive dates (`events.calendars`) and iCal feeds.

Why not `postlint.calendars`: that module turns a blackout calendar into windows at one
instant; here a calendar's occurrences are listed over a range (the 14 days of
`postlint events`, the year of a post) and carry their SUMMARY, DESCRIPTION and CATEGORIES,
and feed calendars arrive as bytes from the network, not as files. The time model is the same:
a TZID or UTC time is that instant; floating times and all-day dates are read in the given
zone; DTEND is exclusive; an all-day event without DTEND lasts one day.

`icalendar` parses, `recurring-ical-events` expands RRULE/RDATE/EXDATE; both imported lazily.
Expansion is always between two instants and stops at MAX_OCCURRENCES, so an endless RRULE in
a downloaded calendar costs a bounded amount of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from itertools import islice
from typing import Any

MAX_BYTES = 8 * 1024 * 1024  # a user calendar larger than this is not a calendar of dates
MAX_OCCURRENCES = 5000


@dataclass(frozen=True)
class Occurrence:
    name: str
    start: datetime  # aware
    end: datetime  # aware, exclusive
    description: str = ""
    categories: tuple[str, ...] = ()


def parse(raw: bytes) -> Any:
    """The parsed VCALENDAR; ValueError (one line, no content echoed) when it is not one."""
    import icalendar

    try:
        calendar = icalendar.Calendar.from_ical(raw)
    except Exception as exc:  # icalendar raises ValueError and friends for bad content
        raise ValueError(f"not a valid iCalendar file ({type(exc).__name__})") from None
    if getattr(calendar, "name", "") != "VCALENDAR":
        raise ValueError("not a valid iCalendar file (no VCALENDAR)")
    return calendar


def read_file(path: str) -> Any:
    """A calendar file, read with a size bound and parsed; ValueError names what is wrong."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ValueError(f"cannot read calendar: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise ValueError(f"calendar larger than {MAX_BYTES // (1024 * 1024)} MiB")
    return parse(raw)


def _aware(value: date | datetime, tz: tzinfo) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    return datetime.combine(value, datetime.min.time(), tzinfo=tz)


def _categories(event: Any) -> tuple[str, ...]:
    found = event.get("CATEGORIES")
    values = found if isinstance(found, list) else ([found] if found is not None else [])
    names: list[str] = []
    for value in values:
        cats = getattr(value, "cats", None)
        names.extend(str(c) for c in (cats if cats is not None else [value]))
    return tuple(n.strip() for n in names if str(n).strip())


def _occurrence(event: Any, tz: tzinfo) -> Occurrence | None:
    start_value = event.get("DTSTART")
    if start_value is None or str(event.get("STATUS", "")).upper() == "CANCELLED":
        return None
    start = _aware(start_value.dt, tz)
    if event.get("DTEND") is not None:
        end = _aware(event["DTEND"].dt, tz)
    elif event.get("DURATION") is not None:
        end = start + event["DURATION"].dt
    elif not isinstance(start_value.dt, datetime):
        end = start + timedelta(days=1)
    else:
        end = start  # an instant: a feed item; the caller gives it `events.lasts`
    name = str(event.get("SUMMARY") or "").strip()
    if not name:
        return None
    return Occurrence(name, start, end, str(event.get("DESCRIPTION") or "").strip(), _categories(event))


def between(calendar: Any, start: datetime, end: datetime, tz: tzinfo) -> list[Occurrence]:
    """Occurrences overlapping [start, end) in order of start, from at most MAX_OCCURRENCES."""
    import recurring_ical_events

    found = []
    try:  # `after` yields in order of start, lazily: an endless RRULE stops at `end` or the cap
        for event in islice(recurring_ical_events.of(calendar).after(start), MAX_OCCURRENCES):
            occurrence = _occurrence(event, tz)
            if occurrence is None:
                continue
            if occurrence.start >= end:
                break
            found.append(occurrence)
    except Exception as exc:  # a broken RRULE in a downloaded calendar
        raise ValueError(f"cannot expand the calendar's events ({type(exc).__name__}: {exc})") from None
    return found
