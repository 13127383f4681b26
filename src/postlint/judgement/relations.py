"""Relations: a predicate said about a target, and what changes its meaning.

For each predicate in a post ("vermin", "should be shot", "idiot"), `relate` looks for the
target it is said about, and keeps the pair only if the post means it:

- reach: the target is in the same clause, at most `REACH` tokens away, and only link
  words lie between them: copulas, determiners, quantifiers, modals, intensifiers ("are",
  "all", "such", "should be", "nothing but"), other predicates, and one free word just
  before a target that follows its predicate ("I hate *illegal* immigrants"). So "I hate it
  when women..." and "women love dogs" relate nothing. A target addressed at the end of a
  clause ("Go back home, immigrants.") is reached from anywhere in it. A target that only
  modifies a thing ("Chinese food", "women's clothing") is not a target;
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
  ("should be shot", "let's", "I'll") or as an order at the start of a clause ("Kill them");
  a report of violence ("were shot") is news, not a threat;
- counter-speech: a statement that is reported ("saying", "calling") or quoted, in a post
  that condemns it ("...is wrong", "racist", "stop"), is not the post's own voice.

Questions and opinions change nothing: "Why are X always...?" and "I think X are..." say
the same thing as the statement.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .clauses import Layout
from .mentions import Mention
from .variants import Token

REACH = 8  # tokens between a predicate and its target, at most
NEGATION_REACH = 3  # tokens between a negation and the predicate it negates
MODAL_REACH = 4
THING_REACH = 3
RELATIVE_REACH = 5  # words of a relative clause between a target and its predicate  # tokens from a harm verb to the thing it is done with or to


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


@dataclass
class Prepared:
    """What every rule's `relate` needs from one post's mentions, computed once per post."""

    by_family: dict[str, list[Mention]]
    targets: list[Mention]
    links: set[int]  # token indexes a relation may reach across
    named: set[int]  # token indexes of a thing, the speaker or a cue: never the free word
    relatives: dict[int, Mention]
    _predicates: dict[frozenset[str], list[Mention]] = field(default_factory=dict)

    def predicates(self, kinds: frozenset[str]) -> list[Mention]:
        """The outermost predicates of these kinds, in order (one statement, one relation)."""
        found = self._predicates.get(kinds)
        if found is None:
            found = self._predicates[kinds] = _outermost(
                [m for m in self.by_family.get("predicate", ()) if m.kind in kinds])
        return found


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
    opening = _opening_mentions(toks, links)
    refers = by_family.get("refer", [])
    targets = [t for t in _outermost(by_family.get("target", []))  # "sånne folk": the pronoun
               if not any(r.first <= t.first and t.last <= r.last for r in refers)
               and t.first >= opening] + refers
    named = {k for m in mentions if m.cls in NOT_FREE or m.family == "cue"
             for k in range(m.first, m.last)} - links
    return Prepared(by_family, targets, links, named,
                    {m.first: m for m in by_family.get("cue.relative", ())})


def relate(toks: tuple[Token, ...], mentions: list[Mention], lay: Layout,
           wanted: Wanted, prepared: Prepared | None = None) -> list[Relation]:
    """The relations one rule asks for (`wanted`). `prepared`: `prepare(toks, mentions)`,
    shared by the rules that judge the same post."""
    if not any(m.family == "predicate" and m.kind in wanted.predicates for m in mentions):
        return []
    pre = prepared or prepare(toks, mentions)
    by_family, targets, links = pre.by_family, pre.targets, pre.links
    links_and_named = (links, pre.named)
    found: list[Relation] = []
    for p in pre.predicates(wanted.predicates):
        if _intensifier(p, by_family) or _negated(p, by_family, lay, toks) or _compound(p, toks):
            continue
        if p.kind in wanted.modal and (not _modal(p, by_family, lay, toks)
                                       or _done_by_or_to_a_thing(p, by_family, lay)):
            continue
        target = _target(p, targets, by_family, lay, toks, links_and_named, pre.relatives)
        referent = None
        if target is not None and target.family == "refer":
            referent = _referent(target, targets, lay)
            if referent is None and p.kind not in wanted.unnamed:
                target = None  # "Poniedziałki? Nie znosimy ich": no group to refer to
        if target is None and _implicit_subject(p, toks, lay, links):
            target = referent = _referent(p, targets, lay)  # "¿Los chinos? Son unos cerdos."
        if target is None:
            if p.kind not in wanted.alone or _taken_by_frame(p, None, by_family, lay) \
                    or _counter_speech(p, None, by_family, lay, toks):
                continue
            found.append(Relation(p, None))
            continue
        if _taken_by_frame(p, target, by_family, lay) or _an_animal(target, referent, by_family, lay):
            continue
        if _counter_speech(p, target, by_family, lay, toks):
            continue
        found.append(Relation(p, target, referent if referent is not target else None))
    return found


def _opening_mentions(toks: tuple[Token, ...], links: set[int]) -> int:
    """How many tokens the @mentions that open a reply take ("@anna @bob ..."): they say
    whom the reply is for, not what it is about ("@anna Beznadziejna pogoda dziś"), unless
    a link word follows them: then they are the subject ("@ola er en patetisk taper")."""
    k = 0
    while k < len(toks) and toks[k][0][:1] == "@" and len(toks[k][0]) > 1:
        k += 1
    return 0 if k in links else k


def _implicit_subject(p: Mention, toks: tuple[Token, ...], lay: Layout, links: set[int]) -> bool:
    """A predicate whose clause starts with it, or with link words only ("Son unos cerdos",
    "Są ohydne", "Are all rats"): its subject is left out, as Spanish and Polish do, and is
    the group named just before."""
    start = lay.clause_start[lay.clause[p.first]]
    return all(k in links or toks[k][0] in PUNCTUATION for k in range(start, p.first))


LINKING = ("predicate", "target", "refer")
LINK_CUES = ("cue.link", "cue.negation", "cue.modal")  # and cue.relative, see `_linked`
PUNCTUATION = frozenset(",:-–—=")
NOT_FREE = ("frame.object", "frame.self")
INERT_INSIDE = ("cue.report", "cue.condemn", "cue.modal")  # a predicate's own words are not cues


def _outermost(mentions: list[Mention]) -> list[Mention]:
    """Drop a mention inside a longer one ("shot" inside "should be shot", "people" inside
    "black people"): one statement, one relation."""
    ordered = sorted(mentions, key=lambda m: (m.first, -m.last))
    kept: list[Mention] = []
    for m in ordered:
        if kept and m.first < kept[-1].last and m.last <= kept[-1].last:
            continue
        kept.append(m)
    return kept


def _gap(a: Mention, b: Mention) -> int:
    """Tokens strictly between two mentions (0 when they touch or overlap)."""
    return max(0, b.first - a.last, a.first - b.last)



def _same_clause(a: Mention, b: Mention, lay: Layout) -> bool:
    return lay.clause[a.first] == lay.clause[b.first]


def _target(p: Mention, targets: list[Mention], by_family: dict, lay: Layout,
            toks: tuple[Token, ...], links: tuple[set[int], set[int]],
            relatives: dict[int, Mention]) -> Mention | None:
    best = None
    for t in targets:
        if not _same_clause(p, t, lay) or _modifier(t, by_family, toks):
            continue
        inside = t.first < p.last and p.first < t.last  # "send them back"
        linked = inside or (_gap(p, t) <= REACH and _linked(p, t, toks, links, relatives))
        if not linked and not _vocative(t, toks, lay, links[0]):
            continue
        # linked before addressed, outside the predicate before inside, named before a
        # pronoun, near before far
        rank = (not linked, inside, t.family == "refer", _gap(p, t))
        if best is None or rank < best[0]:
            best = (rank, t)
    return best[1] if best else None


def _linked(p: Mention, t: Mention, toks: tuple[Token, ...], links: tuple[set[int], set[int]],
            relatives: dict[int, Mention]) -> bool:
    """Only link words (and punctuation) between predicate and target; one free word, of no
    class of the vocabulary, is allowed just before a target that follows its predicate
    ("hate illegal immigrants", but not "a loser *that* you..."), and a short relative
    clause right after a target that comes first ("women *who talk back* should be...")."""
    linking, named = links
    lo, hi = (p.last, t.first) if p.last <= t.first else (t.last, p.first)
    free = [k for k in range(lo, hi) if k not in linking and toks[k][0] not in PUNCTUATION]
    if not free:
        return True
    if p.last <= t.first:
        return free == [t.first - 1] and free[0] not in named
    rel = relatives.get(t.last) or (relatives.get(t.last + 1) if toks[t.last][0] == "," else None)
    return rel is not None and free[0] >= rel.first and free[-1] - rel.last < RELATIVE_REACH


def _vocative(t: Mention, toks: tuple[Token, ...], lay: Layout, linking: set[int]) -> bool:
    """", immigrants." or ", those Jews." at the end of a clause: the clause is said to them
    or about them."""
    k = t.first - 1
    while k >= 0 and k in linking and toks[k][0] != ",":
        k -= 1
    if k < 0 or toks[k][0] != ",":
        return False
    return t.last >= len(toks) or lay.clause[t.last] != lay.clause[t.first] or toks[t.last][0] in "!?."


def _modifier(t: Mention, by_family: dict, toks: tuple[Token, ...]) -> bool:
    """"Chinese food", "women's clothing": the target word only says what kind of thing."""
    after = t.last + 1 if t.last < len(toks) and toks[t.last][0] in ("'s", "’s") else t.last
    return any(f.first == after for f in by_family.get("frame.object", ()))


def _an_animal(target: Mention, referent: Mention | None, by_family: dict, lay: Layout) -> bool:
    """A pronoun with an animal just before it and no group in between is the animal: "my
    cat knocked my phone into the bath, I'm going to kill him"."""
    if referent is not None or target.family == "target" and target.kind != "people" \
            or target.entry.startswith("@"):
        return False
    clause = lay.clause[target.first]
    return any(a.last <= target.first and clause - lay.clause[a.first] <= 2
               for a in by_family.get("frame.nature", ()))


