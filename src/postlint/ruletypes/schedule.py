"""Time rules for one post: inside a blackout window, or scheduled in the past.

Time model: `scheduled_at` with an offset is that instant; without one it is read in the
config's `timezone` (default UTC). A post with no time at all gets no schedule finding: we
cannot know when it goes out. Blackout windows come from three places, all half-open
[start, end): the config's `blackout` list, the `freeze` entry that `postlint freeze` writes,
and the events of the `blackout_calendar` files (see `postlint.calendars`).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterator

from .. import yamlfile as y
from ..model import Finding, Post

OPTIONS = {
    "check": y.choice("blackout", "past"),
    "freeze_message": y.STR,  # template for a post inside the `postlint freeze` window
    "event_message": y.STR,  # template for a post inside a major live event (postlint.events)
}
# message placeholders this type fills, besides {match} (checked when rules load)
FIELDS = frozenset({"when", "now", "reason", "start", "end", "source"})

FOREVER = datetime.max.replace(tzinfo=timezone.utc)


def when(post: Post, ctx) -> datetime | None:
    """The aware instant the post goes out, or None when it has no time."""
    moment = post.scheduled_at
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=ctx.config.tz)


def show(moment: datetime, ctx) -> str:
    """A time as the social team reads it: in the brand's time zone."""
    if moment >= FOREVER:
        return "`postlint unfreeze`"
    return moment.astimezone(ctx.config.tz).strftime("%Y-%m-%d %H:%M %Z")


def schedule_line(post: Post) -> int:
    """Line of the post's time field: findings about time point there, not at the text."""
    if any(k == "scheduled_at" for k, _ in post.field_lines):
        return post.field_line("scheduled_at")
    return post.field_line("date")


def check(post: Post, rule, ctx) -> Iterator[Finding]:
    moment = when(post, ctx)
    if moment is None:
        return
    if rule.options.get("check") == "past":
        if moment < ctx.now:
            yield rule.finding(post, line=schedule_line(post), now=show(ctx.now, ctx),
                               **_common(moment, ctx))
        return
    for window in ctx.config.blackout:
        if window.start <= moment < window.end:
            message = rule.options.get("freeze_message") if window.kind == "freeze" else None
            yield rule.finding(post, line=schedule_line(post), reason=window.reason, message=message,
                               start=show(window.start, ctx), end=show(window.end, ctx),
                               **_common(moment, ctx))
    if ctx.config.blackout_calendar:
        from ..calendars import windows_at

        for event in windows_at(ctx.config.blackout_calendar, moment, ctx.config.timezone):
            yield rule.finding(post, line=schedule_line(post), reason=event.reason,
                               start=show(event.start, ctx), end=show(event.end, ctx),
                               **_common(moment, ctx))
    if (ctx.config.data.get("events") or {}).get("feeds"):  # a major live event pauses everything
        from ..events.live import world

        for live in world(ctx).major_at(moment):
            yield rule.finding(post, line=schedule_line(post), reason=live.name, source=live.source,
                               message=rule.options.get("event_message"),
                               start=show(live.start, ctx), end=show(live.end, ctx), **_common(moment, ctx))


def _common(moment: datetime, ctx) -> dict[str, str]:
    """Message fields of every time finding (formatted only for a finding: most posts have none)."""
    return {"when": show(moment, ctx), "match": moment.isoformat()}
