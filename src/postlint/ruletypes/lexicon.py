"""Lexicon rules: words and phrases of a topic, per language, with benign exceptions.

Every sensitive-topic and profanity rule is this one type; the words live in YAML. An entry is
a phrase of space-separated words, each written as:

- `word`   matches the token or its lemma, ignoring case (`shooting` matches "Shootings");
- `Word`   an entry with a capital letter matches with exactly that case (`PiS` is the Polish
           party, `pis` is Spanish for pee; `Høyre` is a party, `høyre` means "right");
- `stem*`  matches any word starting with `stem` (`strzelanin*` matches strzelaniny,
           strzelaninie...): heavily inflected languages do not depend on lemma tables;
- `*`      (not first) matches any one word: `shoot * a dm`.

A hashtag matches an entry written together (`#SandyHook` matches `sandy hook`), because
hashtags are where disasters and campaigns are named.

`unless` entries use the same syntax, but a word matches only the form written (no lemma:
"the bomb" must not veto "the bombing"); a match that overlaps an `unless` match is dropped
("Shoot us a DM", "dead tired"). The post's language's terms apply, plus the terms of the
`also` languages (default English), because brands mix English into every language; the
post's language's `unless` list can veto an English term that is a normal local word (`fag`
means "subject" in Norwegian).

`match: masked` finds disguised spellings of the terms (f*ck, sh!t, a$$hole, b1tch) instead of
the plain words. `requires: promotion` only reports when the post also carries a promotional
cue (`postlint.promotion.promo_cues`): a tragedy used to sell.

Matching is a dictionary lookup per token into an index of first words (an automaton over
tokens), built once per rule and language per process, so the cost is independent of the size
of the lexicon. Before that, a screen per rule and language (the words, stems and hashtag
starts a matching text must contain, see `_screen`) skips posts no entry can match; the
screens of all lexicon rules are merged into one index and asked together, once per
whitespace-separated chunk of text (`Screens`), so most posts are never tokenised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator

from .. import textspans
from ..language import normalise, resolve
from .. import yamlfile as y
from ..model import Finding, Post

TERMS = y.one_of(y.map_of(y.list_of(y.STR)), y.list_of(y.map_of(y.list_of(y.STR))))
OPTIONS = {
    "terms": TERMS,
    "unless": TERMS,
    "also": y.list_of(y.STR),
    "match": y.choice("words", "masked"),
    "requires": y.choice("promotion"),
}

Match = tuple[int, int, str]  # (start, end, entry as written in YAML)

MEMO_LIMIT = 200_000  # distinct tokens remembered per index (bounded memory on huge queues)
MIN_STEM = 3  # a shorter `stem*` would match half the dictionary
LEET = {"a": "4@", "e": "3", "i": "1!", "o": "0", "s": "5$", "t": "7", "l": "1", "g": "9", "u": "v"}
MASKS = "*#%?"
MASK_CHARS = set(MASKS) | set("@$!")


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
        return any(ch.isalnum() for ch in text)  # "any": one real word, not punctuation


@dataclass(frozen=True, slots=True)
class Pattern:
    entry: str  # as written in YAML, shown in messages as {term}
    words: tuple[Word, ...]


@dataclass
class Index:
    """First-word index of the patterns of one rule for one language."""

    by_word: dict[str, list[Pattern]] = field(default_factory=dict)  # ci and lemma keys
    by_text: dict[str, list[Pattern]] = field(default_factory=dict)  # case-sensitive keys
    by_stem: dict[str, list[Pattern]] = field(default_factory=dict)
    stem_lengths: tuple[int, ...] = ()
    hashtags: dict[str, str] = field(default_factory=dict)  # folded entry -> entry
    memo: dict[tuple[str, str], tuple[Pattern, ...]] = field(default_factory=dict)

    def add(self, pattern: Pattern) -> None:
        first = pattern.words[0]
        table = {"ci": self.by_word, "form": self.by_word, "cs": self.by_text,
                 "prefix": self.by_stem}[first.kind]
        table.setdefault(first.value, []).append(pattern)
        if all(w.kind in ("ci", "form", "cs") for w in pattern.words):
            folded = "".join(ch for w in pattern.words for ch in w.value if ch.isalnum())
            if len(folded) >= 4:
                key = folded if any(w.kind == "cs" for w in pattern.words) else folded.lower()
                self.hashtags.setdefault(key, pattern.entry)
        self.stem_lengths = tuple(sorted({len(s) for s in self.by_stem}))

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


# --- loading (cheap, at rule-load time) ---------------------------------------------------


def _entries(spec: Any) -> dict[str, list[str]]:
    """`terms`/`unless` as {lang: [entries]}; a list of maps (YAML anchors) is merged."""
    merged: dict[str, list[str]] = {}
    for part in spec if isinstance(spec, list) else [spec]:
        for lang, items in (part or {}).items():
            if isinstance(lang, bool):  # YAML 1.1 reads a bare `no:` as false
                raise ValueError("a language key was read as true/false: write `nb:` for "
                                 "Norwegian Bokmål (or quote it: \"no\":)")
            merged.setdefault(normalise(str(lang)), []).extend(str(i) for i in items or ())
    return merged


def _check_entry(entry: str) -> None:
    pieces = entry.split()
    if not pieces:
        raise ValueError("an empty entry")
    if pieces[0] == "*":
        raise ValueError(f"entry {entry!r} starts with `*`; write a word first")
    for piece in pieces:
        if piece.endswith("*") and piece != "*" and len(piece.rstrip("*")) < MIN_STEM:
            raise ValueError(
                f"entry {entry!r}: a stem needs at least {MIN_STEM} letters before `*`")


def prepare(options: dict[str, Any]) -> dict[str, Any]:
    """Check the entries (cheap: no spaCy) so a typo fails at load with the rule's line."""
    if not options.get("terms"):
        raise ValueError("a lexicon rule needs `terms` (a mapping of language code to entries)")
    terms, unless = _entries(options["terms"]), _entries(options.get("unless") or {})
    for lang in (*terms, *unless):
        if not (2 <= len(lang) <= 3 and lang.isalpha() and lang.islower()):
            raise ValueError(f"{lang!r} is not a language code (en, es, pl, nb...)")
    for entry in (e for entries in (*terms.values(), *unless.values()) for e in entries):
        _check_entry(entry)
    return {**options, "terms": terms, "unless": unless, "also": tuple(options.get("also", ["en"]))}


