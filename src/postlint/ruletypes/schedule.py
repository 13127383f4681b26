"""Time rules for one post: inside a blackout window, or scheduled in the past.

`scheduled_at` without an offset is read in the config's `timezone`. A post with no time at
all gets no schedule finding: we cannot know when it goes out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterator

from .. import yamlfile as y
from ..model import Finding, Post

OPTIONS = {"check": y.choice("blackout", "past")}


def when(post: Post, ctx) -> datetime | None:
    moment = post.scheduled_at
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=ctx.config.tz)


def _show(moment: datetime, ctx) -> str:
    return moment.astimezone(ctx.config.tz).strftime("%Y-%m-%d %H:%M %Z")


def check(post: Post, rule, ctx) -> Iterator[Finding]:
    moment = when(post, ctx)
    if moment is None:
        return
    line = post.field_line("scheduled_at") if any(k == "scheduled_at" for k, _ in post.field_lines) \
        else post.field_line("date")
    if rule.options.get("check") == "past":
        if moment < ctx.now:
            yield rule.finding(post, line=line, when=_show(moment, ctx), now=_show(ctx.now, ctx),
                               match=moment.isoformat())
        return
    for window in ctx.config.blackout:
        if window.start <= moment < window.end:
            yield rule.finding(post, line=line, when=_show(moment, ctx), reason=window.reason,
                               start=_show(window.start, ctx), end=_show(window.end, ctx),
                               match=moment.isoformat())
