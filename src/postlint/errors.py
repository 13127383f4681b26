"""The one exception that ends a run with exit status 2, and how its messages quote user files."""

from __future__ import annotations

EXCERPT = 60  # characters of a user's file that an error message may quote
LONGEST = 400  # characters of a message: a safety net for a value quoted without `excerpt`


def excerpt(value: object, limit: int = EXCERPT, quote: bool = True) -> str:
    """`value` quoted for an error message: at most `limit` characters, on one line.

    Messages name what was wrong with a config, rule file or calendar, and end up in CI logs.
    A file named by mistake (/proc/self/environ, a key file) must not be copied there whole,
    and a value with a newline must not break the one-line message; repr() escapes it.
    `quote=False` for text that is not a value (a library's error message).
    """
    text = str(value)
    shown = repr(text[:limit]) if quote else repr(text[:limit])[1:-1]
    return shown + "…" if len(text) > limit else shown


class UsageError(Exception):
    """A problem with the run itself (config, rule file, option, unreadable input).

    Printed as one line, `path:line: message`, never as a traceback.
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __reduce__(self) -> tuple:
        """Keep file and line when a worker process sends the error back to the parent."""
        return (type(self), (self.message, self.path, self.line))

    def __str__(self) -> str:
        where = ""
        if self.path:
            path = _shown_path(str(self.path))
            where = f"{path}:{self.line}: " if self.line else f"{path}: "
        message = self.message if len(self.message) <= LONGEST else self.message[:LONGEST] + "…"
        return " ".join(f"{where}{message}".splitlines())  # always one line on stderr


def _shown_path(path: str) -> str:
    """A path for the start of a message: a config can name a 3,000-character path, or one
    with control characters in it, and either would swamp or break the one-line message."""
    if not path.isprintable():
        path = repr(path)[1:-1]
    return path if len(path) <= 200 else path[:200] + "…"
