"""Between the runner and a formatter: count every finding, keep the shown ones in order.

The runner hands findings over in batches as posts are checked (`Report.add` is its sink).
Every finding is counted by severity (the exit status and the `--min-severity` note need
all of them); the shown ones go to a `spill.Sorted` buffer, which holds a bounded number in
memory and the rest in temporary files, so a million-post queue is reported in the
contract's order without holding its findings.

Two orders: the contract's rank (most severe first, then file, post, position) for json,
sarif, github and html; for text, posts worst first with each post's findings together,
which takes a second bounded sort of whole posts (`_worst_post_first`).
"""

from __future__ import annotations

from itertools import groupby
from typing import Iterable, Iterator

from .model import Finding, Severity, Summary
from . import spill
from .spill import Sorted, pack, post_key, rank_key, unpack


class Report:
    """Sink for one run's findings; iterate `ordered()` once to render them."""

    def __init__(self, fmt: str, floor: Severity = Severity.INFO, limit: int | None = None):
        limit = limit or spill.LIMIT
        self.fmt, self.floor, self.limit = fmt, floor, limit
        self.counts: dict[Severity, int] = {s: 0 for s in Severity}  # every finding
        self.shown = Summary()  # the findings at or above the floor (posts set by `summary`)
        self.by_post = fmt == "text"
        self._store = Sorted(post_key if self.by_post else rank_key, limit)

    def add(self, findings: Iterable[Finding]) -> None:
        counts, floor, shown, store = self.counts, self.floor, self.shown, self._store
        for finding in findings:
            counts[finding.severity] += 1
            if finding.severity >= floor:
                shown.count(finding)
                store.add(pack(finding))

    def summary(self, posts: int) -> Summary:
        self.shown.posts = posts
        return self.shown

    def ordered(self) -> Iterator[Finding]:
        """The shown findings in the format's order (once)."""
        if self.by_post:
            return _worst_post_first(self._store, self.limit)
        return map(unpack, self._store)

    @property
    def spilled(self) -> int:
        """Findings that went through temporary files (0 when all fitted in memory)."""
        return self._store.spilled

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> Report:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _worst_post_first(by_post: Sorted, limit: int) -> Iterator[Finding]:
    """Findings grouped per post, posts ordered by their worst finding, then by file, post
    id and index; each post's findings most severe first, then by position.

    `by_post` yields findings sorted by file, post and position, so each post's findings
    arrive together: each post becomes one item of a second bounded sort keyed by its worst
    severity.
    """
    posts = Sorted(lambda item: item[0], max(1, limit // 4))
    try:
        for (path, index, post), items in groupby(by_post, key=lambda i: (i[0], i[13], i[1])):
            group = list(items)
            worst = max(item[4] for item in group)
            posts.add(((-worst, path, post, index), group))
        for _, group in posts:
            yield from map(unpack, group)
    finally:
        posts.close()