# --- matching (built once per rule and language per process) ------------------------------


def _words(entry: str, lang: str, lemmas: bool = True) -> tuple[Word, ...]:
    """Split an entry the way the post's tokenizer splits text, so "don't" and "#tag" line up.

    Without `lemmas`, a word matches only that form: an exception such as "the bomb" must not
    also veto "the bombing" (whose lemma is "bomb").
    """
    from ..language import tokenize

    words: list[Word] = []
    for piece in entry.split():
        if piece == "*":
            words.append(Word("any", "*"))
            continue
        stem = piece.endswith("*")
        body = piece.rstrip("*")
        toks = [t.text for t in tokenize(body, lang)] or [body]
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
        index.add(Pattern(entry, _words(entry, lang, lemmas)))
    return index


@lru_cache(maxsize=512)
def _tokens(text: str, lang: str) -> tuple[tuple[str, str, str, int, int], ...]:
    """(text, lower, lemma, start, end) of every token; shared by all lexicon rules of a post."""
    from ..language import tokenize

    return tuple((t.text, t.lower, t.lemma, t.start, t.end) for t in tokenize(text, lang))


def find(index: Index, text: str, lang: str) -> list[Match]:
    """(start, end, entry) of every match, longest first where several start at one token."""
    tokens = _tokens(text, lang)
    found: list[Match] = []
    memo = index.memo
    for i, (tok_text, lower, lemma, start, _) in enumerate(tokens):
        candidates = memo.get((tok_text, lemma))  # inlined: this loop is the hot path
        if candidates is None:
            candidates = index.candidates(tok_text, lower, lemma)
        if not candidates:
            continue
        best: Match | None = None
        for pattern in candidates:
            n = len(pattern.words)
            if i + n > len(tokens):
                continue
            if all(w.accepts(*tokens[i + k][:3]) for k, w in enumerate(pattern.words)):
                end = tokens[i + n - 1][4]
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


