"""What the events package hands to rules: events with a time window, and sensitive days.

Frozen dataclasses, so that they can be cached, compared in tests and shipped to workers.
Windows are half-open, [start, end), like every other window in postlint.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

LEVELS = ("major", "notable")


@dataclass(frozen=True)
class Item:
    """One entry of a feed as read, before it knows the brand: what the feed cache stores.

    `start`/`end` are ISO 8601 strings (JSON-friendly); `end` None means "lasts `events.lasts`".
    `terms` None means "extract them from `text`" (feeds); an events YAML writes them out.
    """

    name: str
    start: str
    end: str | None = None
    text: str = ""  # the words terms come from: title and categories
    language: str | None = None
    level: str | None = None
    terms: tuple[str, ...] | None = None
    link: str = ""

    def to_dict(self) -> dict:
        return {"name": self.name, "start": self.start, "end": self.end, "text": self.text,
                "language": self.language, "level": self.level,
                "terms": list(self.terms) if self.terms is not None else None, "link": self.link}

    @classmethod
    def from_dict(cls, data: dict) -> Item:
        terms = data.get("terms")
        return cls(str(data["name"]), str(data["start"]), data.get("end"), str(data.get("text") or ""),
                   data.get("language"), data.get("level"),
                   tuple(str(t) for t in terms) if terms is not None else None, str(data.get("link") or ""))


@dataclass(frozen=True)
class Event:
    """A live event: while it lasts, posts touching its terms are reported; a major one
    pauses every post scheduled inside it."""

    name: str
    start: datetime  # aware
    end: datetime  # aware, exclusive
    level: str = "notable"
    terms: tuple[str, ...] = ()
    source: str = ""  # the feed it came from, for messages and `postlint events`
    link: str = ""

    def live_at(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True)
class Day:
    """One occurrence of a sensitive date: a local day (or days) of a market."""

    name: str
    meaning: str
    market: str  # "us", "international", or "calendar" for the user's own .ics
    start: datetime  # aware: local midnight in the market's zone
    end: datetime
    source: str = ""  # "file:line" of the entry, or the .ics path

    def covers(self, moment: datetime) -> bool:
        return self.start <= moment < self.end
