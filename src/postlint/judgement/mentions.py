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

from dataclasses import dataclass
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
    labels: dict[Pattern, tuple[str, ...]]  # pattern -> classes

    def find(self, toks: tuple[Token, ...]) -> list[Mention]:
        found: list[Mention] = []
        labels, size, index = self.labels, len(toks), self.index
        memo = index.memo
        for i, (text, lower, lemma, start, _) in enumerate(toks):
            candidates = memo.get((text, lemma))  # inlined: this loop is the hot path
            if candidates is None:
                candidates = index.candidates(text, lower, lemma)
            for pattern in candidates:
                ws = pattern.words
                if _matches(ws, toks, i, size, lower):
                    n = len(ws)
                    end = toks[i + n - 1][4]
                    for cls in labels[pattern]:
                        found.append(Mention.of(cls, i, i + n, start, end, pattern.entry))
            if text[0] == "@" and len(text) > 1:
                found.append(Mention.of("target.people", i, i + 1, start, toks[i][4], text))
        return found


def _matches(ws: tuple, toks: tuple[Token, ...], i: int, size: int, lower: str) -> bool:
    """Does the pattern starting at token i match? The index already matched its first word
    by the token's form, lemma, exact text or stem; only a `form` word found through the
    token's lemma needs a second look. The hot loop of the analysis: no generators."""
    n = len(ws)
    if i + n > size or (ws[0].kind == "form" and lower != ws[0].value):
        return False
    for k in range(1, n):
        t = toks[i + k]
        if not ws[k].accepts(t[0], t[1], t[2]):
            return False
    return True


def build(classes: dict[str, list[str]], lang: str) -> Matcher:
    index = Index()
    labels: dict[Pattern, list[str]] = {}
    for cls, entries in classes.items():
        by_lemma = cls.startswith(("predicate.", "target."))
        for entry in entries:
            pattern = Pattern(entry, words(entry, lang, lemmas=by_lemma))
            if pattern not in labels:
                labels[pattern] = []
                index.add(pattern)
            if cls not in labels[pattern]:
                labels[pattern].append(cls)
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