@dataclass(frozen=True)
class Masked:
    """Disguised spellings of a lexicon's words, and the plain words themselves (not reported)."""

    regex: Any
    words: frozenset[str]
    stems: tuple[str, ...]

    def is_plain(self, word: str) -> bool:
        lower = word.lower()
        return lower in self.words or lower.startswith(self.stems)


def _masked_regex(entries: list[str]) -> Masked | None:
    """One regex for disguised spellings: each letter may be a look-alike or a mask symbol."""
    import regex

    alternatives, words, stems = [], set(), []
    for entry in sorted({e.lower() for e in entries}, key=len, reverse=True):
        word = entry.rstrip("*")
        if len(word) < 3 or not word.isalpha():
            continue  # phrases and short words: too many innocent look-alikes
        (stems.append(word) if entry.endswith("*") else words.add(word))
        parts = []
        for i, ch in enumerate(word):
            chars = ch + LEET.get(ch, "") + ("" if i == 0 else MASKS)
            parts.append("[" + regex.escape(chars) + "]")
        if entry.endswith("*"):
            parts.append(r"\w*")  # a stem: any ending (k*rwa for kurw*)
        alternatives.append("".join(parts))
    if not alternatives:
        return None
    pattern = r"(?<![\w@#$*!])(?:" + "|".join(alternatives) + r")(?![\w*#%?$!@])"
    return Masked(regex.compile(pattern, regex.IGNORECASE), frozenset(words), tuple(stems))


def find_masked(masked: Masked | None, text: str) -> list[Match]:
    """Disguised spellings only: the plain word is the swearing rule's job."""
    if masked is None:
        return []
    found = []
    try:
        for m in masked.regex.finditer(text, timeout=0.5):
            word = m.group()
            letters = sum(ch.isalpha() for ch in word)
            symbols = sum(ch in MASK_CHARS for ch in word)
            digits = sum(ch.isdigit() for ch in word)
            if word.isalpha():
                if not masked.is_plain(word):
                    found.append((m.start(), m.end(), word))  # fvck
            elif symbols or (digits and letters >= 2):
                found.append((m.start(), m.end(), word))  # f*ck, sh!t, b1tch; not "A55"
    except TimeoutError:
        return found
    return found


@dataclass(frozen=True)
class Screen:
    r"""What a text must contain for one rule's entries of one language to match it: a word
    (a whole `\w+` run, case-folded), a word beginning with a stem, a hashtag beginning with
    an entry written together, or a match of `other` (the rest, see `_screen`)."""

    words: frozenset[str]
    stems: frozenset[str]
    tags: frozenset[str]
    other: Any = None  # re.Pattern or None

    def search(self, text: str) -> bool:
        """The definition, on a whole text; `Screens` answers the same from its indexes."""
        folded = text.casefold()
        if any(w in self.words or w.startswith(tuple(self.stems)) for w in WORD.findall(folded)):
            return True
        if any(body.startswith(tuple(self.tags)) for body in TAG_BODY.findall(folded)):
            return True
        return self.other is not None and self.other.search(text) is not None


