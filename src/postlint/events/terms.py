"""Terms: which words make a news item, and whether a post touches them.

Extraction (once per feed item): the item's distinctive words are those that are not stop
words or headline words of its language and are either rare (wordfreq Zipf below `max_zipf`:
"hurricane" 4.1, "landfall" 3.1, but not "people" 6.3) or written as names mid-sentence
("Oslo", "Sandy"). A crisis word among them (storm, tiroteo, powódź, skyting) brings its whole
group from `rules/events/terms.yaml` in every language the brand posts in, so a Spanish post
about a "tormenta" touches an English item about a "storm". All word lists are data.

Matching (once per post that goes out while an event is live) reuses the language layer:
`postlint.language.tokenize` gives each word its lemma in the post's language, so "storms" and
"hurricane's" match "storm" and "hurricane"; Polish, which has no lemma table, compares light
stems (`endings`). Words match whole words only: "storm" never matches "brainstorm". A hashtag
is split at its capitals (#StormOfDeals is storm + of + deals; #HurricaneSandy is hurricane +
sandy) and also compared whole (#sandy, and "hurricane sandy" as #hurricanesandy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from .. import yamlfile as y
from ..errors import UsageError

SCHEMA = {"kind": y.STR, "max_zipf": y.NUMBER, "min_length": y.INT,
          "stop_words": y.map_of(y.list_of(y.STR)), "endings": y.map_of(y.list_of(y.STR)),
          "crisis": y.list_of(y.map_of(y.list_of(y.STR)))}
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
CAMEL = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-Ž][a-zß-öø-ÿā-ž]+|[A-ZÀ-ÖØ-ÞĀ-Ž]+(?![a-zß-öø-ÿā-ž])|[a-zß-öø-ÿā-ž]+|\d+")
MIN_STEM = 4


@dataclass(frozen=True)
class Vocabulary:
    stop: dict[str, frozenset[str]] = field(default_factory=dict)
    endings: dict[str, tuple[str, ...]] = field(default_factory=dict)  # longest first
    groups: tuple[dict[str, tuple[str, ...]], ...] = ()
    max_zipf: float = 5.0
    min_length: int = 3


def load_vocabulary(files: list[tuple[Any, Any]]) -> Vocabulary:
    """Every `kind: event-terms` file, validated (file:line); lists of later files are added."""
    stop: dict[str, set[str]] = {}
    endings: dict[str, set[str]] = {}
    groups: list[dict[str, tuple[str, ...]]] = []
    max_zipf, min_length = 5.0, 3
    for path, _ in files:
        data, node = y.load(path)
        y.validate(node, SCHEMA, str(path))
        for lang, words in (data.get("stop_words") or {}).items():
            stop.setdefault(_lang(lang), set()).update(str(w).lower() for w in words)
        for lang, cut in (data.get("endings") or {}).items():
            endings.setdefault(_lang(lang), set()).update(str(e).lower() for e in cut)
        for i, group in enumerate(data.get("crisis") or []):
            for lang, words in group.items():
                for word in words:
                    if str(word).endswith("*") and len(str(word)) - 1 < 3:
                        raise UsageError(f"crisis[{i}].{lang}: stem {word!r} needs at least 3 letters",
                                         str(path), y.find_line(node, "crisis", i))
            groups.append({_lang(k): tuple(str(w).lower() for w in v) for k, v in group.items()})
        max_zipf = float(data.get("max_zipf", max_zipf))
        min_length = int(data.get("min_length", min_length))
    return Vocabulary({k: frozenset(v) for k, v in stop.items()},
                      {k: tuple(sorted(v, key=len, reverse=True)) for k, v in endings.items()},
                      tuple(groups), max_zipf, min_length)


def _lang(code: Any) -> str:
    from ..language import normalise

    return normalise(str(code))


def stem(word: str, lang: str, vocab: Vocabulary) -> str | None:
    """`word` without its longest listed ending (at least MIN_STEM letters kept), for languages
    that list endings; None for the others."""
    cut = vocab.endings.get(lang)
    if not cut:
        return None
    for ending in cut:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word


def lemma(word: str, lang: str) -> str:
    """The language layer's lemma of one lower-case word."""
    from ..language import tokenize

    tokens = tokenize(word, lang)
    return tokens[0].lemma if len(tokens) == 1 else word


def guess_language(text: str, candidates: Iterable[str], vocab: Vocabulary) -> str:
    """The candidate whose stop words the text uses most (titles are short; a feed that
    declares its language skips this); English when nothing tells."""
    words = [w.lower() for w in WORD.findall(text)]
    best, score = "en", 0
    for lang in dict.fromkeys(candidates):
        hits = sum(1 for w in words if w in vocab.stop.get(lang, ()))
        if hits > score:
            best, score = lang, hits
    return best


def _in_group(word: str, words: tuple[str, ...]) -> bool:
    return any(word.startswith(w[:-1]) if w.endswith("*") else word == w for w in words)


def crisis_groups(words: Iterable[str], lang: str, vocab: Vocabulary) -> list[int]:
    """Indexes of the crisis groups that any of `words` (lower-case) belongs to, in `lang`
    or English (headlines borrow English words)."""
    found = []
    forms = set()
    for word in words:
        forms.update((word, lemma(word, lang)))
    for i, group in enumerate(vocab.groups):
        listed = group.get(lang, ()) + (group.get("en", ()) if lang != "en" else ())
        if any(_in_group(form, listed) for form in forms):
            found.append(i)
    return found


def is_crisis(text: str, lang: str, vocab: Vocabulary) -> bool:
    """Does the text name a crisis? (`filter: crisis` keeps only such items.)"""
    return bool(crisis_groups((w.lower() for w in WORD.findall(text)), lang, vocab))


