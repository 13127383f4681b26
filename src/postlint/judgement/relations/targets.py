"""Which target a predicate is said about: reach, links, relative clauses, vocatives and
pronouns (see the package's docstring)."""

from __future__ import annotations

from itertools import pairwise

from ..clauses import Layout
from ..mentions import Mention
from ..variants import Token
from .common import PUNCTUATION, Prepared, gap, same_clause

REACH = 8  # tokens between a predicate and its target, at most
RELATIVE_REACH = 5  # words of a relative clause between a target and its predicate
COMPLEMENT_FREE = 2  # words of no class between a copula and the noun or adjective it says


def opening_mentions(toks: tuple[Token, ...], links: set[int]) -> int:
    """How many tokens the @mentions that open a reply take ("@anna @bob ..."): they say
    whom the reply is for, not what it is about ("@anna Beznadziejna pogoda dziś"), unless
    a link word follows them: then they are the subject ("@ola er en patetisk taper")."""
    k = 0
    while k < len(toks) and toks[k][0][:1] == "@" and len(toks[k][0]) > 1:
        k += 1
    return 0 if k in links else k


def implicit_subject(p: Mention, toks: tuple[Token, ...], lay: Layout, pre: Prepared) -> bool:
    """A predicate whose clause starts with it, or with link words only ("Son unos cerdos",
    "Są ohydne", "Are all rats"): its subject is left out, as Spanish and Polish do, and is
    the group named just before. Not when a copula follows it: then it is the subject
    ("Immigrants built this city; *rats are* a problem")."""
    if p.last in pre.copulas:
        return False
    start = lay.clause_start[lay.clause[p.first]]
    return all(k in pre.links or toks[k][0] in PUNCTUATION for k in range(start, p.first))


def target_of(p: Mention, pre: Prepared, lay: Layout, toks: tuple[Token, ...],
              said: bool = True, addressed: int = 0, doer: bool = False) -> Mention | None:
    """The target the predicate is said about, or None. A predicate right before a copula is
    the subject of its clause: a target before it is not what it is said of ("Immigrants and
    *rats are* a problem"). `said`: the predicate can be what a copula says of a target: one
    word that needs no modal, a noun or an adjective, not a harm verb or a phrase
    ("fueron recibidos *a tiros*" is news). Targets before `addressed` are whom an order is
    given to: the order is about any other target ("@dave kill all the immigrants"), and
    about them only when it names no one else ("@kev go drink bleach"), unless they are told
    to be the `doer` of a harm verb ("@kasia zabić komary": she is to kill them)."""
    best = None
    subject = p.last in pre.copulas
    for t in pre.targets:
        if not same_clause(p, t, lay) or modifier(t, pre.by_family, toks) \
                or subject and t.last <= p.first or doer and t.last <= addressed:
            continue
        inside = t.first < p.last and p.first < t.last  # "send them back"
        linked = inside or (near(p, t, pre, toks) and reaches(p, t, toks, pre, said))
        if not linked and not vocative(t, toks, lay, pre.links):
            continue
        # told to do it after all others, linked before addressed, outside the predicate
        # before inside, named before a pronoun, near before far
        rank = (t.last <= addressed, not linked, inside, t.family == "refer", gap(p, t))
        if best is None or rank < best[0]:
            best = (rank, t)
    return best[1] if best else None


def near(p: Mention, t: Mention, pre: Prepared, toks: tuple[Token, ...]) -> bool:
    """At most `REACH` tokens apart, or `RELATIVE_REACH` more when a relative clause says
    which of the target it is ("Geje*, którzy całują się na ulicy,* powinni...")."""
    apart = gap(p, t)
    return apart <= REACH or apart <= REACH + RELATIVE_REACH \
        and relative_clause(t, p, pre, toks) != (0, 0)


def reaches(p: Mention, t: Mention, toks: tuple[Token, ...], pre: Prepared,
            said: bool = True) -> bool:
    """Only link words (and punctuation) between predicate and target; one free word, of no
    class of the vocabulary, is allowed just before a target that follows its predicate
    ("hate illegal immigrants", but not "a loser *that* you..."), a short relative clause
    right after a target that comes first ("women *who talk back* should be..."), and a
    word or two after the copula that links a target to its complement (`complement`)."""
    lo, hi = (p.last, t.first) if p.last <= t.first else (t.last, p.first)
    free = [k for k in range(lo, hi) if k not in pre.links and toks[k][0] not in PUNCTUATION]
    if not free:
        return True
    if p.last <= t.first:
        return free == [t.first - 1] and free[0] not in pre.named
    rel = pre.relatives.get(t.last) or (
        pre.relatives.get(t.last + 1) if toks[t.last][0] == "," else None)
    if rel is not None and free[0] >= rel.first and free[-1] - rel.last < RELATIVE_REACH:
        return True
    return said and complement(p, t, free, toks, pre)


def complement(p: Mention, t: Mention, free: list[int], toks: tuple[Token, ...],
               pre: Prepared) -> bool:
    """Target, copula, predicate: what the copula says of the target may be modified or
    coordinated by words of no class ("Immigrants are *monsters and* parasites",
    "inmigrantes son unas *auténticas* ratas", "innvandrere er *rett og slett* parasitter").
    At most `COMPLEMENT_FREE` of them, never two in a row ("Kvinner er *redde for* rotter":
    a phrase of its own), all after the copula ("Women's *football* is..." has a subject of
    its own), none a thing or a cue, and no punctuation, preposition or other copula
    between them and the predicate ("Immigrants are welcome*,* rats...", "Women are afraid
    *of* rats", "Women are great cooks and rats *are*...": the predicate is another
    phrase's)."""
    if len(free) > COMPLEMENT_FREE or any(k in pre.named for k in free) \
            or any(b - a == 1 for a, b in pairwise(free)):
        return False
    if not any(t.last <= k and c.last <= free[0] for k, c in pre.copulas.items()):
        return False
    return not any(toks[k][0] in PUNCTUATION or k in pre.relatives or k in pre.copulas
                   for k in range(free[0], p.first))


def relative_clause(t: Mention, p: Mention, pre: Prepared, toks: tuple[Token, ...]) -> tuple[int, int]:
    """The tokens of a relative clause or phrase between a target and the predicate after it
    ("women *who dress like that* deserve..."), or an empty span."""
    if t.last >= p.first:
        return (0, 0)
    rel = pre.relatives.get(t.last) or (
        pre.relatives.get(t.last + 1) if toks[t.last][0] == "," else None)
    return (rel.first, p.first) if rel is not None else (0, 0)


def described(p: Mention, pre: Prepared, lay: Layout, toks: tuple[Token, ...]) -> tuple[int, int]:
    """The relative clause of the last target before the predicate in its clause, if any:
    the words that say which of the target a threat is about."""
    found, last = (0, 0), -1
    for t in pre.targets:
        if last < t.last <= p.first and same_clause(t, p, lay):
            span = relative_clause(t, p, pre, toks)
            if span != (0, 0):
                found, last = span, t.last
    return found


def addressed_group(pronoun: Mention, pre: Prepared, lay: Layout,
                    toks: tuple[Token, ...]) -> Mention | None:
    """The group a clause is addressed to at its end, which a pronoun before it names:
    "Drown *them* in the sea, *all these migrants*." (`referent_of` looks only back)."""
    for t in pre.targets:
        if t.family == "target" and t.first > pronoun.first and same_clause(t, pronoun, lay) \
                and t.kind.split(".")[0] in ("groups", "others", "victims") \
                and vocative(t, toks, lay, pre.links):
            return t
    return None


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
