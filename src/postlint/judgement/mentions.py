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
    """One occurrence of a class: tokens [first, last) of the post, characters [start, end)."""

    cls: str  # "predicate.threat", "target.groups.migration", "cue.negation", "frame.object"
    first: int
    last: int
    start: int
    end: int
    entry: str

    @property
    def kind(self) -> str:
        """The class without its family: "threat", "groups.migration", "negation"."""
        return self.cls.split(".", 1)[1] if "." in self.cls else self.cls

    @property
    def family(self) -> str:
        return self.cls.split(".", 1)[0]


@dataclass
class Matcher:
    """Two indexes: what is said and about whom (`predicate.*`, `target.*`) matches lemmas
    too ("hates" is "hate"); function words and frames (`cue.*`, `frame.*`, `refer`) match
    the forms written, because a lemma table folds "these" into "this" and "those" into
    "that", which mean other things."""

    lemmas: Index
    forms: Index
    labels: dict[tuple[str, bool], tuple[str, ...]]  # (entry, by lemma) -> classes

    def find(self, toks: tuple[Token, ...]) -> list[Mention]:
        found: list[Mention] = []
        labels = self.labels
        for i, (text, lower, lemma, start, _) in enumerate(toks):
            for by_lemma, index in ((True, self.lemmas), (False, self.forms)):
                for pattern in index.candidates(text, lower, lemma):
                    n = len(pattern.words)
                    if i + n <= len(toks) and all(
                            w.accepts(*toks[i + k][:3]) for k, w in enumerate(pattern.words)):
                        end = toks[i + n - 1][4]
                        for cls in labels[pattern.entry, by_lemma]:
                            found.append(Mention(cls, i, i + n, start, end, pattern.entry))
            if text[0] == "@" and len(text) > 1:
                found.append(Mention("target.people", i, i + 1, start, toks[i][4], text))
        return found


def build(classes: dict[str, list[str]], lang: str) -> Matcher:
    indexes = {True: Index(), False: Index()}
    labels: dict[tuple[str, bool], list[str]] = {}
    for cls, entries in classes.items():
        by_lemma = cls.startswith(("predicate.", "target."))
        for entry in entries:
            key = (entry, by_lemma)
            if key not in labels:
                labels[key] = []
                indexes[by_lemma].add(Pattern(entry, words(entry, lang, lemmas=by_lemma)))
            if cls not in labels[key]:
                labels[key].append(cls)
    return Matcher(indexes[True], indexes[False], {k: tuple(c) for k, c in labels.items()})


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
