"""Findings about the post's own input: unreadable, malformed, empty, or with a bad field.

Readers record these as `Problem`s instead of raising, so one bad row never stops a queue;
this type turns them into findings that can be configured like any other rule.
"""

from __future__ import annotations

from typing import Iterator

from .. import yamlfile as y
from ..model import Finding, Post

OPTIONS = {"kinds": y.list_of(y.choice("malformed", "encoding", "empty", "field", "key"))}
# message placeholders this type fills, besides {match} (checked when rules load)
FIELDS = frozenset({"problem"})


def check(post: Post, rule, ctx) -> Iterator[Finding]:
    for problem in post.problems:
        if problem.kind in rule.options.get("kinds", ()):
            yield rule.finding(post, line=problem.line, column=problem.column, problem=problem.message)
