"""Which target a predicate is said about: reach, links, relative clauses, vocatives and
pronouns (see the package's docstring)."""

from __future__ import annotations

from ..clauses import Layout
from ..mentions import Mention
from ..variants import Token
from .common import PUNCTUATION, gap, same_clause

REACH = 8  # tokens between a predicate and its target, at most
RELATIVE_REACH = 5  # words of a relative clause between a target and its predicate


def opening_mentions(toks: tuple[Token, ...], links: set[int]) -> int:
    """How many tokens the @mentions that open a reply take ("@anna @bob ..."): they say
    whom the reply is for, not what it is about ("@anna Beznadziejna pogoda dziś"), unless
    a link word follows them: then they are the subject ("@ola er en patetisk taper")."""
    k = 0
    while k < len(toks) and toks[k][0][:1] == "@" and len(toks[k][0]) > 1:
        k += 1
    return 0 if k in links else k


def implicit_subject(p: Mention, toks: tuple[Token, ...], lay: Layout, links: set[int]) -> bool:
    """A predicate whose clause starts with it, or with link words only ("Son unos cerdos",
    "Są ohydne", "Are all rats"): its subject is left out, as Spanish and Polish do, and is
    the group named just before."""
    start = lay.clause_start[lay.clause[p.first]]
    return all(k in links or toks[k][0] in PUNCTUATION for k in range(start, p.first))


def target_of(p: Mention, targets: list[Mention], by_family: dict, lay: Layout,
            toks: tuple[Token, ...], links: tuple[set[int], set[int]],
            relatives: dict[int, Mention]) -> Mention | None:
    best = None
    for t in targets:
        if not same_clause(p, t, lay) or modifier(t, by_family, toks):
            continue
        inside = t.first < p.last and p.first < t.last  # "send them back"
        linked = inside or (gap(p, t) <= REACH and reaches(p, t, toks, links, relatives))
        if not linked and not vocative(t, toks, lay, links[0]):
            continue
        # linked before addressed, outside the predicate before inside, named before a
        # pronoun, near before far
        rank = (not linked, inside, t.family == "refer", gap(p, t))
        if best is None or rank < best[0]:
            best = (rank, t)
    return best[1] if best else None


def reaches(p: Mention, t: Mention, toks: tuple[Token, ...], links: tuple[set[int], set[int]],
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


def vocative(t: Mention, toks: tuple[Token, ...], lay: Layout, linking: set[int]) -> bool:
    """", immigrants." or ", those Jews." at the end of a clause: the clause is said to them
    or about them."""
    k = t.first - 1
    while k >= 0 and k in linking and toks[k][0] != ",":
        k -= 1
    if k < 0 or toks[k][0] != ",":
        return False
    return t.last >= len(toks) or lay.clause[t.last] != lay.clause[t.first] or toks[t.last][0] in "!?."


def modifier(t: Mention, by_family: dict, toks: tuple[Token, ...]) -> bool:
    """"Chinese food", "women's clothing": the target word only says what kind of thing."""
    after = t.last + 1 if t.last < len(toks) and toks[t.last][0] in ("'s", "’s") else t.last
    return any(f.first == after for f in by_family.get("frame.object", ()))


def an_animal(target: Mention, referent: Mention | None, by_family: dict, lay: Layout) -> bool:
    """A pronoun with an animal just before it and no group in between is the animal: "my
    cat knocked my phone into the bath, I'm going to kill him"."""
    if referent is not None or target.family == "target" and target.kind != "people" \
            or target.entry.startswith("@"):
        return False
    clause = lay.clause[target.first]
    return any(a.last <= target.first and clause - lay.clause[a.first] <= 2
               for a in by_family.get("frame.nature", ()))


def referent_of(pronoun: Mention, targets: list[Mention], lay: Layout) -> Mention | None:
    """The last group named before the pronoun: in its clause or the two sentences before."""
    clause = lay.clause[pronoun.first]
    earlier = [t for t in targets if t.family == "target" and t.last <= pronoun.first
               and clause - lay.clause[t.first] <= 2
               and t.kind.split(".")[0] in ("groups", "others", "victims")]
    return earlier[-1] if earlier else None
