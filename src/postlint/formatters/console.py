"""Where the text report goes: rich on a terminal (colour), a plain writer everywhere else.

Why not rich everywhere: importing it costs ~60 ms, a fifth of a one-draft run's budget,
and a report written to a file, a pipe or a CI log has no colour anyway. `PlainConsole`
prints exactly what rich prints there for the markup `text.py` writes (tags removed,
`escape`d brackets restored, the control codes rich drops dropped, tabs expanded), except
that emoji codes such as `:fire:` in a post stay as written (rich would turn them into 🔥).
"""

from __future__ import annotations

import os
import re
from typing import Any, TextIO

# rich.markup's own patterns, so escaping and parsing agree with rich's
_TAGS = re.compile(r"((\\*)\[([a-z#/@][^[]*?)])")
_ESCAPE = re.compile(r"(\\*)(\[[a-z#/@][^[]*?])")
# what rich.control strips from printed text: bell, backspace, vertical tab, form feed, CR
_STRIPPED = {7: None, 8: None, 11: None, 12: None, 13: None}
TAB_SIZE = 8


def colour(out: TextIO) -> bool:
    """True when rich would treat `out` as a terminal (rich's own rule: TTY_COMPATIBLE=0/1,
    then a non-empty FORCE_COLOR, then isatty)."""
    compatible = os.environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    force = os.environ.get("FORCE_COLOR")
    if force is not None:
        return force != ""
    isatty = getattr(out, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):  # a closed or detached stream
        return False


def console(out: TextIO) -> Any:
    """A rich Console on a terminal, else a PlainConsole; both take `print(markup)`."""
    if colour(out):
        from rich.console import Console

        return Console(file=out, highlight=False, soft_wrap=True)
    return PlainConsole(out)


def escape(text: str) -> str:
    """rich.markup.escape, without importing rich: brackets that would read as a tag are
    escaped, and a trailing backslash cannot escape the tag that follows."""
    def backslashes(match: re.Match[str]) -> str:
        slashes, tag = match.groups()
        return f"{slashes}{slashes}\\{tag}"

    text = _ESCAPE.sub(backslashes, text)
    if text.endswith("\\") and not text.endswith("\\\\"):
        return text + "\\"
    return text


def plain(markup: str) -> str:
    """The text rich renders from `markup`, without its styles (see the module doc)."""
    parts: list[str] = []
    position = 0
    for match in _TAGS.finditer(markup):
        full, escapes, _tag = match.groups()
        start, end = match.span()
        if start > position:
            parts.append(markup[position:start].replace("\\[", "["))
        position = end
        if escapes:
            slashes, escaped = divmod(len(escapes), 2)
            parts.append("\\" * slashes)
            if escaped:
                parts.append(full[len(escapes):])  # an escaped tag is text
    if position < len(markup):
        parts.append(markup[position:].replace("\\[", "["))
    return "".join(parts).translate(_STRIPPED)


def _tabs_in_cells(text: str) -> bool:
    """A tab after a character that is not printable ASCII: rich places tab stops by
    terminal cells (漢 is two, a combining accent none), which only rich's tables know."""
    return "\t" in text and not all(" " <= ch <= "~" or ch in "\t\n" for ch in text)


class PlainConsole:
    """The part of rich's Console that the text report uses, for files and pipes."""

    def __init__(self, out: TextIO):
        self.out = out
        self._rich: Any = None

    def print(self, markup: str = "") -> None:
        text = plain(markup)
        if _tabs_in_cells(text):  # rare: let rich place the tab stops
            if self._rich is None:
                from rich.console import Console

                self._rich = Console(file=self.out, highlight=False, soft_wrap=True,
                                     emoji=False, color_system=None, force_terminal=False)
            self._rich.print(markup)
            return
        self.out.write("\n".join(line.expandtabs(TAB_SIZE) for line in text.split("\n")) + "\n")
