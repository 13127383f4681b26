"""The contract's JSON object: version, summary, findings."""

from __future__ import annotations

import json
from typing import TextIO

from ..model import Finding, Summary


def render(findings: list[Finding], summary: Summary, rules: list, out: TextIO) -> None:
    document = {
        "version": 1,
        "summary": summary.to_dict(),
        "findings": [f.to_dict() for f in findings],
    }
    json.dump(document, out, ensure_ascii=False, indent=2)
    out.write("\n")
