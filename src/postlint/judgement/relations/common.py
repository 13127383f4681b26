"""What the relation modules share: the classes that link, token spans, clauses."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..clauses import Layout
from ..mentions import Mention

THING_REACH = 3  # tokens from a harm verb or an insult to the thing it is done with or said of
LINKING = ("predicate", "target", "refer")
LINK_CUES = ("cue.link", "cue.negation", "cue.modal")  # and cue.relative, see `targets.reaches`
PUNCTUATION = frozenset(",:-–—=")
NOT_FREE = ("frame.object", "frame.self")
INERT_INSIDE = ("cue.report", "cue.condemn", "cue.modal")  # a predicate's own words are not cues


@dataclass
class Prepared:
    """What every rule's `relate` needs from one post's mentions, computed once per post."""

    by_family: dict[str, list[Mention]]
    targets: list[Mention]
    links: set[int]  # token indexes a relation may reach across
    named: set[int]  # token indexes of a thing, the speaker or a cue: never the free word
    relatives: dict[int, Mention]  # by first token
    copulas: dict[int, Mention] = field(default_factory=dict)  # by first token
    _predicates: dict[frozenset[str], list[Mention]] = field(default_factory=dict)

    def predicates(self, kinds: frozenset[str]) -> list[Mention]:
        """The outermost predicates of these kinds, in order (one statement, one relation)."""
        found = self._predicates.get(kinds)
        if found is None:
            found = self._predicates[kinds] = outermost(
                [m for m in self.by_family.get("predicate", ()) if m.kind in kinds])
        return found


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
