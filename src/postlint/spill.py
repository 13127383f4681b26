"""Findings in the contract's order with memory bounded by a constant, not by the queue.

The contract ranks output most severe first across the whole run, so the last post of a
million can hold the first finding to print: ranking needs every finding. Holding them all
took gigabytes. Instead findings go into a `Sorted` buffer of at most `limit` items; a full
buffer is sorted and written to an unnamed temporary file as one run (in blocks, so reading
it back holds one block per run), and iteration merges the runs (heapq.merge). A run that
never fills the buffer never touches the disk.

Items are plain tuples (`pack`), not Finding objects: pickling a tuple of strings and ints
is several times faster and smaller than a slotted dataclass, and the files are this
process's own (created unnamed, deleted on close), so no other user can plant one.
"""

from __future__ import annotations

import heapq
import pickle
import tempfile
from typing import Any, Callable, Iterable, Iterator

from .model import Finding, Severity

LIMIT = 50_000  # items held before a run is written (about 25 MB of findings)
BLOCK = 1_000  # items per pickled block of a run: what the merge holds per run


def pack(finding: Finding) -> tuple:
    """A finding as a tuple (severity as an int), the unit the buffer sorts and spills."""
    f = finding
    return (f.path, f.post, f.rule, f.category, int(f.severity), f.message, f.line, f.column,
            f.end_line, f.end_column, f.match, f.topic, f.suggestions, f.post_index)


def unpack(item: tuple) -> Finding:
    return Finding(item[0], item[1], item[2], item[3], Severity(item[4]), *item[5:])


def rank_key(item: tuple) -> tuple:
    """`Finding.rank_key` of a packed finding: most severe first, then file, post, position."""
    return (-item[4], item[0], item[13], item[6], item[7], item[2])


def post_key(item: tuple) -> tuple:
    """File, post and position first (the text report's grouping), then the rank key."""
    return (item[0], item[13], item[1], -item[4], item[6], item[7], item[2])


class Sorted:
    """Add items in any order; iterate them once, sorted by `key`, holding at most about
    `limit` items plus one block per spilled run. Use as a context manager (or `close`)."""

    def __init__(self, key: Callable[[Any], Any], limit: int | None = None):
        self.key, self.limit = key, limit or LIMIT
        self._buffer: list = []
        self._runs: list[tuple[Any, int]] = []  # (file, blocks)
        self.count = 0
        self.spilled = 0  # items written to disk, for tests and the benchmark

    def add(self, item: Any) -> None:
        self._buffer.append(item)
        self.count += 1
        if len(self._buffer) >= self.limit:
            self._spill()

    def extend(self, items: Iterable[Any]) -> None:
        for item in items:
            self.add(item)

    def _spill(self) -> None:
        self._buffer.sort(key=self.key)
        run = tempfile.TemporaryFile(prefix="postlint-findings-")
        blocks = 0
        for start in range(0, len(self._buffer), BLOCK):
            pickle.dump(self._buffer[start:start + BLOCK], run, pickle.HIGHEST_PROTOCOL)
            blocks += 1
        self.spilled += len(self._buffer)
        self._buffer = []
        run.seek(0)
        self._runs.append((run, blocks))

    @staticmethod
    def _read(run: Any, blocks: int) -> Iterator[Any]:
        for _ in range(blocks):
            yield from pickle.load(run)

    def __iter__(self) -> Iterator[Any]:
        """The items in order; the buffer is emptied, so iterate once."""
        self._buffer.sort(key=self.key)
        buffer, self._buffer = self._buffer, []
        if not self._runs:
            return iter(buffer)
        streams = [self._read(run, blocks) for run, blocks in self._runs]
        return heapq.merge(*streams, buffer, key=self.key)

    def close(self) -> None:
        for run, _ in self._runs:
            run.close()
        self._runs = []
        self._buffer = []

    def __enter__(self) -> Sorted:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
