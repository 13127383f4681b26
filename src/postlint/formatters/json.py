"""The contract's JSON object: version, summary, findings.

Written one finding per line: readable, friendly to `grep` and diffs, and each line goes
through the json module's C encoder (`indent=` switches to the pure-Python one, which took
longer than checking on big queues).
"""

from __future__ import annotations

import json
from typing import Any, Sequence, TextIO

from ..model import Finding, Summary


def render(findings: list[Finding], summary: Summary, rules: list, out: TextIO,
           approvals: Sequence[Any] = ()) -> None:
    """`approvals` (review on): an `approvals` list, one approval per line, before findings."""
    def line(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    out.write(f'{{"version": 1,\n "summary": {line(summary.to_dict())},\n')
    if approvals:
        out.write(' "approvals": [' + ",".join("\n  " + line(a.to_dict()) for a in approvals) + "\n ],\n")
    out.write(' "findings": [')
    for i, finding in enumerate(findings):
        out.write(("\n  " if i == 0 else ",\n  ") + line(finding.to_dict()))
    out.write("\n ]}\n" if findings else "]}\n")
