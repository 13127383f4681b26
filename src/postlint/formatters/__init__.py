"""Output formats. Each module has `render(findings, summary, rules, out)`.

`findings` is an iterable, consumed once: ranked (most severe first), except for `text`,
which receives each post's findings together, worst post first (`postlint.report`). Formats
write each finding as it comes, so none holds a big report in memory, except `html`, which
needs them all for its filters and counts. `summary` counts the findings shown. `rules` are
all loaded rules, for formats that describe them (SARIF). Formatters never decide the exit
status.
"""

from __future__ import annotations

import importlib
from typing import Iterable, Protocol, TextIO

from ..model import Finding, Summary

FORMATS = ("text", "json", "sarif", "github", "html")


class Formatter(Protocol):
    def render(self, findings: Iterable[Finding], summary: Summary, rules: list, out: TextIO) -> None: ...


def get(name: str) -> Formatter:
    return importlib.import_module(f"postlint.formatters.{name}")  # type: ignore[return-value]


def unsaid_suggestions(finding: Finding) -> tuple[str, ...]:
    """The suggestions a finding's message does not already name.

    A message may carry the best suggestion itself ("Did you mean 'the'?"); reports for people
    list the others after it instead of repeating it. Machine formats (json, sarif) keep all.
    """
    message = finding.message
    return tuple(s for s in finding.suggestions if f"'{s}'" not in message and f'"{s}"' not in message)


def suggestion_label(finding: Finding) -> str:
    """"suggestion" when the message names none of them, "other suggestions" when it names one."""
    return "other suggestions" if len(unsaid_suggestions(finding)) < len(finding.suggestions) else \
        "suggestion"
