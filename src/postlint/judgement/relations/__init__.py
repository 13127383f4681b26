"""Relations: a predicate said about a target, and what changes its meaning.

For each predicate in a post ("vermin", "should be shot", "idiot"), `relate` looks for the
target it is said about, and keeps the pair only if the post means it:

- reach: the target is in the same clause, at most `REACH` tokens away, and only link
  words lie between them: copulas, determiners, quantifiers, modals, intensifiers ("are",
  "all", "such", "should be", "nothing but"), other predicates, and one free word just
  before a target that follows its predicate ("I hate *illegal* immigrants"). So "I hate it
  when women..." and "women love dogs" relate nothing. A target addressed at the end of a
  clause ("Go back home, immigrants.") is reached from anywhere in it. A target that only
  modifies a thing ("Chinese food", "women's clothing") is not a target. What a copula says
  of the target before it reaches it across a word or two of no class ("Immigrants are
  *monsters and* parasites"); a predicate right before a copula is a subject ("rats are a
  problem"). A relative clause after a target says which of them ("women *who wear this*
  should be..."): its things are not what a threat is about (targets.py);
- reference: a pronoun ("they", "them") with no target of its own stands for the last group
  named before it, in the clause or in an earlier sentence ("Immigrants? They are...");
- frames: an object nearer to the predicate than any person ("your delivery was pathetic",
  "this film is stupid") or the speaker ("my boss will kill me") takes it over: criticism
  and hyperbole are not abuse. A predicate followed by an evaluative word is an intensifier
  ("stupid good", "sick deals");
- negation just before the predicate ("I don't hate...", "...are not disgusting") or right
  after it (Norwegian "jeg hater ikke..."), unless the negation is part of the predicate
  itself ("are not human");
- modality: harm verbs ("kill", "shoot") are threats only with a modal or a wish before them
  ("should be shot", "let's", "I'll") or as an order at the start of a clause ("Kill them"),
  also after an address ("@dave kill...", "Pedro, matad...": the addressee is told to do it);
  a report of violence ("were shot", the headline "Matan a dos migrantes") is news, not a
  threat (orders.py);
- counter-speech: a statement that is reported ("saying", "calling") or quoted, in a post
  that condemns it ("...is wrong", "racist", "stop"), is not the post's own voice.

Questions and opinions change nothing: "Why are X always...?" and "I think X are..." say
the same thing as the statement.

Modules: targets.py (which target), orders.py (harm verbs: modals, orders, things),
meaning.py (negation, frames, counter-speech), common.py (what they share).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..clauses import Layout
from ..mentions import Mention
from ..variants import Token
from .common import INERT_INSIDE, LINK_CUES, LINKING, NOT_FREE, Prepared, outermost
from .meaning import compound, counter_speech, intensifier, negated, taken_by_frame, within_another
from .orders import addressee, done_by_or_to_a_thing, modal
from .targets import (
    addressed_group,
    an_animal,
    described,
    implicit_subject,
    opening_mentions,
    referent_of,
    target_of,
)

__all__ = ["Prepared", "Relation", "Wanted", "prepare", "relate"]


@dataclass(frozen=True)
class Relation:
    predicate: Mention
    target: Mention | None  # None: said to the reader ("learn to read")
    referent: Mention | None = None  # what a pronoun target stands for

    @property
    def about(self) -> Mention | None:
        """The mention that names whom the predicate is about."""
        return self.referent or self.target

    @property
    def whom(self) -> str:
        """"groups.migration", "audience", "people", "others", "victims" (None: audience)."""
        about = self.about
        if about is None:
            return "audience"
        return about.kind if about.family == "target" else "people"


@dataclass(frozen=True)
class Wanted:
    """What one rule asks for: predicate kinds, which of them need a modal or an order
    (`modal`), which stand alone when no target is named (`alone`), and which still count
    against a pronoun that names no one (`unnamed`: "Kill them all" is a threat to people;
    "Las colas, las odio" is not hatred of anyone)."""

    predicates: frozenset[str]
    modal: frozenset[str] = frozenset()
    alone: frozenset[str] = frozenset()
    unnamed: frozenset[str] = frozenset()  # kinds said of a pronoun that names no one count


def prepare(toks: tuple[Token, ...], mentions: list[Mention]) -> Prepared:
    by_family: dict[str, list[Mention]] = {}
    phrases = [m for m in mentions if m.cls == "cue.link" and m.last - m.first > 1]
    if phrases:  # "women like *that*": a word inside a link phrase is only that phrase
        mentions = [m for m in mentions if not (m.family in ("frame", "cue") and m.cls != "cue.link"
                    and any(q.first <= m.first and m.last <= q.last for q in phrases))]
    predicate_spans = [(m.first, m.last) for m in mentions if m.family == "predicate"]
    for m in mentions:
        if m.cls in INERT_INSIDE and any(a <= m.first and m.last <= b and b - a > m.last - m.first
                                         for a, b in predicate_spans):
            continue  # "hører" (hear) in "hører hjemme på kjøkkenet" (belong in the kitchen)
        by_family.setdefault(m.family, []).append(m)
        if m.family in ("frame", "cue"):
            by_family.setdefault(m.cls, []).append(m)
    links = {k for m in mentions if m.family in LINKING or m.cls in LINK_CUES
             for k in range(m.first, m.last)}
    opening = opening_mentions(toks, links)
    refers = by_family.get("refer", [])
    targets = [t for t in outermost(by_family.get("target", []))  # "sånne folk": the pronoun
               if not any(r.first <= t.first and t.last <= r.last for r in refers)
               and t.first >= opening] + refers
    named = {k for m in mentions if m.cls in NOT_FREE or m.family == "cue"
             for k in range(m.first, m.last)} - links
    return Prepared(by_family, targets, links, named,
                    {m.first: m for m in by_family.get("cue.relative", ())},
                    {m.first: m for m in by_family.get("cue.copula", ())})


def relate(toks: tuple[Token, ...], mentions: list[Mention], lay: Layout,
           wanted: Wanted, prepared: Prepared | None = None) -> list[Relation]:
    """The relations one rule asks for (`wanted`). `prepared`: `prepare(toks, mentions)`,
    shared by the rules that judge the same post."""
    if not any(m.family == "predicate" and m.kind in wanted.predicates for m in mentions):
        return []
    pre = prepared or prepare(toks, mentions)
    by_family, targets = pre.by_family, pre.targets
    found: list[Relation] = []
    for p in pre.predicates(wanted.predicates):
        if intensifier(p, by_family) or negated(p, by_family, lay, toks) or compound(p, toks):
            continue
        harm = p.kind in wanted.modal or p.kind in wanted.unnamed
        if harm and within_another(p, by_family, wanted.predicates):
            continue  # "kill yourself", "drep deg selv": a jab of another rule, not a threat
        # a threat to "women who wear this" is a threat to women: the thing says which women
        aside = described(p, pre, lay, toks) if harm else (0, 0)
        if p.kind in wanted.modal and (not modal(p, by_family, lay, toks, pre)
                                       or done_by_or_to_a_thing(p, by_family, lay, aside)):
            continue
        said = p.last - p.first == 1 and p.kind not in wanted.modal  # a noun, an adjective
        target = target_of(p, pre, lay, toks, said, addressee(p, lay, toks, pre) if harm else 0,
                           doer=p.kind in wanted.modal)
        referent = None
        if target is not None and target.family == "refer":
            referent = referent_of(target, targets, lay) or addressed_group(target, pre, lay, toks)
            if referent is None and p.kind not in wanted.unnamed:
                target = None  # "Poniedziałki? Nie znosimy ich": no group to refer to
        if target is None and implicit_subject(p, toks, lay, pre):
            target = referent = referent_of(p, targets, lay)  # "¿Los chinos? Son unos cerdos."
        if target is None:
            if p.kind not in wanted.alone or taken_by_frame(p, None, by_family, lay) \
                    or counter_speech(p, None, by_family, lay, toks):
                continue
            found.append(Relation(p, None))
            continue
        if taken_by_frame(p, target, by_family, lay, aside) \
                or an_animal(target, referent, by_family, lay):
            continue
        if counter_speech(p, target, by_family, lay, toks):
            continue
        found.append(Relation(p, target, referent if referent is not target else None))
    return found

