"""Harm verbs: a threat only with a modal, a wish or as an order, and never done by or to
a thing (see the package's docstring)."""

from __future__ import annotations

from ..clauses import Layout
from ..mentions import Mention
from ..variants import Token
from .common import THING_REACH, Prepared, same_clause

MODAL_REACH = 4  # tokens between a modal and the harm verb it makes a threat
NAME_WORDS = 2  # words of a name that opens a clause to address someone ("Dave Smith, kill...")


def modal(p: Mention, by_family: dict, lay: Layout, toks: tuple[Token, ...],
          pre: Prepared) -> bool:
    """A modal or a wish before the harm verb ("should be shot", "let's"), or an order."""
    if order(p, lay, toks, pre):
        return True  # "Kill them all"
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


def order(p: Mention, lay: Layout, toks: tuple[Token, ...], pre: Prepared) -> bool:
    """An order: the harm verb opens its clause, after whom it is said to at most
    (`addressed`: "@dave kill...", "Pedro, matad..."). Without an address, it must be
    written as an order is, not as a report (`reported`: "Matan a dos migrantes" is a
    headline); an address says it is told to someone, whatever its form."""
    start = lay.clause_start[lay.clause[p.first]]
    begins = addressed(start, toks, pre)
    if begins != p.first:
        return False
    return not reported(p, toks, pre) or any(toks[k][0][:1].isalnum() or toks[k][0][:1] == "@"
                                        for k in range(start, begins))


def addressee(p: Mention, lay: Layout, toks: tuple[Token, ...], pre: Prepared) -> int:
    """Where the address before an order ends (0: no order after an address): "@dave" in
    "@dave kill all the immigrants" is told to do it, not whom it is done to."""
    start = lay.clause_start[lay.clause[p.first]]
    return p.first if p.first > start and order(p, lay, toks, pre) else 0


def addressed(start: int, toks: tuple[Token, ...], pre: Prepared) -> int:
    """Where what is said begins after the address that opens a clause: @mentions ("@kasia
    zabić..."), or a name of no class of the vocabulary and a comma ("Dave, kill..."), and
    any punctuation. A reply is said to its @mentions; they do not stop an order."""
    k, size = start, len(toks)

    def skip(k: int) -> int:
        while k < size and not any(ch.isalnum() for ch in toks[k][0]):
            k += 1
        return k

    k = skip(k)
    while k < size and toks[k][0][:1] == "@" and len(toks[k][0]) > 1:
        k = skip(k + 1)
    name = k
    while name < size and name - k < NAME_WORDS and toks[name][0][:1].isupper() \
            and name not in pre.links and name not in pre.named:
        name += 1
    if name > k and name < size and toks[name][0] == ",":
        k = skip(name)
    return k


def reported(p: Mention, toks: tuple[Token, ...], pre: Prepared) -> bool:
    """A report, not an order: a harm verb in an inflected form (neither the form its entry
    spells nor its base form: "Matan", "zastrzelono", "Killed"), whose victims
    are counted or qualified by a word of no class before the group is named ("Matan a *dos*
    migrantes en la frontera"). An inflected verb that names the group as such, with link
    words only ("Maten a los inmigrantes", "Matad a todos"), still orders: a lemma table
    does not tell "matan" (they kill) from "maten" (kill!)."""
    word = p.entry.split(" ", 1)[0].lower()
    lower, lemma = toks[p.first][1], toks[p.first][2]
    if lower in (word, lemma):  # a stem ("zastrzel*") says nothing of the form: the lemma does
        return False
    named = {t.first for t in pre.targets}
    k = p.last
    while k < len(toks) and k in pre.links and k not in named:
        k += 1
    return k < len(toks) and k not in named and toks[k][0][:1].isalnum()
