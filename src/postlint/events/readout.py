"""`postlint events`: what is live now and what is coming, for a social team's Monday.

Plain text (a table a person reads in a terminal or pastes into a chat) or JSON for scripts.
Everything comes from the same `World` that `check` uses, so the read-out and the findings can
never disagree.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from .live import World, age
from .model import Day, Event

HORIZON = timedelta(days=14)
STATE = {"ok": "read", "fresh-copy": "copy fetched {age} (fresh)", "old-copy": "cannot be read; copy fetched {age}",
         "offline-copy": "offline; copy fetched {age}", "failed": "cannot be read"}


def _when(moment: datetime, tz: Any) -> str:
    return moment.astimezone(tz).strftime("%a %Y-%m-%d %H:%M")


def _day(moment: datetime, tz: Any) -> str:
    return moment.astimezone(tz).strftime("%a %Y-%m-%d")


def _terms(event: Event, limit: int = 8) -> str:
    shown = list(event.terms[:limit])
    more = len(event.terms) - len(shown)
    return ", ".join(shown) + (f" (+{more})" if more > 0 else "")


def collect(the_world: World, now: datetime) -> dict[str, list]:
    live = [e for _, e in the_world.live_at(now)]
    # live_at indexes by day; an event that started before today is also found there
    coming = [e for e in the_world.starting(now, now + HORIZON) if e not in live]
    days: list[Day] = the_world.calendar.between(now, now + HORIZON) if the_world.calendar else []
    return {"live": live, "coming": coming, "dates": days}


def render_text(the_world: World, now: datetime, tz: Any, wall: datetime, config_path: str) -> str:
    found = collect(the_world, now)
    lines = [f"Events for {config_path}, now {_when(now, tz)} {now.astimezone(tz).tzname()}", ""]
    lines.append("LIVE NOW")
    if not found["live"]:
        lines.append("  nothing live in the configured feeds")
    for e in found["live"]:
        pause = "  [major: every scheduled post is paused]" if e.level == "major" else ""
        lines.append(f"  {e.name}{pause}")
        lines.append(f"    until {_when(e.end, tz)}  from {e.source}")
        lines.append(f"    terms: {_terms(e) or '-'}")
    lines += ["", f"COMING UP (to {_day(now + HORIZON, tz)})"]
    rows = [(e.start, _when(e.start, tz), f"{e.name} ({e.level}, from {e.source})") for e in found["coming"]]
    # a sensitive day is shown as the market's own date (22 July in Oslo), not converted
    rows += [(d.start, d.start.strftime("%a %Y-%m-%d"), f"{d.name} [{d.market}]: {d.meaning}")
             for d in found["dates"]]
    if not rows:
        lines.append("  no sensitive dates or announced events")
    for _, when, what in sorted(rows, key=lambda r: r[0]):
        lines.append(f"  {when:<20}  {what}")
    if the_world.statuses:
        lines += ["", "FEEDS"]
        for s in the_world.statuses:
            state = STATE[s.state].format(age=age(s.fetched_at, wall) if s.fetched_at else "")
            detail = f" ({s.detail})" if s.detail else ""
            kind = f"{s.format}, " if s.format else ""
            lines.append(f"  {s.feed.label}: {kind}{s.items} items, {s.events} events; {state}{detail}")
    markets = ", ".join(the_world.settings.markets) or "none"
    lines += ["", f"Markets: {markets}" + (" (+ international)" if the_world.settings.markets else "")]
    return "\n".join(lines) + "\n"


def render_json(the_world: World, now: datetime, wall: datetime) -> str:
    found = collect(the_world, now)

    def event(e: Event) -> dict:
        return {"name": e.name, "level": e.level, "start": e.start.isoformat(), "end": e.end.isoformat(),
                "terms": list(e.terms), "source": e.source, "link": e.link}

    def day(d: Day) -> dict:
        return {"name": d.name, "meaning": d.meaning, "market": d.market, "start": d.start.isoformat(),
                "end": d.end.isoformat()}

    feeds = [{"feed": s.feed.label, "format": s.format, "items": s.items, "events": s.events,
              "state": s.state, "detail": s.detail,
              "fetched_at": s.fetched_at.isoformat() if s.fetched_at else None} for s in the_world.statuses]
    return json.dumps({"version": 1, "now": now.isoformat(), "live": [event(e) for e in found["live"]],
                       "coming": [event(e) for e in found["coming"]], "dates": [day(d) for d in found["dates"]],
                       "feeds": feeds, "markets": list(the_world.settings.markets)},
                      ensure_ascii=False, indent=1) + "\n"
