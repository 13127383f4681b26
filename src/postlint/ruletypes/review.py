"""Review rules: approvals before publishing (see `postlint.review`).

They need every other finding of a post, so they do not run per post: the runner and
`postlint.lint()` call `postlint.review.judge.apply` after the per-post and whole-queue
passes (`engine.lint_review`). This module only declares the rules' options, so review
rules are YAML like any other and can be re-levelled or disabled in `.postlint.yaml`.
"""

from __future__ import annotations

from typing import Any, Iterator

from .. import yamlfile as y
from ..model import Finding, Post

CHECKS = ("unapproved", "changed", "malformed")
FIELDS = frozenset({"command", "have", "required", "why", "at", "by", "file", "problem", "new"})  # placeholders
OPTIONS = {"check": y.choice(*CHECKS), "messages": y.map_of(y.STR)}


def prepare(options: dict[str, Any]) -> dict[str, Any]:
    if options.get("check") not in CHECKS:
        raise ValueError(f"a review rule needs `check` (one of: {', '.join(CHECKS)})")
    return options


def check(post: Post, rule: Any, ctx: Any) -> Iterator[Finding]:
    return iter(())  # judged after every other rule: engine.lint_review