def _referent(pronoun: Mention, targets: list[Mention], lay: Layout) -> Mention | None:
    """The last group named before the pronoun: in its clause or the two sentences before."""
    clause = lay.clause[pronoun.first]
    earlier = [t for t in targets if t.family == "target" and t.last <= pronoun.first
               and clause - lay.clause[t.first] <= 2
               and t.kind.split(".")[0] in ("groups", "others", "victims")]
    return earlier[-1] if earlier else None


def _negated(p: Mention, by_family: dict, lay: Layout, toks: tuple[Token, ...]) -> bool:
    """A negation just before the predicate ("don't hate", "are not vile"), or right after
    it, or after it and one pronoun (Norwegian "jeg hater ikke kvinner", "hater dem ikke"),
    within the same stretch of text: a comma ends its reach ("Liker du det ikke, så drikk
    det søppelet" is not a negated jab)."""
    for n in by_family.get("cue.negation", ()):
        if p.first <= n.first and n.last <= p.last:
            return False  # the predicate is written with its negation: "are not human"
    for n in by_family.get("cue.negation", ()):
        if not _same_clause(n, p, lay):
            continue
        if n.last <= p.first:
            between = range(n.last, p.first)
            near = p.first - n.last <= NEGATION_REACH
        else:  # right after, or after one pronoun: "hater ikke", "hater dem ikke"
            between = range(p.last, n.first)
            near = n.first == p.last or (n.first == p.last + 1 and any(
                t.first == p.last and t.last == n.first
                for t in (*by_family.get("target", ()), *by_family.get("refer", ()))))
        if near and not any(toks[k][0] == "," for k in between):
            return True
    return False


