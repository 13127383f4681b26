"""Events: a post that goes out into the news (`postlint.events`).

`check: live-event` - the post touches the terms of an event that is live when it goes out
(a feed item, a team's events file). Critical when the post sells (promotional cues,
`postlint.promotion`): the storm sale during the hurricane. A warning otherwise: a condolence
or a weather joke during a crisis needs a human to read it. A draft without `scheduled_at`
goes out when someone presses publish, so it is checked against what is live at "now".

`check: sensitive-date` - a promotional post scheduled on a sensitive date of the brand's
markets or its own calendars (a "Memorial Day sale", a discount on 22 July in Norway).
A plain or respectful post ("we remember") on the same day is not reported.

Major events pause everything scheduled inside them: that is `schedule.blackout` (rule type
`schedule`). Nothing here runs, or is imported, for a config without `markets` or `events`.
"""

from __future__ import annotations

from typing import Any, Iterator

from .. import yamlfile as y
from ..model import SEVERITY_NAMES, Finding, Post, Severity
from .schedule import _common, schedule_line, show, when

FIELDS = frozenset({"cues", "end", "event", "source", "start", "touched", "when", "date", "meaning"})
OPTIONS = {
    "check": y.choice("live-event", "sensitive-date"),
    "promotional_severity": y.choice(*SEVERITY_NAMES),
    "promotional_message": y.STR,
}


def prepare(options: dict[str, Any]) -> dict[str, Any]:
    if options.get("check") not in ("live-event", "sensitive-date"):
        raise ValueError("an events rule needs `check: live-event` or `check: sensitive-date`")
    return options


def _cues(post: Post, ctx: Any) -> list[tuple[int, int, str]]:
    from ..language import resolve
    from ..promotion import normalise_lang, promo_cues

    return promo_cues(post.text, normalise_lang(resolve(post, ctx)), ctx)


def check(post: Post, rule: Any, ctx: Any) -> Iterator[Finding]:
    data = ctx.config.data
    if rule.options["check"] == "sensitive-date":
        if data.get("markets") or (data.get("events") or {}).get("calendars"):
            yield from _sensitive_date(post, rule, ctx)
    elif (data.get("events") or {}).get("feeds"):
        yield from _live_event(post, rule, ctx)


def _sensitive_date(post: Post, rule: Any, ctx: Any) -> Iterator[Finding]:
    from ..events.live import world

    moment = when(post, ctx)
    if moment is None:
        return
    days = world(ctx).days_on(moment)
    if not days:
        return
    cues = _cues(post, ctx)
    if not cues:
        return  # "we remember" on a remembrance day is not the problem; selling on it is
    for day in days:
        yield rule.finding(post, line=schedule_line(post), date=day.name, meaning=day.meaning,
                           market=day.market, cues=_labels(cues), **_common(moment, ctx))


def _live_event(post: Post, rule: Any, ctx: Any) -> Iterator[Finding]:
    from ..events.live import world
    from ..events.terms import post_words
    from ..language import resolve

    moment = when(post, ctx) or ctx.now
    the_world = world(ctx)
    live = the_world.live_at(moment)
    if not live:
        return
    lang = resolve(post, ctx)
    words = ctx.memo(post, "events:words", lambda: post_words(post.text, lang, the_world.vocab))
    cues = None
    for index, event in live:
        hits = the_world.matcher(index).find(words)
        if not hits:
            continue
        if cues is None:
            cues = _cues(post, ctx)
        start, end, _ = hits[0]
        touched = ", ".join(dict.fromkeys(f"“{post.text[s:e]}”" for s, e, _ in hits))
        fmt = dict(event=event.name, level=event.level, touched=touched, source=event.source,
                   start=show(event.start, ctx), end=show(event.end, ctx), when=show(moment, ctx))
        if cues:
            yield rule.finding(post, (start, end), message=rule.options.get("promotional_message"),
                               severity=Severity.parse(rule.options.get("promotional_severity", "critical")),
                               cues=_labels(cues), **fmt)
        else:
            yield rule.finding(post, (start, end), **fmt)


def _labels(cues: list[tuple[int, int, str]]) -> str:
    return ", ".join(f"“{label}”" for _, _, label in cues[:3])
