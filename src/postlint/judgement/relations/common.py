"""What the relation modules share: the classes that link, token spans, clauses."""

from __future__ import annotations

from ..clauses import Layout
from ..mentions import Mention

THING_REACH = 3  # tokens from a harm verb or an insult to the thing it is done with or said of
LINKING = ("predicate", "target", "refer")
LINK_CUES = ("cue.link", "cue.negation", "cue.modal")  # and cue.relative, see `targets.reaches`
PUNCTUATION = frozenset(",:-–—=")
NOT_FREE = ("frame.object", "frame.self")
INERT_INSIDE = ("cue.report", "cue.condemn", "cue.modal")  # a predicate's own words are not cues


def outermost(mentions: list[Mention]) -> list[Mention]:
    """Drop a mention inside a longer one ("shot" inside "should be shot", "people" inside
    "black people"): one statement, one relation."""
    ordered = sorted(mentions, key=lambda m: (m.first, -m.last))
    kept: list[Mention] = []
    for m in ordered:
        if kept and m.first < kept[-1].last and m.last <= kept[-1].last:
            continue
        kept.append(m)
    return kept


def gap(a: Mention, b: Mention) -> int:
    """Tokens strictly between two mentions (0 when they touch or overlap)."""
    return max(0, b.first - a.last, a.first - b.last)


def same_clause(a: Mention, b: Mention, lay: Layout) -> bool:
    return lay.clause[a.first] == lay.clause[b.first]
