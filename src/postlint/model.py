"""Plain data that flows through postlint: posts in, findings out.

Everything here is a frozen dataclass so that posts and findings can be shipped to worker
processes, hashed, sorted and compared without surprises.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class Severity(enum.IntEnum):
    """Ordered so that `max()` and sorting do the ranking the contract asks for."""

    INFO = 0
    WARNING = 1
    ERROR = 2
    CRITICAL = 3

    @classmethod
    def parse(cls, name: str) -> Severity:
        try:
            return cls[name.strip().upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {name!r} (expected one of: {', '.join(SEVERITY_NAMES)})"
            ) from None

    def __str__(self) -> str:
        return self.name.lower()


SEVERITY_NAMES = tuple(str(s) for s in Severity)

CATEGORIES = (
    "spelling",
    "links",
    "sensitive",
    "profanity",
    "hashtag",
    "voice",
    "platform",
    "schedule",
    # Additions (2026-12): approvals before publishing, and the pictures and videos of a post.
    "review",
    "media",
    # Not in the topic table of the contract: findings about the post itself being unreadable
    # (bad front matter, undecodable bytes, empty file, unknown platform, bad date).
    "input",
)

TOPICS = ("religion", "politics", "violence", "sexual", "tragedy", "substances", "discrimination")


@dataclass(frozen=True, slots=True)
class Locator:
    """Maps an offset in a post's text to a line and column in its file.

    `raw` is the text exactly as it appears in the file from where the post's text starts
    (it differs from the text when the file escapes characters, e.g. CSV doubles quotes);
    `index[i]` is where text offset `i` sits inside `raw` (None when they are identical).
    """

    line: int = 1
    column: int = 1
    raw: str | None = None
    index: tuple[int, ...] | None = None

    def locate(self, text: str, offset: int) -> tuple[int, int]:
        raw = text if self.raw is None else self.raw
        if self.index is not None:
            offset = self.index[offset] if offset < len(self.index) else len(raw)
        offset = max(0, min(offset, len(raw)))
        newlines = raw.count("\n", 0, offset)
        if newlines == 0:
            return self.line, self.column + offset
        return self.line + newlines, offset - raw.rindex("\n", 0, offset)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with the input of one post, found by a reader.

    Readers never raise for a bad post: they record a problem, and the `input` rules turn it
    into a finding, so that one bad row never stops the rest of a queue.
    """

    kind: str  # "malformed" | "empty" | "encoding" | "field" | "key" (an unknown key)
    message: str
    line: int
    column: int = 1


@dataclass(frozen=True, slots=True)
class MediaItem:
    """One picture or video of a post, as written in its `media` field.

    `source` is a path (relative to the post's file) or an http(s) URL, exactly as written:
    rules resolve it, so that a post read from memory (the API) and one read from a file say
    the same thing. `line` is the line of the `media` field in the file, for findings.
    """

    source: str
    alt: str | None = None
    line: int = 1

    @property
    def is_url(self) -> bool:
        return self.source.lower().startswith(("http://", "https://"))


@dataclass(frozen=True, slots=True)
class Post:
    path: str  # as shown in reports
    id: str
    text: str
    locator: Locator = field(default_factory=Locator)
    account: str | None = None
    platform: str | None = None
    scheduled_at: datetime | None = None  # aware, or naive meaning "config timezone"
    language: str | None = None
    ignore: tuple[str, ...] = ()
    link: str | None = None
    index: int = 0  # position of the post in its file, for ranking
    field_lines: tuple[tuple[str, int], ...] = ()  # where each front matter / queue field is
    problems: tuple[Problem, ...] = ()
    extra: tuple[tuple[str, Any], ...] = ()  # fields we do not know, kept for custom rules
    media: tuple[MediaItem, ...] = ()  # pictures and videos published with the text

    @property
    def readable(self) -> bool:
        """Can rules other than `input` check it? Not when its text or a field could not be
        read; an unknown key alone leaves everything postlint knows as written."""
        return all(problem.kind == "key" for problem in self.problems)

    def field_line(self, name: str) -> int:
        for key, line in self.field_lines:
            if key == name:
                return line
        return self.locator.line

    def locate(self, offset: int) -> tuple[int, int]:
        return self.locator.locate(self.text, offset)


@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    post: str
    rule: str
    category: str
    severity: Severity
    message: str
    line: int
    column: int
    end_line: int
    end_column: int
    match: str = ""
    topic: str | None = None
    suggestions: tuple[str, ...] = ()
    post_index: int = 0  # ranking key only, never printed

    def rank_key(self) -> tuple:
        return (-self.severity, self.path, self.post_index, self.line, self.column, self.rule)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "path": self.path,
            "post": self.post,
            "rule": self.rule,
            "category": self.category,
            "severity": str(self.severity),
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "match": self.match,
        }
        if self.topic:
            data["topic"] = self.topic
        data["suggestions"] = list(self.suggestions)
        return data


@dataclass(slots=True)
class Summary:
    posts: int = 0
    by_severity: dict[Severity, int] = field(default_factory=lambda: {s: 0 for s in Severity})

    @property
    def findings(self) -> int:
        return sum(self.by_severity.values())

    def count(self, finding: Finding) -> None:
        self.by_severity[finding.severity] += 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "posts": self.posts,
            "findings": self.findings,
            "by_severity": {str(s): self.by_severity[s] for s in sorted(Severity, reverse=True)},
        }
