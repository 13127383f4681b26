"""GitHub Actions workflow commands: one `::error file=…,line=…::message` per finding.

Properties and data are escaped as the Actions runner expects (`%`, CR and LF everywhere;
`:` and `,` too inside properties), otherwise a message with a newline or a comma breaks
the annotation.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence, TextIO

from ..model import Finding, Severity, Summary

LEVEL = {Severity.CRITICAL: "error", Severity.ERROR: "error", Severity.WARNING: "warning",
         Severity.INFO: "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(finding: Finding) -> str:
    props = [
        ("file", finding.path),
        ("line", str(finding.line)),
        ("endLine", str(finding.end_line)),
        ("col", str(finding.column)),
        ("endColumn", str(finding.end_column)),
        ("title", f"{finding.rule} ({finding.severity})"),
    ]
    joined = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::{LEVEL[finding.severity]} {joined}::{escape_data(f'[{finding.post}] {finding.message}')}"


def render(findings: Iterable[Finding], summary: Summary, rules: list, out: TextIO,
           approvals: Sequence[Any] = ()) -> None:
    """Annotations only: approvals are not findings (the other formats list them). One line
    per finding as it comes from the iterable."""
    for finding in findings:
        out.write(command(finding) + "\n")
