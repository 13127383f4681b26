"""After every other rule: which posts lack approvals, which changed since, what to show.

For each post of one config (review on):
- it *needs* approval with `when: all`, or with a finding at or above `when`;
- an approval counts when its digest is the post's digest (nothing published changed), its
  approver is allowed, and no finding at or above the floor appeared that the approver did
  not see (a link that broke since): each such approval is a `View` for the outputs;
- fewer valid approvals (distinct people) than `required`: `review.changed` when an approval
  exists but the post changed or got new findings since (the message says which), else
  `review.unapproved`.

A queue row's approval is keyed by its file, its id and its digest: a row whose text is
unchanged keeps its approval when rows are inserted above it (its default id `queue#3`
moves, its digest does not).
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from ..model import Finding, Post
from . import store
from .digest import digest
from .settings import ReviewSettings, normal


@dataclass(frozen=True)
class View:
    """One approval of one post, as the outputs show it."""

    path: str
    post: str
    post_index: int
    by: str
    at: str
    note: str
    saw: tuple[str, ...]
    status: str  # valid | changed | stale | not an approver

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "post": self.post, "by": self.by, "at": self.at,
                "note": self.note, "findings": list(self.saw), "status": self.status}


def apply(posts: list[Post], findings: Iterable[Finding], rules: list[Any],
          ctx: Any) -> tuple[list[Finding], list[View]]:
    """Review findings and approval views for `posts` (all of one config)."""
    settings = ReviewSettings.of(ctx.config)
    by_check = {rule.options.get("check"): rule for rule in rules if rule.type == "review"}
    if not settings.on or not by_check:
        return [], []
    keys = {(p.path, p.id, p.index) for p in posts}  # ids too: API posts may share an index
    found: dict[tuple[str, str, int], list[Finding]] = {}
    for finding in findings:
        key = (finding.path, finding.post, finding.post_index)
        if key in keys and finding.category != "review":
            found.setdefault(key, []).append(finding)
    files: dict[Path, tuple[store.Approvals, dict[str, list[store.Approval]]]] = {}
    results: list[Finding] = []
    views: list[View] = []
    for post in posts:
        folder = store.folder_for(ctx.config.path, post.path)
        file = folder / store.NAME
        if file not in files:
            approvals = store.read(file)
            files[file] = (approvals, approvals.for_path())
            results += _malformed(approvals, by_check.get("malformed"))
        if post.problems:
            continue  # an unreadable post only gets its input findings
        own = found.get((post.path, post.id, post.index), [])
        candidates = files[file][1].get(store.key_path(post.path, folder), [])
        needs = settings.needs(own)
        if not needs and not candidates:
            continue  # the common case: no digest to compute
        finding, seen = _judge(post, own, candidates, settings, by_check, needs)
        views += seen
        if finding is not None:
            results.append(finding)
    return results, views


def _judge(post: Post, own: list[Finding], candidates: list[store.Approval],
           settings: ReviewSettings, by_check: dict[str, Any],
           needs: bool) -> tuple[Finding | None, list[View]]:
    current = digest(post)
    mine = [a for a in candidates if a.post == post.id or a.digest == current]
    if not mine and not needs:
        return None, []
    weighed = Counter(f.rule for f in own if f.severity >= settings.floor)
    views: list[View] = []
    valid: set[str] = set()
    changed: list[store.Approval] = []
    stale: list[tuple[store.Approval, list[str]]] = []
    for approval in sorted(mine, key=lambda a: a.at):
        new = sorted((weighed - Counter(approval.findings)).keys())
        if approval.digest != current:
            status = "changed"
            changed.append(approval)
        elif not settings.allows(approval.by):
            status = "not an approver"
        elif new:
            status = "stale"
            stale.append((approval, new))
        else:
            status = "valid"
            valid.add(normal(approval.by))
        views.append(View(post.path, post.id, post.index, approval.by, approval.at, approval.note,
                          approval.findings, status))
    if not needs or len(valid) >= settings.required:
        return None, views
    return _finding(post, own, settings, by_check, valid, changed, stale), views


def _finding(post: Post, own: list[Finding], settings: ReviewSettings, by_check: dict[str, Any],
             valid: set[str], changed: list[store.Approval],
             stale: list[tuple[store.Approval, list[str]]]) -> Finding | None:
    have = f"{len(valid)} of {settings.required}"
    if changed or stale:
        rule = by_check.get("changed")
        if rule is None:
            return None
        if changed:
            last = changed[-1]
            return rule.finding(post, line=post.locator.line, by=last.by, at=_day(last.at),
                                have=have, command=approve_command(post))
        last, new = stale[-1]
        template = (rule.options.get("messages") or {}).get("stale")
        return rule.finding(post, line=post.locator.line, message=template, by=last.by,
                            at=_day(last.at), new=", ".join(new), have=have,
                            command=approve_command(post))
    rule = by_check.get("unapproved")
    if rule is None:
        return None
    if settings.when == "all":
        why = "every post needs approval (review.when: all)"
    else:
        worst = sorted({f.rule for f in own if f.severity >= settings.floor})
        why = f"it has findings at or above {settings.when}: {', '.join(worst)}"
    return rule.finding(post, line=post.locator.line, have=have, why=why,
                        required=settings.required, command=approve_command(post))


def approve_command(post: Post) -> str:
    """The command that approves this one post, for messages."""
    import shlex

    return f"postlint approve {shlex.quote(post.path)} --post {shlex.quote(post.id)}"


def _malformed(approvals: store.Approvals, rule: Any) -> list[Finding]:
    """One finding per bad line of the approvals file, on that file and line."""
    if rule is None or not approvals.malformed:
        return []
    shown = _display(approvals.file)
    holder = Post(path=shown, id=store.NAME, text="")
    return [rule.finding(holder, line=bad.line, problem=bad.problem, file=shown)
            for bad in approvals.malformed]


def _display(file: Path) -> str:
    """The approvals file as paths are shown in reports: relative to here when below it."""
    try:
        return file.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return os.fspath(file)


def _day(at: str) -> str:
    return at.replace("T", " ")[:16] + (" UTC" if at.endswith(("Z", "+00:00")) else "")
