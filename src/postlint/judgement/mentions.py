"""Where the classes of the judgement vocabulary occur in a post's tokens.

One index per language holds the entries of every class (`Vocab.classes`); an entry listed
in several classes ("animals" is dehumanising next to a group and a frame next to a zoo)
is matched once and labelled with all of them. Unlike the lexicon rules, every match is
kept, overlaps included: a relation needs to see the predicate "should be shot" and the
modal "should" inside it.

One target needs no list: an @mention is a person (`target.people`). Capitalised words are
not taken for names: days, months and nationalities are capitalised too ("I hate Mondays").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..language.phrases import Index, Pattern, words
from .variants import Token


@dataclass(frozen=True, slots=True)
class Mention:
    """One occurrence of a class: tokens [first, last) of the post, characters [start, end).
    `family` is the class's first part ("predicate"), `kind` the rest ("threat")."""

    cls: str  # "predicate.threat", "target.groups.migration", "cue.negation", "frame.object"
    first: int
    last: int
    start: int
    end: int
    entry: str
    family: str = ""
    kind: str = ""

    @staticmethod
    def of(cls: str, first: int, last: int, start: int, end: int, entry: str) -> Mention:
        family, _, kind = cls.partition(".")
        return Mention(cls, first, last, start, end, entry, family, kind or cls)


@dataclass
class Matcher:
    """One index of every class. What is said and about whom (`predicate.*`, `target.*`)
    matches lemmas too ("hates" is "hate"); function words and frames (`cue.*`, `frame.*`,
    `refer`) match the forms written, because a lemma table folds "these" into "this" and
    "those" into "that", which mean other things. An entry in both kinds of class is two
    patterns, each labelled with its own classes."""

    index: Index
    labels: dict[int, tuple[str, ...]]  # id(pattern) -> classes (patterns live in `index`)
    # per first word (as `index.memo` keys it): (one-word patterns, longer patterns by their
    # second word, longer patterns whose second word is a stem or a wildcard). Common words
    # ("the", "no", "nie") start dozens of phrases; the second word rules most out at once.
    groups: dict[tuple[str, str], tuple] = field(default_factory=dict)
    # @mentions are people (`target.people`); a matcher of predicates alone, which decides
    # whether a post needs analysing at all, must not report them
    handles: bool = True

    def _group(self, text: str, lower: str, lemma: str) -> tuple:
        key = (text, lemma)
        found = self.groups.get(key)
        if found is None:
            singles, by_second, others = [], {}, []
            for pattern in self.index.candidates(text, lower, lemma):
                ws = pattern.words
                if ws[0].kind == "form" and lower != ws[0].value:
                    continue  # found through the lemma, but written as a form
                if len(ws) == 1:
                    singles.append(pattern)
                elif ws[1].kind in ("ci", "form", "cs"):
                    by_second.setdefault(ws[1].value.lower(), []).append(pattern)
                else:
                    others.append(pattern)
            found = (tuple(singles), by_second, tuple(others))
            if len(self.groups) >= 200_000:
                self.groups.clear()
            self.groups[key] = found
        return found

    def find(self, toks: tuple[Token, ...]) -> list[Mention]:
        found: list[Mention] = []
        labels, size, groups = self.labels, len(toks), self.groups
        for i, (text, lower, lemma, start, end) in enumerate(toks):
            group = groups.get((text, lemma)) or self._group(text, lower, lemma)
            singles, by_second, others = group
            for pattern in singles:
                for cls in labels[id(pattern)]:
                    found.append(Mention.of(cls, i, i + 1, start, end, pattern.entry))
            if by_second and i + 1 < size:
                nxt = toks[i + 1]
                tried = by_second.get(nxt[1], ())
                if nxt[2] != nxt[1]:
                    tried = (*tried, *by_second.get(nxt[2], ()))
                if nxt[0] != nxt[1]:
                    tried = (*tried, *by_second.get(nxt[0].lower(), ()))
                for pattern in dict.fromkeys(tried):
                    if _matches(pattern.words, toks, i, size):
                        n = len(pattern.words)
                        for cls in labels[id(pattern)]:
                            found.append(Mention.of(cls, i, i + n, start, toks[i + n - 1][4], pattern.entry))
            for pattern in others:
                if _matches(pattern.words, toks, i, size):
                    n = len(pattern.words)
                    for cls in labels[id(pattern)]:
                        found.append(Mention.of(cls, i, i + n, start, toks[i + n - 1][4], pattern.entry))
            if self.handles and text[0] == "@" and len(text) > 1:
                found.append(Mention.of("target.people", i, i + 1, start, end, text))
        return found


def _matches(ws: tuple, toks: tuple[Token, ...], i: int, size: int) -> bool:
    """Does a pattern whose first word matched token i match the next words? The hot loop
    of the analysis: no generators."""
    n = len(ws)
    if i + n > size:
        return False
    for k in range(1, n):
        t = toks[i + k]
        if not ws[k].accepts(t[0], t[1], t[2]):
            return False
    return True


def build(classes: dict[str, list[str]], lang: str) -> Matcher:
    index = Index(tags=False)
    labels: dict[int, list[str]] = {}  # id(pattern) -> classes
    patterns: dict[tuple[str, bool], Pattern] = {}
    for cls, entries in classes.items():
        by_lemma = cls.startswith(("predicate.", "target."))
        for entry in entries:
            pattern = patterns.get((entry, by_lemma))
            if pattern is None:
                pattern = patterns[entry, by_lemma] = Pattern(entry, words(entry, lang, lemmas=by_lemma))
                labels[id(pattern)] = []
                index.add(pattern)
            if cls not in labels[id(pattern)]:
                labels[id(pattern)].append(cls)
    return Matcher(index, {k: tuple(c) for k, c in labels.items()})


def plain_words(entries: list[str], lang: str, inflections: Any) -> tuple[set[str], set[str]]:
    """(words, stems) of single-word entries, with every inflected form of a lemma entry:
    what `variants.Respeller` may respell a token into."""
    found, stems = set(), set()
    for entry in entries:
        pieces = words(entry, lang)
        for w in pieces:
            if w.kind == "prefix" and len(w.value) >= 4:
                stems.add(w.value)
            elif w.kind in ("ci", "form", "cs") and w.value.isalpha():
                found.add(w.value.lower())
                if w.kind == "ci":
                    found |= inflections(w.value, lang)
    return found, stems
