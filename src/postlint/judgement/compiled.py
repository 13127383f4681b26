"""The judgement vocabulary of one language, compiled once and kept in the cache folder.

Building a language's matcher, screen and respeller from its YAML means splitting some
thousands of entries, looking up their inflected forms and indexing them: about 0.3 s a
language, paid again by every process (each worker of a queue). The result is plain data
(entries split into words, the screen's words and stems, the respeller's words), so it is
kept as JSON under a key of the vocabulary's content and postlint's version
(`cache.memo`), and a later run only turns that data back into objects. A cache that cannot
be read, or holds anything of another shape, is rebuilt: it is never trusted blindly.
"""

from __future__ import annotations

from typing import Any, Callable

from ..language.phrases import Pattern, Word, lazy_index, words
from . import screen as screens
from .mentions import Matcher, plain_words
from .screen import PairScreen

Data = dict[str, Any]
KINDS = frozenset({"ci", "form", "cs", "prefix", "any"})
# The shape of the data, in the cache key: a run of another shape's code (another checkout
# sharing the cache folder) writes under another key instead of rebuilding this one's.
FORMAT = "pairs-1"


def compile_language(classes: dict[str, list[str]], respellable: list[str], lang: str,
                     inflections: Any, zipf: Callable[[str], float]) -> Data:
    """Everything `restore` needs, as JSON-able data."""
    patterns: dict[tuple[str, bool], list[Any]] = {}
    for cls, entries in classes.items():
        by_lemma = cls.startswith(("predicate.", "target."))
        for entry in entries:
            item = patterns.get((entry, by_lemma))
            if item is None:
                split = [[w.kind, w.value] for w in words(entry, lang, lemmas=by_lemma)]
                item = patterns[entry, by_lemma] = [entry, split, []]
            if cls not in item[2]:
                item[2].append(cls)
    predicates = [e for cls, entries in classes.items() if cls.startswith("predicate.") for e in entries]
    plain, stems = plain_words(respellable, lang, inflections)
    return {
        "patterns": list(patterns.values()),
        "screen": screens.build(predicates, lang, zipf),
        "respell": {"words": sorted(plain), "stems": sorted(stems)},
    }


def valid(data: Any) -> bool:
    """Is this the shape `compile_language` writes? (Anything else is rebuilt.)"""
    try:
        ok = isinstance(data, dict) and all(
            isinstance(entry, str) and isinstance(classes, list)
            and all(isinstance(c, str) for c in classes)
            and isinstance(split, list) and split
            and all(isinstance(k, str) and k in KINDS and isinstance(v, str) for k, v in split)
            for entry, split, classes in data["patterns"])
        respell = data["respell"]
        ok = ok and screens.valid(data["screen"])
        return ok and all(isinstance(x, str) for key in ("words", "stems") for x in respell[key])
    except (KeyError, TypeError, ValueError):
        return False


def restore(data: Data) -> tuple[Matcher, Matcher, PairScreen, frozenset[str], frozenset[str]]:
    """(matcher of every class, matcher of the predicates, screen, respellable words,
    respellable stems) from compiled data."""
    labels: dict[int, tuple[str, ...]] = {}

    def make(row: list[Any]) -> Pattern:
        entry, split, classes = row
        pattern = Pattern(entry, tuple(Word(kind, value) for kind, value in split))
        labels[id(pattern)] = tuple(classes)
        return pattern

    def first(row: list[Any]) -> tuple[str, str]:
        return row[1][0][0], row[1][0][1]

    rows = data["patterns"]
    every = lazy_index(rows, first, make)  # Patterns are built when a post's word needs them
    preds = lazy_index([r for r in rows if any(c.startswith("predicate.") for c in r[2])], first, make)
    respell = data["respell"]
    return (Matcher(every, labels), Matcher(preds, labels, handles=False), screens.restore(data["screen"]),
            frozenset(respell["words"]), frozenset(respell["stems"]))