def _modal(p: Mention, by_family: dict, lay: Layout, toks: tuple[Token, ...]) -> bool:
    if lay.first_word(p.first, toks):
        return True  # an order: "Kill them all"
    return any(m.first < p.first and p.first - m.last <= MODAL_REACH and _same_clause(m, p, lay)
               and not any(toks[k][0] == "," for k in range(m.last, p.first))
               for m in by_family.get("cue.modal", ()))


def _done_by_or_to_a_thing(p: Mention, by_family: dict, lay: Layout) -> bool:
    """Harm verbs said of things are hyperbole: a thing does it ("these prices will kill
    you", "this workout will kill you"), or a thing is what it is done with or to ("shoot
    you an email", "kill you with these prices", "die of laughter")."""
    clause = lay.clause[p.first]
    before = [m for m in (*by_family.get("frame.object", ()), *by_family.get("frame.self", ()),
                          *by_family.get("target", ()), *by_family.get("refer", ()))
              if m.last <= p.first and lay.clause[m.first] == clause
              and not (m.family != "frame" and p.first - m.last <= 2)]  # a clitic: "te va a matar"
    if before and max(before, key=lambda m: m.last).cls == "frame.object":
        return True
    groups = [t.first for t in by_family.get("target", ()) if t.first >= p.last and t.kind.startswith("groups")]
    return any(f.first >= p.last and f.first - p.last <= THING_REACH and lay.clause[f.first] == clause
               and not any(g < f.first for g in groups)  # not "stab every woman on *this* street"
               for f in by_family.get("frame.object", ()))


