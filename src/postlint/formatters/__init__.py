"""Output formats. Each module has `render(findings, summary, rules, out)`.

`findings` arrive ranked (most severe first); `rules` are all loaded rules, for formats that
describe them (SARIF). Formatters never decide the exit status.
"""

from __future__ import annotations

import importlib
from typing import Protocol, TextIO

from ..model import Finding, Summary

FORMATS = ("text", "json", "sarif", "github", "html")


class Formatter(Protocol):
    def render(self, findings: list[Finding], summary: Summary, rules: list, out: TextIO) -> None: ...


def get(name: str) -> Formatter:
    return importlib.import_module(f"postlint.formatters.{name}")  # type: ignore[return-value]
