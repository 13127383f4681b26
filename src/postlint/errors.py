"""The one exception that ends a run with exit status 2."""

from __future__ import annotations


class UsageError(Exception):
    """A problem with the run itself (config, rule file, option, unreadable input).

    Printed as one line, `path:line: message`, never as a traceback.
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"
