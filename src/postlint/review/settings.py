"""The config's `review:` section as a small dataclass."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from ..model import Finding, Severity


@dataclass(frozen=True)
class ReviewSettings:
    """`required` approvals (0: review is off), for posts `when` says need them, by
    `approvers` (empty: anyone). Names compare without case or surrounding spaces."""

    required: int = 0
    when: str = "all"
    approvers: tuple[str, ...] = ()

    @classmethod
    def of(cls, config: Any) -> ReviewSettings:
        review = (config.data.get("review") or {}) if config is not None else {}
        return cls(int(review.get("required") or 0), str(review.get("when") or "all").strip().lower(),
                   tuple(str(a) for a in review.get("approvers") or ()))

    @property
    def on(self) -> bool:
        return self.required > 0

    @property
    def floor(self) -> Severity:
        """Findings at or above this level make a post need approval, and, when new, make an
        approval stale. With `when: all`, warnings and up do (info is advice)."""
        return Severity.WARNING if self.when == "all" else Severity.parse(self.when)

    def needs(self, findings: Iterable[Finding]) -> bool:
        return self.when == "all" or any(f.severity >= self.floor for f in findings)

    def allows(self, who: str) -> bool:
        return not self.approvers or normal(who) in {normal(a) for a in self.approvers}


def normal(name: str) -> str:
    return name.strip().lower()
