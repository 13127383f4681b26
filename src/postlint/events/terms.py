"""Terms: which words make a news item, and whether a post touches them.

Extraction (once per feed item): the item's distinctive words are those that are not stop
words or headline words of its language and are either rare (wordfreq Zipf below `max_zipf`:
"hurricane" 4.1, "landfall" 3.1, but not "people" 6.3) or written as names mid-sentence
("Oslo", "Sandy"). A crisis word among them (storm, tiroteo, powódź, skyting) brings its whole
group from `rules/events/terms.yaml` in every language the brand posts in, so a Spanish post
about a "tormenta" touches an English item about a "storm". All word lists are data.

Matching (once per post that goes out while an event is live) reuses the language layer's
lemma tables: a post word matches a term when their lemmas agree in a brand language, so
"storms" and "hurricane's" match "storm" and "hurricane"; Polish, which has no lemma table,
compares light stems (`endings`). Words match whole words only: "storm" never matches "brainstorm". A hashtag
is split at its capitals (#StormOfDeals is storm + of + deals; #HurricaneSandy is hurricane +
sandy) and also compared whole (#sandy, and "hurricane sandy" as #hurricanesandy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterable, NamedTuple

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
    """Every `kind: event-terms` file, validated (file:line); lists of later files are added.
    Validated once per content of the files (see `memo`)."""
    from .memo import json_memo

    raw = json_memo("event-terms", [p for p, _ in files], lambda: _vocabulary_json(files))
    return Vocabulary({k: frozenset(v) for k, v in raw["stop"].items()},
                      {k: tuple(v) for k, v in raw["endings"].items()},
                      tuple({k: tuple(v) for k, v in g.items()} for g in raw["groups"]),
                      raw["max_zipf"], raw["min_length"])


def _vocabulary_json(files: list[tuple[Any, Any]]) -> dict[str, Any]:
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
    return {"stop": {k: sorted(v) for k, v in stop.items()},
            "endings": {k: sorted(v, key=lambda e: (-len(e), e)) for k, v in endings.items()},
            "groups": [{k: list(v) for k, v in g.items()} for g in groups],
            "max_zipf": max_zipf, "min_length": min_length}


def _lang(code: Any) -> str:
    from ..language import normalise

    return normalise(str(code))


def stem(word: str, lang: str, vocab: Vocabulary) -> str | None:
    """`word` without its longest listed ending (at least MIN_STEM letters kept), for languages
    that list endings; None for the others."""
    cut = vocab.endings.get(lang)
    if not cut:
        return None
    for size, endings in _by_length(cut):  # a few slices and set lookups, not a dozen endswith
        if len(word) - size >= MIN_STEM and word[-size:] in endings:
            return word[:-size]
    return word


@lru_cache(maxsize=None)
def _by_length(endings: tuple[str, ...]) -> tuple[tuple[int, frozenset[str]], ...]:
    sizes = sorted({len(e) for e in endings}, reverse=True)
    return tuple((size, frozenset(e for e in endings if len(e) == size)) for size in sizes)


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
# Posts are many and events few, so the work is done on the event's side: each term is
# expanded once into every surface form that can match it (the word, its lemma, and every form
# whose lemma either is, from the inverted lemma tables, in each brand language), and a post
# is only split into lower-case words and looked up. That is exactly "the post word's lemma is
# the term's lemma", without lemmatising every post (the lexicon screens do the same).

LETTERS = re.compile(r"[^\W\d_]+")


class Word(NamedTuple):
    start: int
    end: int
    lower: str
    stem: str | None  # "~pl:warszaw" in languages matched by stems, else None


class Tag(NamedTuple):
    start: int
    end: int
    body: str  # lower-case, without '#' and '_'
    parts: tuple[str, ...]  # lower-case CamelCase parts: #StormOfDeals -> storm, of, deals


def _stem_key(lower: str, lang: str, vocab: Vocabulary) -> str | None:
    cut = stem(lower, lang, vocab)
    return None if cut is None else f"~{lang}:{cut}"  # namespaced: never equal to a word


class PostWords:
    """A post's words (outside URLs, @mentions and hashtags) and hashtags, for matching.

    `screen` is the set of its lower-case words and hashtag parts, made with one C-level regex
    pass: most posts share no word with a live event and stop there. Only a post that might
    match gets its words with offsets (`words`); stems are computed only for Polish posts whose
    words did not already match.
    """

    def __init__(self, text: str, lang: str, vocab: Vocabulary):
        from .. import textspans

        self.text, self.lang, self.vocab = text, lang, vocab
        self.tags = [Tag(start, end, text[start + 1:end].lower().replace("_", ""),
                         tuple(p.lower() for p in CAMEL.findall(text[start + 1:end])))
                     for start, end in textspans.hashtags(text)]
        # every word of the text, URLs and mentions included: a screen may let a post through
        # that then does not match (the words of a URL), never the other way round
        screen = set(LETTERS.findall(text.lower()))
        for tag in self.tags:
            screen.update(tag.parts)
        self.screen = screen
        self._stems: set[str] | None = None
        self._heads: set[str] | None = None
        self._words: list[Word] | None = None

    @property
    def heads(self) -> set[str]:
        """First three letters of every word: what stem terms (`burz*`) are screened with."""
        if self._heads is None:
            self._heads = {w[:3] for w in self.screen}
        return self._heads

    @property
    def stems(self) -> set[str]:
        """Stem keys of the screen's words, in languages matched by stems (else empty)."""
        if self._stems is None:
            self._stems = set()
            if self.vocab.endings.get(self.lang):
                self._stems = {k for k in (_stem_key(w, self.lang, self.vocab) for w in self.screen) if k}
        return self._stems

    @property
    def words(self) -> list[Word]:
        """Words with offsets, outside URLs, @mentions and hashtags (tags are matched apart)."""
        if self._words is None:
            from .. import textspans

            masked = self.text
            for start, end in (*textspans.urls(self.text), *textspans.mentions(self.text),
                               *textspans.hashtags(self.text)):
                masked = masked[:start] + " " * (end - start) + masked[end:]  # offsets stay the same
            stems = bool(self.vocab.endings.get(self.lang))
            self._words = [Word(m.start(), m.end(), lower,
                                _stem_key(lower, self.lang, self.vocab) if stems else None)
                           for m in LETTERS.finditer(masked) for lower in (m.group().lower(),)]
        return self._words


