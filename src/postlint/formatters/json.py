"""The contract's JSON object: version, summary, findings.

Written one finding per line: readable, friendly to `grep` and diffs, and each line goes
through the json module's C encoder (`indent=` switches to the pure-Python one, which took
longer than checking on big queues).
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Sequence, TextIO

from ..model import Finding, Summary


def render(findings: Iterable[Finding], summary: Summary, rules: list, out: TextIO,
           approvals: Sequence[Any] = ()) -> None:
    """`approvals` (review on): an `approvals` list, one approval per line, before findings.

    Findings are written as they come from the iterable (the summary, known beforehand,
    comes first), so a report of any size is never held in memory."""
    def line(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    out.write(f'{{"version": 1,\n "summary": {line(summary.to_dict())},\n')
    if approvals:
        out.write(' "approvals": [' + ",".join("\n  " + line(a.to_dict()) for a in approvals) + "\n ],\n")
    out.write(' "findings": [')
    separator = "\n  "
    for finding in findings:
        out.write(separator + line(finding.to_dict()))
        separator = ",\n  "
    out.write("]}\n" if separator == "\n  " else "\n ]}\n")
