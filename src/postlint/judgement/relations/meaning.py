"""What changes a predicate's meaning: negation, an intensifier, a compound, a frame that
claims it, counter-speech (see the package's docstring)."""

from __future__ import annotations

from ..clauses import Layout
from ..mentions import Mention
from ..variants import Token
from .common import THING_REACH, gap, same_clause

NEGATION_REACH = 3  # tokens between a negation and the predicate it negates


def negated(p: Mention, by_family: dict, lay: Layout, toks: tuple[Token, ...]) -> bool:
    """A negation just before the predicate ("don't hate", "are not vile"), or right after
    it, or after it and one pronoun (Norwegian "jeg hater ikke kvinner", "hater dem ikke"),
    within the same stretch of text: a comma ends its reach ("Liker du det ikke, så drikk
    det søppelet" is not a negated jab)."""
    for n in by_family.get("cue.negation", ()):
        if p.first <= n.first and n.last <= p.last:
            return False  # the predicate is written with its negation: "are not human"
    for n in by_family.get("cue.negation", ()):
        if not same_clause(n, p, lay):
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


def intensifier(p: Mention, by_family: dict) -> bool:
    """"stupid good", "sick deals", "dead simple": the word only says "very"."""
    return any(e.first == p.last for e in by_family.get("frame.evaluative", ()))


def taken_by_frame(p: Mention, target: Mention | None, by_family: dict, lay: Layout,
                   aside: tuple[int, int] = (0, 0)) -> bool:
    """Is the predicate about a thing or the speaker rather than the target? True when an
    `object` or `self` frame in the clause is nearer to it than the target ("this film is
    stupid", "my boss will kill me"); a frame before the predicate only when the target is
    not after it ("*I* hate immigrants": the speaker is the subject, the target the object).
    Without a target, only a frame just before an insult counts ("the main character is an
    idiot", "I feel like an idiot"); a jab of several words ("go drink that garbage") is
    complete. Frames within the tokens `aside` say who the target is, not what the predicate
    is about: a relative clause that describes the target of a threat ("women who wear
    *this* should be...", see `targets.relative_clause`)."""
    if target is None and p.last - p.first > 1:
        return False
    target_after = target is not None and target.first >= p.last
    for frame in ("frame.object", "frame.self"):
        for f in by_family.get(frame, ()):
            if f.first < p.last and p.first < f.last or not same_clause(f, p, lay) \
                    or aside[0] <= f.first and f.last <= aside[1]:
                continue
            before = f.last <= p.first
            if target is not None and gap(f, p) < gap(p, target) and not (before and target_after):
                return True
            if target is None and before and gap(f, p) <= THING_REACH:
                return True
    return False


def compound(p: Mention, toks: tuple[Token, ...]) -> bool:
    """"idiot-proof", "die-hard", "kill-switch": glued to another word by a hyphen, the
    word is part of a name for something else."""
    before = p.first >= 2 and toks[p.first - 1][0] in "-‐" and toks[p.first - 1][3] == toks[p.first - 2][4] \
        and toks[p.first - 1][4] == toks[p.first][3]
    after = p.last + 1 < len(toks) and toks[p.last][0] in "-‐" and toks[p.last][3] == toks[p.last - 1][4] \
        and toks[p.last][4] == toks[p.last + 1][3]
    return before or after


def counter_speech(p: Mention, target: Mention | None, by_family: dict, lay: Layout,
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
        if r.last <= first and same_clause(r, p, lay) and (condemned or negated(r, by_family, lay, toks)):
            return True
    if condemned and lay.quoted[p.first] and lay.quoted[target.first]:
        return any(not lay.quoted[c.first] for c in by_family["cue.condemn"])
    return False


def within_another(p: Mention, by_family: dict, kinds: frozenset[str]) -> bool:
    """Inside a longer predicate of a kind the rule does not ask for: "kill" in the jab
    "kill yourself" (hostile, not a threat of violence), "drep" in "drep deg selv"."""
    return any(m.kind not in kinds and m.first <= p.first and p.last <= m.last
               and m.last - m.first > p.last - p.first for m in by_family.get("predicate", ()))
