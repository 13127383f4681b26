"""A progress bar on stderr for long queues, and nothing at all anywhere else.

Only on a terminal (CI logs stay clean), only once a run has passed `threshold` posts (a
pre-commit run on three drafts should not flash a bar), never with --quiet. rich is imported
only when the bar is actually shown.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO


class QueueProgress:
    def __init__(self, enabled: bool, threshold: int = 500, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.enabled = enabled and self.stream.isatty()
        self.threshold = threshold
        self._bar: Any = None
        self._task: Any = None

    def __call__(self, done: int) -> None:
        """Report that `done` posts have been checked so far."""
        if not self.enabled or done < self.threshold:
            return
        if self._bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._bar = Progress(SpinnerColumn(), TextColumn("checking posts"), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(),
                                 console=Console(file=self.stream), transient=True)
            self._bar.start()
            self._task = self._bar.add_task("check", total=None)
        self._bar.update(self._task, completed=done)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def __enter__(self) -> "QueueProgress":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