def extract(text: str, lang: str, brand_langs: tuple[str, ...], vocab: Vocabulary,
            zipf: Callable[[str], float]) -> tuple[str, ...]:
    """The distinctive words of an item's text, lower-case, plus its crisis groups in the
    brand's languages (stems keep their `*`)."""
    words = [m.group() for m in WORD.finditer(text)]
    long_words = [w for w in words if len(w) > 3]
    # English headlines Capitalise Every Word: then capitals say nothing about names (short
    # titles, and other languages' sentence-case titles, keep their names)
    title_case = len(long_words) >= 4 and sum(w[0].isupper() for w in long_words) / len(long_words) > 0.6
    stop = vocab.stop.get(lang, frozenset())
    terms: dict[str, None] = {}
    for i, word in enumerate(words):
        word = POSSESSIVE.sub("", word)
        lower = word.lower()
        if lower in stop or len(lower) < vocab.min_length and not (word.isupper() and len(word) >= 2):
            continue
        is_name = word.isupper() and len(word) >= 2 or (word[0].isupper() and i > 0 and not title_case)
        if is_name or zipf(lower) < vocab.max_zipf:
            terms[lower] = None
    for index in crisis_groups(terms, lang, vocab):
        group = vocab.groups[index]
        for code in (lang, *brand_langs):
            terms.update(dict.fromkeys(group.get(code, ())))
    return tuple(terms)


# --- matching ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """A word of a post with the forms it can be matched by."""

    start: int
    end: int
    forms: frozenset[str]
    lower: str


@dataclass(frozen=True)
class Tag:
    start: int
    end: int
    body: str  # lower-case, without '#'
    parts: tuple[frozenset[str], ...]  # forms of each CamelCase part


def _forms(lower: str, lemma_of: str, lang: str, vocab: Vocabulary) -> frozenset[str]:
    forms = {lower, lemma_of}
    cut = stem(lower, lang, vocab)
    if cut is not None:
        forms.add(f"~{lang}:{cut}")  # namespaced: a Polish stem must not equal an English word
    return frozenset(forms)


def post_words(text: str, lang: str, vocab: Vocabulary) -> tuple[list[Word], list[Tag]]:
    """The words (outside hashtags) and hashtags of a post, with their forms."""
    from .. import textspans
    from ..language import tokenize

    tags_at = textspans.hashtags(text)
    inside = {i for start, end in tags_at for i in range(start, end)}
    words = [Word(t.start, t.end, _forms(t.lower, t.lemma, lang, vocab), t.lower)
             for t in tokenize(text, lang) if t.text[:1].isalpha() and t.start not in inside]
    tags = []
    for start, end in tags_at:
        body = text[start + 1:end]
        parts = tuple(_forms(p.lower(), lemma(p.lower(), lang), lang, vocab) for p in CAMEL.findall(body))
        tags.append(Tag(start, end, body.lower().replace("_", ""), parts))
    return words, tags


class Matcher:
    """The terms of one event, compiled into the forms a post's words are compared with."""

    def __init__(self, terms: Iterable[str], langs: tuple[str, ...], vocab: Vocabulary):
        self.words: dict[str, str] = {}  # form -> term
        self.stems: list[tuple[str, str]] = []  # (prefix, term) for `burz*`
        self.phrases: list[tuple[tuple[frozenset[str], ...], str]] = []
        self.tags: dict[str, str] = {}  # whole hashtag body -> term
        for term in dict.fromkeys(t.strip().lower() for t in terms if t.strip()):
            if term.startswith("#"):
                body = term[1:].replace("_", "")
                self.tags[body] = term
                self.words.setdefault(body, term)
            elif term.endswith("*") and " " not in term:
                self.stems.append((term[:-1], term))
            elif " " in term:
                parts = tuple(self._keys(w, langs, vocab) for w in term.split())
                self.phrases.append((parts, term))
                self.tags.setdefault(term.replace(" ", ""), term)
            else:
                for key in self._keys(term, langs, vocab):
                    self.words.setdefault(key, term)
                self.tags.setdefault(term, term)

    @staticmethod
    def _keys(word: str, langs: tuple[str, ...], vocab: Vocabulary) -> frozenset[str]:
        keys = {word}
        for lang in langs:
            keys.add(lemma(word, lang))
            cut = stem(word, lang, vocab)
            if cut is not None:
                keys.add(f"~{lang}:{cut}")
        return frozenset(keys)

    def _word(self, word: Word) -> str | None:
        for form in word.forms:
            if form in self.words:
                return self.words[form]
        for prefix, term in self.stems:
            if word.lower.startswith(prefix):
                return term
        return None

    def find(self, words: list[Word], tags: list[Tag]) -> list[tuple[int, int, str]]:
        """(start, end, term) of every place the post touches a term, in text order."""
        found = []
        for i, word in enumerate(words):
            term = self._word(word)
            if term is not None:
                found.append((word.start, word.end, term))
                continue
            for parts, phrase in self.phrases:
                span = words[i:i + len(parts)]
                if len(span) == len(parts) and all(w.forms & keys for w, keys in zip(span, parts)):
                    found.append((word.start, span[-1].end, phrase))
                    break
        for tag in tags:
            term = self.tags.get(tag.body)
            if term is None:
                for part in tag.parts:
                    term = next((self.words[f] for f in part if f in self.words), None)
                    if term is not None:
                        break
            if term is None:
                lowered = Word(0, 0, frozenset(), tag.body)
                term = next((t for prefix, t in self.stems if lowered.lower.startswith(prefix)), None)
            if term is not None:
                found.append((tag.start, tag.end, term))
        return sorted(found)