def _screen(entries: list[str], lang: str, post_langs: Iterable[str],
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
    import re

    from .. import language

    exact, prefixes, short, folded = set(), set(), set(), set()
    langs = tuple(dict.fromkeys(post_langs))
    for entry in entries:
        words = [w for w in _words(entry, lang) if w.kind != "any" and WORD.fullmatch(w.value)
                 and (len(w.value) >= 3 or len(w.value) == 2 and w.value.isalpha())]
        if words:
            choices = [_forms(w, langs, language) for w in words]
            forms, stems = min(choices, key=lambda c: (_mass(c, zipf), -min(map(len, c[0] | c[1]))))
            exact |= forms
            prefixes |= stems
        else:
            _loose(entry, prefixes, short)
        together = "".join(ch for ch in entry.lower().rstrip("*") if ch.isalnum())
        if len(together) >= 4:
            folded.add(together.casefold())
    plain_words = {f.casefold() for f in exact if WORD.fullmatch(f.casefold())}
    plain_stems = {p.casefold() for p in prefixes if WORD.fullmatch(p.casefold())}
    parts = []
    odd_forms = {f for f in exact if not WORD.fullmatch(f.casefold())}
    if odd_forms:
        parts.append(_trie_regex(odd_forms))
    odd_stems = {p for p in prefixes if not WORD.fullmatch(p.casefold())}
    if odd_stems:
        parts.append(r"(?<!\w)" + _trie_regex(odd_stems))
    if short:
        parts.append(r"(?<!\w)" + _trie_regex(short) + r"\w{0,3}(?!\w)")
    other = re.compile("|".join(parts), re.IGNORECASE) if parts else None
    return Screen(frozenset(plain_words), frozenset(plain_stems), frozenset(folded), other)


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


def _trie_regex(keys: set[str]) -> str:
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


def _build(rule: Any, kind: str, term_lang: str, post_langs: Iterable[str] = (),
           zipf: Callable[[str], float] = lambda word: 0.0) -> Any:
    """The index, screen or masked regex of one rule for the entries of one language, or None.
    A screen covers the lemmas of `post_langs` (default: the entries' own language)."""
    source = "unless" if kind == "unless" else "terms"
    entries = rule.options[source].get(term_lang, [])
    if not entries:
        return None
    if kind == "masked":
        return _masked_regex(entries)
    if kind == "screen":
        return _screen(entries, term_lang, post_langs or (term_lang,), zipf)
    # English entries are split with the English tokenizer; matching runs on the post's
    # tokens, and the tokenizers agree on words and punctuation.
    return build_index(entries, term_lang, lemmas=kind == "terms")


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
        self.post: Post | None = None  # the post `post_hits` answers (see `_hits`)
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


def _screens(ctx: Any) -> Screens:
    return ctx.resource("lexicon:screens", Screens)


def _hits(post: Post, screens: Screens) -> frozenset[tuple[str, str, str]]:
    """The screens that fire in this post, computed once per post for every lexicon rule
    (again only if a rule registered a new screen in between, on the first posts). Kept on
    the Screens for the current post only, like `Context.memo` but without its overhead:
    a dozen rules ask for every post."""
    if screens.post is not post or screens.post_version != screens.version:
        screens.post, screens.post_version = post, screens.version
        screens.post_hits = screens.hits(post.text)
    return screens.post_hits


@dataclass(frozen=True)
class Plan:
    """What one rule runs on the posts of one language, built once: per term language the
    screen's key and the term language of the index (or the masked regex) it guards, and
    the languages of the `unless` indexes. Indexes are built when first needed (`_index`):
    a draft that no screen fires on never tokenises an entry."""

    terms: tuple[tuple[tuple[str, str, str], str], ...]
    masked: tuple[tuple[tuple[str, str, str], Masked], ...]
    unless: tuple[str, ...]


def _plan(rule: Any, ctx: Any, lang: str) -> Plan:
    key = f"lexicon:{rule.id}:{lang}"
    plan = ctx.cache.get(key)  # the hot path: a dictionary lookup, no closure
    if plan is None:
        plan = ctx.cache[key] = _build_plan(rule, lang, _screens(ctx), ctx)
    return plan


def _index(rule: Any, kind: str, lang: str, ctx: Any) -> Index:
    """The `terms` or `unless` index of a rule for one language, shared by every post language
    (with its memo of tokens seen)."""
    key = f"lexicon:{kind}:{rule.id}:{lang}"
    index = ctx.cache.get(key)
    if index is None:
        index = ctx.cache[key] = _build(rule, kind, lang)
    return index


def _build_plan(rule: Any, lang: str, screens: Screens, ctx: Any) -> Plan:
    """`lang`: the language of the posts this plan checks. A screen is shared by the posts of
    every language, so meeting a new post language rebuilds it to cover that one's lemmas."""
    langs = list(dict.fromkeys([lang, *rule.options["also"]]))
    unless = tuple(t for t in langs if rule.options["unless"].get(t))
    kind = "masked" if rule.options.get("match") == "masked" else "screen"
    guarded = []
    for t in langs:
        key = (rule.id, kind, t)
        if kind == "masked":
            masked = _build(rule, kind, t)
            if masked is None:
                continue
            if key not in screens.patterns:
                screens.add(key, masked.regex)
            guarded.append((key, masked))
            continue
        if not rule.options["terms"].get(t):
            continue
        covered = screens.langs.get(key)
        if covered is None or lang not in covered:
            # the brand's languages up front: one build (regex compiles are the cost) covers
            # every post of a mixed queue; a post in another language extends it
            covered = (covered or frozenset()) | {lang} | _brand_languages(ctx)
            screens.add(key, _build(rule, kind, t, sorted(covered), _zipf(t, ctx)), covered)
        guarded.append((key, t))
    if kind == "masked":
        return Plan((), tuple(guarded), unless)
    return Plan(tuple(guarded), (), unless)


def _brand_languages(ctx: Any) -> frozenset[str]:
    return frozenset(normalise(str(code)) for code in ctx.config.languages)


def _zipf(lang: str, ctx: Any) -> Callable[[str], float]:
    """Word frequency in `lang` (0 for every word of a language without a lexicon)."""
    from ..language import lexicon

    lex = lexicon(lang, ctx)
    return lex.zipf if lex is not None else (lambda word: 0.0)


def _overlaps(span: Match, others: list[Match]) -> bool:
    return any(s < span[1] and span[0] < e for s, e, _ in others)


def matches(post: Post, rule: Any, ctx: Any) -> list[Match]:
    """Non-overlapping (start, end, entry) matches of the rule in the post, exceptions removed."""
    text = post.text
    lang = resolve(post, ctx)
    plan = _plan(rule, ctx, lang)
    hits = _hits(post, _screens(ctx))
    if not hits:
        return []  # most posts: no entry of any lexicon rule can start anywhere in them
    found = [m for key, masked in plan.masked if key in hits for m in find_masked(masked, text)]
    for key, term_lang in plan.terms:
        if key in hits:  # else no entry can start anywhere: no tokenizing
            found += find(_index(rule, "terms", term_lang, ctx), text, lang)
    if not found:
        return []
    vetoes = [m for t in plan.unless for m in find(_index(rule, "unless", t, ctx), text, lang)]
    kept: list[Match] = []
    for m in sorted(found, key=lambda m: (m[0], -m[1])):
        if not _overlaps(m, vetoes) and not _overlaps(m, kept):
            kept.append(m)
    return kept


def check(post: Post, rule: Any, ctx: Any) -> Iterator[Finding]:
    found = matches(post, rule, ctx)
    if not found:
        return
    cue = ""
    if rule.options.get("requires") == "promotion":
        from ..promotion import promo_cues

        cues = promo_cues(post.text, resolve(post, ctx), ctx)
        if not cues:
            return
        cue = post.text[cues[0][0]:cues[0][1]]
        # One finding per post: the post as a whole is the problem, not each word of it.
        start, end, entry = found[0]
        terms = ", ".join(dict.fromkeys(post.text[s:e] for s, e, _ in found))
        yield rule.finding(post, (start, end), term=entry, cue=cue, terms=terms)
        return
    for start, end, entry in found:
        yield rule.finding(post, (start, end), term=entry)
