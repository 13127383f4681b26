"""SARIF 2.1.0: one run, every loaded rule in tool.driver.rules, severity mapped to level."""

from __future__ import annotations

import json
from typing import Any, Iterable, Sequence, TextIO
from urllib.parse import quote

from .. import __version__
from ..model import Finding, Severity, Summary

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {Severity.CRITICAL: "error", Severity.ERROR: "error", Severity.WARNING: "warning",
         Severity.INFO: "note"}


def rule_help(rule) -> tuple[str, str]:
    """(text, markdown) help with what `postlint explain` says, shown by code-scanning UIs."""
    silence = (f"for one post, front matter `ignore: [{rule.id}]`; for a brand, .postlint.yaml "
               f"`rules: {{disable: [{rule.id}]}}`; for one run, `--ignore {rule.id}`")
    sections = [("", rule.summary), ("Why it matters", rule.rationale), ("How to fix", rule.fix),
                ("How to silence", silence)]
    text = "\n\n".join(f"{title}: {body}" if title else body for title, body in sections if body)
    markdown = "\n\n".join(f"**{title}:** {body}" if title else body for title, body in sections if body)
    return text, markdown


def artifact_uri(path: str) -> str:
    """A valid URI reference for a file path: `/` separators, spaces, `%`, `:` etc. escaped."""
    return quote(path.replace("\\", "/"), safe="/")


def rule_descriptor(rule) -> dict:
    help_text, help_markdown = rule_help(rule)
    return {
        "id": rule.id,
        "name": rule.id.replace(".", "/"),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.rationale or rule.summary},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"category": rule.category, "severity": str(rule.severity),
                       "tags": [rule.category]},
    }


def result(finding: Finding, index: dict[str, int]) -> dict:
    properties = {"post": finding.post, "category": finding.category,
                  "severity": str(finding.severity), "match": finding.match}
    if finding.topic:
        properties["topic"] = finding.topic
    if finding.suggestions:
        properties["suggestions"] = list(finding.suggestions)
    data = {
        "ruleId": finding.rule,
        "level": LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": artifact_uri(finding.path)},
                "region": {
                    "startLine": max(1, finding.line),
                    "startColumn": max(1, finding.column),
                    "endLine": max(finding.line, finding.end_line),
                    "endColumn": max(1, finding.end_column),
                },
            }
        }],
        "properties": properties,
    }
    if finding.rule in index:
        data["ruleIndex"] = index[finding.rule]
    return data


RESULTS = "\x00results\x00"  # stands for the results array in the document's skeleton


def render(findings: Iterable[Finding], summary: Summary, rules: list, out: TextIO,
           approvals: Sequence[Any] = ()) -> None:
    """`approvals` (review on): listed in the run's properties, and in each result's
    properties for the post it is about (who approved, when, what they saw).

    Written incrementally: the document around the results is laid out once with a marker
    in place of the array, and each result is written on its own line as it comes from the
    iterable (the C encoder), so a report of any size is never held in memory."""
    index = {rule.id: i for i, rule in enumerate(rules)}
    by_post: dict[tuple[str, str], list[dict]] = {}
    for approval in approvals:
        by_post.setdefault((approval.path, approval.post), []).append(approval.to_dict())
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "postlint",
                "version": __version__,
                "informationUri": "https://pypi.org/project/postlint/",
                "rules": [rule_descriptor(r) for r in rules],
            }},
            "results": RESULTS,
            "properties": {"summary": summary.to_dict(),
                           **({"approvals": [a.to_dict() for a in approvals]} if approvals else {})},
        }],
    }
    skeleton = json.dumps(document, ensure_ascii=False, indent=2)
    marker = json.dumps(RESULTS)
    before, after = skeleton.split(marker, 1)
    key_line = before[before.rfind("\n") + 1:]
    margin = "\n" + " " * (len(key_line) - len(key_line.lstrip(" ")))  # of `"results": [`
    out.write(before + "[")
    separator = margin + "  "
    for finding in findings:
        data = _with_approvals(result(finding, index), by_post.get((finding.path, finding.post)))
        out.write(separator + json.dumps(data, ensure_ascii=False))
        separator = "," + margin + "  "
    out.write("]" if separator == margin + "  " else margin + "]")
    out.write(after + "\n")


def _with_approvals(data: dict, approvals: list[dict] | None) -> dict:
    if approvals:
        data["properties"]["approvals"] = approvals
    return data