def _intensifier(p: Mention, by_family: dict) -> bool:
    """"stupid good", "sick deals", "dead simple": the word only says "very"."""
    return any(e.first == p.last for e in by_family.get("frame.evaluative", ()))


def _taken_by_frame(p: Mention, target: Mention | None, by_family: dict, lay: Layout) -> bool:
    """Is the predicate about a thing or the speaker rather than the target? True when an
    `object` or `self` frame in the clause is nearer to it than the target ("this film is
    stupid", "my boss will kill me"); a frame before the predicate only when the target is
    not after it ("*I* hate immigrants": the speaker is the subject, the target the object).
    Without a target, only a frame just before an insult counts ("the main character is an
    idiot", "I feel like an idiot"); a jab of several words ("go drink that garbage") is
    complete."""
    if target is None and p.last - p.first > 1:
        return False
    target_after = target is not None and target.first >= p.last
    for frame in ("frame.object", "frame.self"):
        for f in by_family.get(frame, ()):
            if f.first < p.last and p.first < f.last or not _same_clause(f, p, lay):
                continue
            before = f.last <= p.first
            if target is not None and _gap(f, p) < _gap(p, target) and not (before and target_after):
                return True
            if target is None and before and _gap(f, p) <= THING_REACH:
                return True
    return False


def _compound(p: Mention, toks: tuple[Token, ...]) -> bool:
    """"idiot-proof", "die-hard", "kill-switch": glued to another word by a hyphen, the
    word is part of a name for something else."""
    before = p.first >= 2 and toks[p.first - 1][0] in "-‐" and toks[p.first - 1][3] == toks[p.first - 2][4] \
        and toks[p.first - 1][4] == toks[p.first][3]
    after = p.last + 1 < len(toks) and toks[p.last][0] in "-‐" and toks[p.last][3] == toks[p.last - 1][4] \
        and toks[p.last][4] == toks[p.last + 1][3]
    return before or after


def _counter_speech(p: Mention, target: Mention | None, by_family: dict, lay: Layout,
                    toks: tuple[Token, ...]) -> bool:
    """Reported or quoted hate in a post that condemns it: "Saying immigrants are vermin is
    disgusting", "“Women belong in the kitchen” is not a joke". A jab without a target is
    judged by its own words: "“Shut up” is never an answer to a customer"."""
    condemned = bool(by_family.get("cue.condemn"))
    if target is not None and any(r.first == target.last for r in by_family.get("cue.report", ())):
        return True  # "sick of people *saying* immigrants are criminals": about the speakers
    target = target or p
    first = min(p.first, target.first)
    for r in by_family.get("cue.report", ()):
        if r.last <= first and _same_clause(r, p, lay) and (condemned or _negated(r, by_family, lay, toks)):
            return True
    if condemned and lay.quoted[p.first] and lay.quoted[target.first]:
        return any(not lay.quoted[c.first] for c in by_family["cue.condemn"])
    return False
