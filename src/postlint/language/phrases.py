"""Phrases written in the lexicon entry syntax, matched against a post's tokens.

Sensitive-topic and profanity word lists (rule type `lexicon`) and the judgement vocabulary
(`postlint.judgement`: targets, predicates, negations) are all written this way, so they
share one syntax and one matcher. An entry is a phrase of space-separated words, each
written as:

- `word`   matches the token or its lemma, ignoring case (`shooting` matches "Shootings");
- `Word`   an entry with a capital letter matches with exactly that case (`PiS` is the Polish
           party, `pis` is Spanish for pee; `Høyre` is a party, `høyre` means "right");
- `stem*`  matches any word starting with `stem` (`strzelanin*` matches strzelaniny,
           strzelaninie...): heavily inflected languages do not depend on lemma tables;
- `*`      (not first) matches any one word: `shoot * a dm`.

A hashtag matches an entry written together (`#SandyHook` matches `sandy hook`).

Matching is a dictionary lookup per token into an index of first words (an automaton over
tokens), built once per list and language per process, so the cost is independent of the
size of the list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterator

from .. import textspans
from . import normalise

Match = tuple[int, int, str]  # (start, end, entry as written in YAML)

MEMO_LIMIT = 200_000  # distinct tokens remembered per index (bounded memory on huge queues)
MIN_STEM = 3  # a shorter `stem*` would match half the dictionary


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a pattern: how a token must look to match it."""

    kind: str  # "ci" (lower or lemma), "form" (lower only), "cs" (exact text), "prefix", "any"
    value: str

    def accepts(self, text: str, lower: str, lemma: str) -> bool:
        if self.kind == "ci":
            return lower == self.value or lemma == self.value
        if self.kind == "form":
            return lower == self.value
        if self.kind == "cs":
            return text == self.value
        if self.kind == "prefix":
            return lower.startswith(self.value) or lemma.startswith(self.value)
        return text[:1].isalnum() or any(ch.isalnum() for ch in text)  # "any": a real word


@dataclass(frozen=True, slots=True)
class Pattern:
    entry: str  # as written in YAML, shown in messages as {term}
    words: tuple[Word, ...]


@dataclass
class Index:
    """First-word index of the patterns of one rule for one language. `tags`: also index
    the entries written together, for hashtags (lexicon rules do; judgement does not)."""

    by_word: dict[str, list[Pattern]] = field(default_factory=dict)  # ci and lemma keys
    by_text: dict[str, list[Pattern]] = field(default_factory=dict)  # case-sensitive keys
    by_stem: dict[str, list[Pattern]] = field(default_factory=dict)
    stem_lengths: tuple[int, ...] = ()
    hashtags: dict[str, str] = field(default_factory=dict)  # folded entry -> entry
    memo: dict[tuple[str, str], tuple[Pattern, ...]] = field(default_factory=dict)
    tags: bool = True

    def add(self, pattern: Pattern) -> None:
        first = pattern.words[0]
        table = {"ci": self.by_word, "form": self.by_word, "cs": self.by_text,
                 "prefix": self.by_stem}[first.kind]
        table.setdefault(first.value, []).append(pattern)
        if self.tags and all(w.kind in ("ci", "form", "cs") for w in pattern.words):
            folded = "".join(ch for w in pattern.words for ch in w.value if ch.isalnum())
            if len(folded) >= 4:
                key = folded if any(w.kind == "cs" for w in pattern.words) else folded.lower()
                self.hashtags.setdefault(key, pattern.entry)
        if first.kind == "prefix" and len(first.value) not in self.stem_lengths:
            self.stem_lengths = tuple(sorted({*self.stem_lengths, len(first.value)}))

    def hashtag(self, body: str) -> str | None:
        """The entry a hashtag spells out (`#SandyHook`, `#PrayForParis` for `prayfor*`)."""
        lower = body.lower()
        entry = self.hashtags.get(body) or self.hashtags.get(lower)
        if entry is not None:
            return entry
        for n in self.stem_lengths:
            for pattern in self.by_stem.get(lower[:n], ()):
                if len(pattern.words) == 1:
                    return pattern.entry
        return None

    def candidates(self, text: str, lower: str, lemma: str) -> tuple[Pattern, ...]:
        """Patterns that may start at this token, memoised: words repeat across posts, so
        most tokens cost one dictionary lookup per rule."""
        key = (text, lemma)
        found = self.memo.get(key)
        if found is None:
            found = tuple(self._candidates(text, lower, lemma))
            if len(self.memo) < MEMO_LIMIT:
                self.memo[key] = found
        return found

    def _candidates(self, text: str, lower: str, lemma: str) -> Iterator[Pattern]:
        yield from self.by_word.get(lower, ())
        if lemma != lower:
            yield from self.by_word.get(lemma, ())
        yield from self.by_text.get(text, ())
        for n in self.stem_lengths:
            if n > len(lower):
                break
            yield from self.by_stem.get(lower[:n], ())



