"""Harm verbs: a threat only with a modal, a wish or as an order, and never done by or to
a thing (see the package's docstring)."""

from __future__ import annotations

from ..clauses import Layout
from ..mentions import Mention
from ..variants import Token
from .common import THING_REACH, same_clause

MODAL_REACH = 4  # tokens between a modal and the harm verb it makes a threat


def modal(p: Mention, by_family: dict, lay: Layout, toks: tuple[Token, ...]) -> bool:
    if lay.first_word(p.first, toks):
        return True  # an order: "Kill them all"
    return any(m.first < p.first and p.first - m.last <= MODAL_REACH and same_clause(m, p, lay)
               and not any(toks[k][0] == "," for k in range(m.last, p.first))
               for m in by_family.get("cue.modal", ()))


def done_by_or_to_a_thing(p: Mention, by_family: dict, lay: Layout,
                          aside: tuple[int, int] = (0, 0)) -> bool:
    """Harm verbs said of things are hyperbole: a thing does it ("these prices will kill
    you", "this workout will kill you"), or a thing is what it is done with or to ("shoot
    you an email", "kill you with these prices", "die of laughter"). A thing within `aside`,
    a relative clause that says which people ("women who wear *these dresses* should be
    beaten"), does nothing."""
    clause = lay.clause[p.first]
    before = [m for m in (*by_family.get("frame.object", ()), *by_family.get("frame.self", ()),
                          *by_family.get("target", ()), *by_family.get("refer", ()))
              if m.last <= p.first and lay.clause[m.first] == clause
              and not (aside[0] <= m.first and m.last <= aside[1])
              and not (m.family != "frame" and p.first - m.last <= 2)]  # a clitic: "te va a matar"
    if before and max(before, key=lambda m: m.last).cls == "frame.object":
        return True
    groups = [t.first for t in by_family.get("target", ()) if t.first >= p.last and t.kind.startswith("groups")]
    return any(f.first >= p.last and f.first - p.last <= THING_REACH and lay.clause[f.first] == clause
               and not any(g < f.first for g in groups)  # not "stab every woman on *this* street"
               for f in by_family.get("frame.object", ()))
