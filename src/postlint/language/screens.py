"""Screens: what a text must contain for any entry of a word list to match it.

Most posts mention no sensitive word at all. A screen answers "nothing here" from a few
dictionary lookups per whitespace-separated chunk, before anything is tokenised; `Screens`
merges the screens of every word list (lexicon rules, the judgement vocabulary) into one
index and memoises the answer per chunk, since a queue repeats its words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from .phrases import MEMO_LIMIT, Word, words as entry_words

@dataclass(frozen=True)
class Screen:
    r"""What a text must contain for one rule's entries of one language to match it: a word
    (a whole `\w+` run, case-folded), a word beginning with a stem, a hashtag beginning with
    an entry written together, or a match of `other` (the rest, see `_screen`)."""

    words: frozenset[str]
    stems: frozenset[str]
    tags: frozenset[str]
    other: Any = None  # re.Pattern or None

    @property
    def stem_tuple(self) -> tuple[str, ...]:
        """The stems as a tuple, for `str.startswith` (built once)."""
        found = self.__dict__.get("_stem_tuple")
        if found is None:
            found = tuple(self.stems)
            object.__setattr__(self, "_stem_tuple", found)
        return found

    def search(self, text: str) -> bool:
        """The definition, on a whole text; `Screens` answers the same from its indexes."""
        folded = text.casefold()
        if any(w in self.words or w.startswith(tuple(self.stems)) for w in WORD.findall(folded)):
            return True
        if any(body.startswith(tuple(self.tags)) for body in TAG_BODY.findall(folded)):
            return True
        return self.other is not None and self.other.search(text) is not None


def build_screen(entries: list[str], lang: str, post_langs: Iterable[str],
            zipf: Callable[[str], float] = lambda word: 0.0) -> Screen:
    r"""What every text where an entry *could* match contains, built without spaCy.

    Most posts mention no sensitive word at all; for them the screen (asked once per
    whitespace chunk, see `Screens`) answers "nothing here" before anything is tokenised.
    It must never miss a match, and the tighter it is the fewer posts are tokenised. So each
    entry contributes its rarest word (by `zipf` frequency) in exactly the forms a token can
    take to match it: the word, and every form whose lemma it is in the languages of the posts
    (`post_langs`: killed/kills for kill, mató for matar), or for a `stem*` the stem plus the
    forms whose lemma starts with it. Tokens are whole `\w+` runs, so a form is a word to look
    up, not a pattern to search. Hashtags get the entry written together. Entries without such
    a word of two letters or more (R.I.P., 9/11, emoji) fall back to a loose prefix of their
    longest piece (a one-letter word or a number would fire in every URL), and forms with
    other characters ('s) to a case-insensitive substring: both go into `other`, a regex
    built from escaped literals as a trie, so the standard `re` cannot backtrack.
    """
    exact, prefixes, short, folded = set(), set(), set(), set()
    langs = tuple(dict.fromkeys(post_langs))
    for entry in entries:
        choices = entry_choices(entry, lang, langs, zipf)
        if choices:
            forms, stems = choices[0]
            exact |= forms
            prefixes |= stems
        else:
            _loose(entry, prefixes, short)
        together = "".join(ch for ch in entry.lower().rstrip("*") if ch.isalnum())
        if len(together) >= 4:
            folded.add(together.casefold())
    plain_words = {f.casefold() for f in exact if plain(f)}
    plain_stems = {p.casefold() for p in prefixes if plain(p)}
    source = other_source({f for f in exact if not plain(f)}, {p for p in prefixes if not plain(p)},
                          short)
    other = re.compile(source, re.IGNORECASE) if source is not None else None
    return Screen(frozenset(plain_words), frozenset(plain_stems), frozenset(folded), other)


def entry_choices(entry: str, lang: str, langs: tuple[str, ...],
                  zipf: Callable[[str], float]) -> list[tuple[set[str], set[str]]]:
    """(forms, stems) of each screenable word of an entry (plain words of two letters or
    more, not `*`), rarest first (by `_mass`, then longest): a screen needs the first; a
    stricter one (the judgement's, `judgement.screen`) the first two. Empty: no such word
    (R.I.P., 9/11, emoji), see `_loose`."""
    from .. import language

    words = [w for w in entry_words(entry, lang) if w.kind != "any" and WORD.fullmatch(w.value)
             and (len(w.value) >= 3 or len(w.value) == 2 and w.value.isalpha())]
    choices = [_forms(w, langs, language) for w in words]
    return sorted(choices, key=lambda c: (_mass(c, zipf), -min(map(len, c[0] | c[1]))))


def plain(form: str) -> bool:
    r"""A form or stem a chunk's `\w+` runs can be looked up for (else `other_source`)."""
    return WORD.fullmatch(form.casefold()) is not None


def other_source(odd_forms: set[str], odd_stems: set[str], short: set[str]) -> str | None:
    """The regex (case-insensitive) for what dictionary lookups cannot screen: forms with
    other characters ('s) as substrings, odd stems and `_loose` pieces at a word's start."""
    parts = []
    if odd_forms:
        parts.append(trie_regex(odd_forms))
    if odd_stems:
        parts.append(r"(?<!\w)" + trie_regex(odd_stems))
    if short:
        parts.append(r"(?<!\w)" + trie_regex(short) + r"\w{0,3}(?!\w)")
    return "|".join(parts) if parts else None


WORD = re.compile(r"\w+")  # a token of `language.tokenize` that is a plain word
TAG_BODY = re.compile(r"#(\w+)")


def _forms(word: Word, langs: tuple[str, ...], language: Any) -> tuple[set[str], set[str]]:
    """(exact lower-case forms, prefixes) of the tokens `word` accepts in posts of `langs`."""
    value = word.value.lower()
    if word.kind == "ci":
        return {value}.union(*(language.inflections(value, p) for p in langs)), set()
    if word.kind == "prefix":
        forms = set().union(*(language.inflections_of_stem(value, p) for p in langs))
        return {f for f in forms if not f.startswith(value)}, {value}
    return {value}, set()  # "form" and "cs" (the screen ignores case; the index does not)


def _mass(choice: tuple[set[str], set[str]], zipf: Callable[[str], float]) -> float:
    """How often a screen on these forms would fire: the summed frequency of the forms (a
    stem counts as at least a fairly common word, since any ending matches)."""
    forms, stems = choice
    return sum(10 ** zipf(f) for f in forms) + sum(10 ** max(zipf(s), 4.0) for s in stems)


def _loose(entry: str, prefixes: set[str], short: set[str]) -> None:
    """The fallback screen of an entry without a plain word: a stem as written, a long piece
    minus two letters, a short one with up to three more letters."""
    pieces = [p for p in entry.lower().split() if p != "*"]
    stems = [p.rstrip("*") for p in pieces if p.endswith("*")]
    words = [p.lstrip("#") for p in pieces if not p.endswith("*")]
    best = max([*stems, *words], key=len)
    if best in stems:
        prefixes.add(best)
    elif len(best) >= 5:
        prefixes.add(best[:-2])
    elif best:
        short.add(best[:-1] if len(best) == 4 and best.endswith("e") else best)


def trie_regex(keys: set[str]) -> str:
    """An alternation of literal keys as a trie (`ab(?:c|d)`): linear in the text, not in
    the number of keys."""
    import re

    trie: dict[str, Any] = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        if "" in node and len(node) == 1:
            return ""
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return emit(trie)


class Screens:
    """Which screens (one per rule, term language and kind) fire somewhere in a text.

    All `Screen`s are merged into one index (word -> keys, stem -> keys, hashtag start ->
    keys), so a chunk of text costs a few dictionary lookups for all lexicon rules together,
    not a regex search per rule and language; only `other` parts and masked patterns are
    searched. Asked per whitespace-separated chunk and memoised per chunk: a queue repeats
    its words. Exact, not a heuristic: no screen or masked pattern can match across
    whitespace (entries are split on it), so "the screen fires on the text" and "it fires on
    one of its chunks" are the same.
    """

    def __init__(self) -> None:
        self.patterns: dict[tuple[str, str, str], Any] = {}  # a Screen or a masked regex
        self.langs: dict[tuple[str, str, str], frozenset[str]] = {}  # post languages covered
        self.memo: dict[str, frozenset[tuple[str, str, str]]] = {}
        self.version = 0
        self._index: tuple[Any, ...] | None = None  # built on first use after an `add`
        self.post: Any = None  # the post `post_hits` answers (see `_hits`)
        self.post_version = -1
        self.post_hits: frozenset[tuple[str, str, str]] = frozenset()

    def add(self, key: tuple[str, str, str], pattern: Any, langs: frozenset[str] = frozenset()) -> None:
        """Add (or replace) a screen; `langs`: the post languages whose lemmas it covers."""
        self.patterns[key] = pattern
        self.langs[key] = langs
        self.memo.clear()  # earlier answers did not ask the new pattern
        self._index = None
        self.version += 1

    def _build_index(self) -> tuple[Any, ...]:
        words: dict[str, set] = {}
        stems: dict[str, set] = {}
        tags: dict[str, set] = {}
        searched = []
        for key, screen in self.patterns.items():
            if not isinstance(screen, Screen):
                searched.append((key, screen))  # a masked regex
                continue
            for table, values in ((words, screen.words), (stems, screen.stems), (tags, screen.tags)):
                for value in values:
                    table.setdefault(value, set()).add(key)
            if screen.other is not None:
                searched.append((key, screen.other))
        freeze = lambda table: {k: frozenset(v) for k, v in table.items()}  # noqa: E731
        return (freeze(words), freeze(stems), sorted({len(s) for s in stems}),
                freeze(tags), sorted({len(t) for t in tags}), tuple(searched))

    def ask(self, chunk: str) -> frozenset[tuple[str, str, str]]:
        """The keys of the screens that fire on one chunk (no whitespace inside)."""
        if self._index is None:
            self._index = self._build_index()
        words, stems, stem_lengths, tags, tag_lengths, searched = self._index
        found: set[tuple[str, str, str]] = set()
        folded = chunk.casefold()
        for word in WORD.findall(folded):
            found.update(words.get(word, ()))
            for n in stem_lengths:
                if n > len(word):
                    break
                found.update(stems.get(word[:n], ()))
        if "#" in folded:
            for body in TAG_BODY.findall(folded):
                for n in tag_lengths:
                    if n > len(body):
                        break
                    found.update(tags.get(body[:n], ()))
        for key, pattern in searched:
            if key not in found and pattern.search(chunk) is not None:
                found.add(key)
        return frozenset(found)

    def hits(self, text: str) -> frozenset[tuple[str, str, str]]:
        memo, found = self.memo, frozenset()
        for chunk in text.split():
            hit = memo.get(chunk)
            if hit is None:
                hit = self.ask(chunk)
                if len(memo) >= MEMO_LIMIT:
                    memo.clear()
                memo[chunk] = hit
            if hit:
                found |= hit
        return found

