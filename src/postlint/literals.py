"""What text a cue cannot match without: a substring screen in front of its regex.

Promotion and voice cues are regexes run on every post. Most never match, and a substring
test in C is far cheaper than a regex search, so each cue carries its *literals*: strings of
which at least one must occur in the case-folded text for the cue to match. A `phrase` cue
needs its longest word. A `pattern` cue's literals are read off the pattern itself by the
standard library's regex parser (`re._parser`, the parser `re.compile` uses): the longest
run of plain characters every match contains, or, when the pattern is an alternation, one
run per branch. A rule author writes a pattern and gets the screen without saying anything.

The screen must never hide a match, so anything the parser cannot vouch for gives no
literals (the cue always runs): syntax of the `regex` module that `re` reads differently
(fuzzy `{e<=1}`, `\\p{..}`, named lists), a pattern `re` cannot parse, runs shorter than two
characters.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

Literals = tuple[str, ...]  # any one of these must occur in the case-folded text

MIN_RUN = 2  # a shorter run fires on nearly every text: no screen is better
# syntax of the `regex` module that `re` reads differently: fuzzy matching, properties,
# named lists, versions and flags of its own, POSIX classes
_REGEX_ONLY = re.compile(r"\{[^\d,}]|\\[pPLNX]|\(\?[VX]\d|\(\?[a-zA-Z]*[bewrfV][a-zA-Z]*[:)]|\[\[:")


def phrase_literals(phrase: str) -> Literals | None:
    """The longest word of a phrase cue (`phrase: "need a new job"` needs "need" or longer)."""
    words = [w.rstrip("*") for w in phrase.split() if w != "*"]
    longest = max(words, key=len, default="")
    return (longest.casefold(),) if longest else None


def pattern_literals(pattern: str) -> Literals | None:
    """Strings one of which every match of `pattern` contains (case-folded), or None."""
    if _REGEX_ONLY.search(pattern):
        return None
    try:
        from re import _parser  # type: ignore[attr-defined]

        parsed = _parser.parse(pattern)
    except Exception:  # not a pattern `re` can read (or a Python without this parser)
        return None
    return _required(list(parsed))


def _required(items: list[tuple[Any, Any]]) -> Literals | None:
    """The best requirement of a sequence of parsed items: its longest literal run, or a
    group or alternation inside it whose every branch has one."""
    from re import _constants as c  # type: ignore[attr-defined]

    options: list[Literals] = []
    run: list[str] = []

    def close() -> None:
        if len(run) >= MIN_RUN:
            options.append(("".join(run).casefold(),))
        run.clear()

    for op, av in items:
        if op is c.LITERAL:
            run.append(chr(av))
            continue
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # zero-width: the characters on both sides are still adjacent
        close()
        if op is c.SUBPATTERN:
            found = _required(list(av[-1]))
        elif op in _repeats(c):
            found = _required(list(av[2])) if av[0] >= 1 else None
        elif op is c.BRANCH:
            found = _any_of(_required(list(branch)) for branch in av[1])
        else:
            found = None
        if found:
            options.append(found)
    close()
    return max(options, key=_strength, default=None)


def _repeats(c: Any) -> tuple[Any, ...]:
    return tuple(getattr(c, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
                 if hasattr(c, name))


def _any_of(requirements: Iterable[Literals | None]) -> Literals | None:
    """An alternation needs one of its branches' literals; a branch without any spoils it."""
    union: list[str] = []
    for found in requirements:
        if not found:
            return None
        union.extend(found)
    return tuple(dict.fromkeys(union)) or None


def _strength(literals: Literals) -> tuple[int, int]:
    """Prefer the requirement whose shortest string is longest, then the fewest strings."""
    return min(map(len, literals)), -len(literals)


class LiteralScreen:
    """Which of a list of cues could match a text, from the literals each cue needs.

    A substring test on the case-folded text decides whether a cue's regex runs: most cues
    never get that far. Exact for phrases (their words are matched literally, ignoring case,
    and strings equal ignoring case are equal after casefold); for patterns, as exact as the
    parser's reading (see the module's docstring). Cues without literals always run.
    (An index of the post's words was tried instead: slower, since ~130 substring tests run
    in C.) Shared by promotion and voice cues.
    """

    def __init__(self, literals: list[Literals | None]):
        self.literals = tuple(literals)

    def candidates(self, text: str) -> list[int]:
        """Indices of the cues to run on `text`, in order."""
        folded = text.casefold()
        return [i for i, needs in enumerate(self.literals)
                if needs is None or any(s in folded for s in needs)]