def post_words(text: str, lang: str, vocab: Vocabulary) -> PostWords:
    return PostWords(text, lang, vocab)


def surface_forms(word: str, langs: tuple[str, ...], vocab: Vocabulary) -> frozenset[str]:
    """Every lower-case form of a post word that matches `word` in one of `langs`: the word,
    its lemmas, the forms whose lemma is one of those, and its stem keys."""
    from ..language import inflections

    keys = {word, *(lemma(word, lang) for lang in langs)}
    forms = set(keys)
    for lang in langs:
        for key in keys:
            forms.update(inflections(key, lang))
        cut = _stem_key(word, lang, vocab)
        if cut is not None:
            forms.add(cut)
    return frozenset(forms)


class Matcher:
    """The terms of one event, compiled into the forms a post's words are looked up in."""

    def __init__(self, terms: Iterable[str], langs: tuple[str, ...], vocab: Vocabulary):
        self.words: dict[str, str] = {}  # surface form or stem key -> term
        self.stems: list[tuple[str, str]] = []  # (prefix, term) for `burz*`
        self.heads: set[str] = set()  # first 3 letters of every stem: most words skip the loop
        self.phrases: list[tuple[tuple[frozenset[str], ...], str]] = []
        self.tags: dict[str, str] = {}  # whole hashtag body -> term
        self.keys: frozenset[str] = frozenset()  # every form a matching post must contain
        for term in dict.fromkeys(t.strip().lower() for t in terms if t.strip()):
            if term.startswith("#"):
                body = term[1:].replace("_", "")
                self.tags[body] = term
                self.words.setdefault(body, term)
            elif term.endswith("*") and " " not in term:
                self.stems.append((term[:-1], term))
                self.heads.add(term[:3])
            elif " " in term:
                self.phrases.append((tuple(surface_forms(w, langs, vocab) for w in term.split()), term))
                self.tags.setdefault(term.replace(" ", ""), term)
            else:
                for form in surface_forms(term, langs, vocab):
                    self.words.setdefault(form, term)
                self.tags.setdefault(term, term)
        self.keys = frozenset([*self.words, *self.tags, *(f for parts, _ in self.phrases for f in parts[0])])

    def might_match(self, post: PostWords) -> bool:
        """False when the post cannot touch any term (exact: every match needs one of these)."""
        if not self.keys.isdisjoint(post.screen):
            return True
        if self.heads and not self.heads.isdisjoint(post.heads):
            return True
        return bool(post.stems) and not self.keys.isdisjoint(post.stems)

    def _word(self, lower: str, stem_key: str | None) -> str | None:
        term = self.words.get(lower) or (self.words.get(stem_key) if stem_key else None)
        if term is None and lower[:3] in self.heads:
            term = next((t for prefix, t in self.stems if lower.startswith(prefix)), None)
        return term

    def find(self, post: PostWords) -> list[tuple[int, int, str]]:
        """(start, end, term) of every place the post touches a term, in text order."""
        if not self.might_match(post):
            return []
        words, tags = post.words, post.tags
        found = []
        for i, word in enumerate(words):
            term = self._word(word.lower, word.stem)
            if term is not None:
                found.append((word.start, word.end, term))
                continue
            for parts, phrase in self.phrases:
                span = words[i:i + len(parts)]
                if len(span) == len(parts) and all(w.lower in keys for w, keys in zip(span, parts)):
                    found.append((word.start, span[-1].end, phrase))
                    break
        for tag in tags:
            term = self.tags.get(tag.body) or self._word(tag.body, None)
            for part in tag.parts:
                if term is not None:
                    break
                term = self.words.get(part)
            if term is not None:
                found.append((tag.start, tag.end, term))
        return sorted(found)
