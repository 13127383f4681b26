"""User patterns: report every match of a list of regular expressions (like Vale's `existence`).

The patterns come from YAML that anyone can write, so they are compiled with the `regex`
module and every search runs with a time limit: a pattern with catastrophic backtracking
costs at most `timeout` seconds per post and is reported, instead of hanging the run.
"""

from __future__ import annotations

from typing import Any, Iterator

import regex

from .. import yamlfile as y
from ..errors import excerpt
from ..model import Finding, Post, Severity

OPTIONS = {
    "patterns": y.list_of(y.STR),
    "ignorecase": y.BOOL,
    "timeout": y.NUMBER,  # seconds per post and pattern; default 0.1
}
FIELDS: frozenset[str] = frozenset()  # message placeholders besides {match}: none
DEFAULT_TIMEOUT = 0.1


def prepare(options: dict[str, Any]) -> dict[str, Any]:
    if not options.get("patterns"):
        raise ValueError("a pattern rule needs a non-empty `patterns` list")
    flags = regex.V1 | (regex.IGNORECASE if options.get("ignorecase") else 0)
    compiled = []
    for source in options["patterns"]:
        try:
            compiled.append(regex.compile(source, flags))
        except regex.error as exc:
            raise ValueError(f"bad pattern {excerpt(source)}: {exc}") from None
    return {**options, "compiled": compiled}


def check(post: Post, rule, ctx) -> Iterator[Finding]:
    timeout = float(rule.options.get("timeout", DEFAULT_TIMEOUT))
    for pattern in rule.options["compiled"]:
        try:
            matches = [m.span() for m in pattern.finditer(post.text, timeout=timeout) if m.end() > m.start()]
        except TimeoutError:
            yield rule.finding(
                post, line=post.locator.line, severity=Severity.WARNING,
                message=f"pattern {pattern.pattern!r} took longer than {timeout:g}s on this post "
                        "and was stopped; simplify it (nested repetition backtracks)")
            continue
        for span in matches:
            yield rule.finding(post, span)