class _LazyTable(dict):
    """A first-word table whose patterns are built the first time their word is looked up.

    A compiled vocabulary holds thousands of entries and a queue's words meet a few hundred
    of them: building every `Pattern` up front was most of the cost of starting a language.
    `get` is all `Index` asks of its tables."""

    def __init__(self, rows: dict[str, list[Any]], make: Any):
        super().__init__()
        self.rows, self.make = rows, make

    def get(self, key: str, default: Any = None) -> Any:
        found = dict.get(self, key)
        if found is None:
            rows = self.rows.pop(key, None)
            if rows is None:
                return default
            found = self[key] = [self.make(row) for row in rows]
        return found


def lazy_index(rows: list[Any], first: Any, make: Any) -> Index:
    """An Index (without hashtags) over `rows` that builds a row's Pattern with `make(row)`
    only when a token looks up its first word, `first(row)` = (kind, value)."""
    tables: dict[str, dict[str, list[Any]]] = {"word": {}, "text": {}, "stem": {}}
    lengths: set[int] = set()
    for row in rows:
        kind, value = first(row)
        name = "text" if kind == "cs" else "stem" if kind == "prefix" else "word"
        tables[name].setdefault(value, []).append(row)
        if kind == "prefix":
            lengths.add(len(value))
    return Index(by_word=_LazyTable(tables["word"], make), by_text=_LazyTable(tables["text"], make),
                 by_stem=_LazyTable(tables["stem"], make), stem_lengths=tuple(sorted(lengths)),
                 tags=False)


def entries(spec: Any) -> dict[str, list[str]]:
    """`terms`/`unless` as {lang: [entries]}; a list of maps (YAML anchors) is merged."""
    merged: dict[str, list[str]] = {}
    for part in spec if isinstance(spec, list) else [spec]:
        for lang, items in (part or {}).items():
            if isinstance(lang, bool):  # YAML 1.1 reads a bare `no:` as false
                raise ValueError("a language key was read as true/false: write `nb:` for "
                                 "Norwegian Bokmål (or quote it: \"no\":)")
            merged.setdefault(normalise(str(lang)), []).extend(str(i) for i in items or ())
    return merged


def check_entry(entry: str) -> None:
    pieces = entry.split()
    if not pieces:
        raise ValueError("an empty entry")
    if pieces[0] == "*":
        raise ValueError(f"entry {entry!r} starts with `*`; write a word first")
    for piece in pieces:
        if piece.endswith("*") and piece != "*" and len(piece.rstrip("*")) < MIN_STEM:
            raise ValueError(
                f"entry {entry!r}: a stem needs at least {MIN_STEM} letters before `*`")



@lru_cache(maxsize=65536)  # the same entry is split for a rule's index, its screen and more
def words(entry: str, lang: str, lemmas: bool = True) -> tuple[Word, ...]:
    """Split an entry the way the post's tokenizer splits text, so "don't" and "#tag" line up.

    Without `lemmas`, a word matches only that form: an exception such as "the bomb" must not
    also veto "the bombing" (whose lemma is "bomb").
    """
    from . import split

    words: list[Word] = []
    for piece in entry.split():
        if piece == "*":
            words.append(Word("any", "*"))
            continue
        stem = piece.endswith("*")
        body = piece.rstrip("*")
        if body.isalnum():
            toks = [body]  # most pieces: one plain word
        elif body[:1] in "'\u2019":  # "'t", "'ll": the ending of a contraction, as in "don't"
            toks = split("a" + body)[1:] or [body]
        else:
            toks = split(body) or [body]
        for i, tok in enumerate(toks):
            if stem and i == len(toks) - 1:
                words.append(Word("prefix", tok.lower()))
            elif tok != tok.lower():
                words.append(Word("cs", tok))
            else:
                words.append(Word("ci" if lemmas else "form", tok))
    return tuple(words)


def build_index(entries: list[str], lang: str, lemmas: bool = True) -> Index:
    index = Index()
    for entry in entries:
        index.add(Pattern(entry, words(entry, lang, lemmas)))
    return index


@lru_cache(maxsize=512)
def tokens(text: str, lang: str) -> tuple[tuple[str, str, str, int, int], ...]:
    """(text, lower, lemma, start, end) of every token; shared by all lexicon rules of a post."""
    from . import token_tuples

    return token_tuples(text, lang)


def find(index: Index, text: str, lang: str) -> list[Match]:
    """(start, end, entry) of every match, longest first where several start at one token."""
    toks = tokens(text, lang)
    found: list[Match] = []
    memo = index.memo
    for i, (tok_text, lower, lemma, start, _) in enumerate(toks):
        candidates = memo.get((tok_text, lemma))  # inlined: this loop is the hot path
        if candidates is None:
            candidates = index.candidates(tok_text, lower, lemma)
        if not candidates:
            continue
        best: Match | None = None
        for pattern in candidates:
            n = len(pattern.words)
            if i + n > len(toks):
                continue
            if all(w.accepts(*toks[i + k][:3]) for k, w in enumerate(pattern.words)):
                end = toks[i + n - 1][4]
                if best is None or end > best[1]:
                    best = (start, end, pattern.entry)
        if best is not None:
            found.append(best)
    if "#" in text and (index.hashtags or index.by_stem):
        for start, end in textspans.hashtags(text):
            entry = index.hashtag(text[start + 1:end])
            if entry is not None:
                found.append((start, end, entry))
    return found

