"""Human output: findings grouped per post, worst post first, colour only on a terminal."""

from __future__ import annotations

from itertools import groupby
from typing import Any, Iterable, Sequence, TextIO

from ..model import Finding, Severity, Summary
from . import suggestion_label, unsaid_suggestions

STYLE = {Severity.CRITICAL: "bold white on red", Severity.ERROR: "bold red",
         Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def render(findings: Iterable[Finding], summary: Summary, rules: list, out: TextIO,
           approvals: Sequence[Any] = ()) -> None:
    """`findings` arrive grouped per post, worst post first, each post's findings ranked
    (`postlint.report` orders them), and are printed post by post as they come.
    `approvals`: review.judge.View objects, shown under their post (review on); posts with
    approvals and no findings come last."""
    from .console import console as make_console
    from .console import escape

    console = make_console(out)  # rich only on a terminal (see console.py)
    approved: dict[tuple[str, str, int], list[Any]] = {}
    for view in approvals:
        approved.setdefault((view.path, view.post, view.post_index), []).append(view)
    printed: set[tuple[str, str, int]] = set()

    def post(key: tuple[str, str, int], items: Iterable[Finding]) -> None:
        path, name, _ = key
        title = path if name in (path, _stem(path)) else f"{path} [{escape(name)}]"
        console.print(f"[bold]{escape(title)}[/bold]")
        for f in items:
            where = f"{f.line}:{f.column}"
            line = (f"  {where:>7}  [{STYLE[f.severity]}]{str(f.severity):<8}[/]  "
                    f"[dim]{f.rule}[/dim]  {escape(f.message)}")
            others = unsaid_suggestions(f)
            if others:
                line += f" [green]({suggestion_label(f)}: {escape(', '.join(others))})[/green]"
            console.print(line)
        for view in approved.get(key, []):
            console.print("  " + escape(approval_line(view)))
        console.print()

    for key, items in groupby(findings, key=lambda f: (f.path, f.post, f.post_index)):
        post(key, items)
        if approved:
            printed.add(key)
    for key in sorted(k for k in approved if k not in printed):
        post(key, ())


def approval_line(view: Any) -> str:
    """`approved by jane@acme.com on 2025-01-15 12:00 UTC (saw: schedule.past): "note"`."""
    saw = ", ".join(view.saw) or "no findings"
    status = "" if view.status == "valid" else f" [no longer counts: {view.status}]"
    note = f': "{view.note}"' if view.note else ""
    when = view.at.replace('T', ' ').replace('Z', ' UTC')
    return f"approved by {view.by} on {when} (saw: {saw}){status}{note}"


def _stem(path: str) -> str:
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0]


def summary_line(summary: Summary) -> str:
    posts = f"{summary.posts} post{'s' if summary.posts != 1 else ''}"
    if not summary.findings:
        return f"Checked {posts}: no findings."
    parts = [f"{n} {s}" for s, n in sorted(summary.by_severity.items(), reverse=True) if n]
    total = summary.findings
    return f"Checked {posts}: {total} finding{'s' if total != 1 else ''} ({', '.join(parts)})."
