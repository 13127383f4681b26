"""Lexicon rules: words and phrases of a topic, per language, with benign exceptions.

Every sensitive-topic and profanity word-list rule is this one type; the words live in YAML,
in the entry syntax of `postlint.language.phrases` (`word`, `Word`, `stem*`, `*`).

`unless` entries use the same syntax, but a word matches only the form written (no lemma:
"the bomb" must not veto "the bombing"); a match that overlaps an `unless` match is dropped.
`unless` is for fixed expressions ("Shoot us a DM" is not; "culo de botella" is); a word
whose sense depends on what it is said about uses `context` instead: a term is dropped when
its clause also names a benign frame of the judgement vocabulary (`not_with: contest`: a
vote for a flavour is not politics), or kept only next to one (`only_with: drink`: "spike"
is drugging only next to a drink). The post's language's terms apply, plus the terms of the
`also` languages (default English), because brands mix English into every language; the
post's language's `unless` list can veto an English term that is a normal local word (`fag`
means "subject" in Norwegian).

`match: masked` finds disguised spellings of the terms (f*ck, sh!t, a$$hole, b1tch) instead of
the plain words. `requires: promotion` only reports when the post also carries a promotional
cue (`postlint.promotion.promo_cues`): a tragedy used to sell.

Before matching, a screen per rule and language (`postlint.language.screens`) skips posts no
entry can match; the screens of all lexicon rules are merged into one index and asked
together, once per whitespace-separated chunk of text, so most posts are never tokenised.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, Iterable, Iterator

from .. import yamlfile as y
from ..language import normalise, resolve
from ..language.phrases import Index, Match, build_index, check_entry, entries, find
from ..language.screens import Screens, build_screen
from ..model import Finding, Post

TERMS = y.one_of(y.map_of(y.list_of(y.STR)), y.list_of(y.map_of(y.list_of(y.STR))))
OPTIONS = {
    "terms": TERMS,
    "unless": TERMS,
    "also": y.list_of(y.STR),
    "match": y.choice("words", "masked"),
    "requires": y.choice("promotion"),
    "context": y.list_of(y.ANY),  # checked by `_contexts` (items, or lists of items via anchors)
}
FIELDS = frozenset({"term", "cue", "terms"})  # message placeholders besides {match}
CONTEXT = {"not_with": y.STR, "only_with": y.STR, "near": y.one_of(y.INT, y.choice("clause", "post")),
           "side": y.choice("before", "after", "either"), "terms": TERMS}


LEET = {"a": "4@", "e": "3", "i": "1!", "o": "0", "s": "5$", "t": "7", "l": "1", "g": "9", "u": "v"}
MASKS = "*#%?"
MASK_CHARS = set(MASKS) | set("@$!")


def prepare(options: dict[str, Any]) -> dict[str, Any]:
    """Check the entries (cheap: no spaCy) so a typo fails at load with the rule's line."""
    if not options.get("terms"):
        raise ValueError("a lexicon rule needs `terms` (a mapping of language code to entries)")
    terms, unless = entries(options["terms"]), entries(options.get("unless") or {})
    for lang in (*terms, *unless):
        if not (2 <= len(lang) <= 3 and lang.isalpha() and lang.islower()):
            raise ValueError(f"{lang!r} is not a language code (en, es, pl, nb...)")
    for entry in (e for entries in (*terms.values(), *unless.values()) for e in entries):
        check_entry(entry)
    contexts = _contexts(options.get("context") or [])
    for lang, items in _only_with_terms(contexts).items():
        terms.setdefault(lang, []).extend(e for e in items if e not in terms.get(lang, ()))
    return {**options, "terms": terms, "unless": unless, "also": tuple(options.get("also", ["en"])),
            "context": _by_entry(contexts)}


@dataclass(frozen=True)
class Context:
    """A frame of the judgement vocabulary that decides whether some terms are meant:
    `not_with` drops them when the frame is near ("vote" next to a flavour), `only_with`
    keeps them only then ("spike" next to a drink). `near`: tokens, or the whole clause
    (None) or post (-1). The frame `name` is built in: the term is written capitalised in
    the middle of a sentence ("Moby Dick", "Dick Smith")."""

    mode: str  # "not_with" | "only_with"
    frame: str
    near: int | None
    terms: dict[str, list[str]]
    side: str = "either"  # only frames "before" or "after" the term count


def _contexts(spec: list[Any]) -> list[Context]:
    items = [i for part in spec for i in (part if isinstance(part, list) else [part])]
    found = []
    for item in items:
        if not isinstance(item, dict) or ("not_with" in item) == ("only_with" in item):
            raise ValueError("each `context` item needs exactly one of `not_with` or `only_with` "
                             "(a frame of rules/judgement/*.yaml) and `terms`")
        unknown = set(item) - set(CONTEXT)
        if unknown:
            raise ValueError(f"unknown key {sorted(unknown)[0]!r} in `context` "
                             f"(expected {', '.join(CONTEXT)})")
        mode = "not_with" if "not_with" in item else "only_with"
        terms = entries(item.get("terms") or {})
        for entry in (e for items_ in terms.values() for e in items_):
            check_entry(entry)
        near = item.get("near", "clause")
        found.append(Context(mode, str(item[mode]), None if near == "clause" else -1 if near == "post"
                             else int(near), terms, str(item.get("side", "either"))))
    return found


def _only_with_terms(contexts: list[Context]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for c in contexts:
        if c.mode == "only_with":
            for lang, items in c.terms.items():
                merged.setdefault(lang, []).extend(items)
    return merged


def _by_entry(contexts: list[Context]) -> dict[str, tuple[Context, ...]]:
    by_entry: dict[str, list[Context]] = {}
    for c in contexts:
        for entry in (e for items in c.terms.values() for e in items):
            by_entry.setdefault(entry, []).append(c)
    return {e: tuple(cs) for e, cs in by_entry.items()}


def _meant(post: Post, match: Match, contexts: tuple[Context, ...], ctx: Any) -> bool:
    """Is the term meant in the sense the rule is about, given its frames?"""
    from ..judgement import frame_near

    for c in contexts:
        near = frame_near(post, (match[0], match[1]), c.frame, c.near, ctx, c.side)
        if near == (c.mode == "not_with"):
            return False
    return True



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

    alternatives, words, stems, shapes = [], set(), [], []
    for entry in sorted({e.lower() for e in entries}, key=len, reverse=True):
        word = entry.rstrip("*")
        if len(word) < 3 or not word.isalpha():
            continue  # phrases and short words: too many innocent look-alikes
        (stems.append(word) if entry.endswith("*") else words.add(word))
        parts, classes = [], []
        for i, ch in enumerate(word):
            chars = ch + LEET.get(ch, "") + ("" if i == 0 else MASKS)
            parts.append("[" + regex.escape(chars) + "]")
            classes.append(chars)
        if entry.endswith("*"):
            parts.append(r"\w*")  # a stem: any ending (k*rwa for kurw*)
        alternatives.append("".join(parts))
        shapes.append((tuple(classes), entry.endswith("*")))
    if not alternatives:
        return None
    pattern = r"(?<![\w@#$*!])(?:" + "|".join(alternatives) + r")(?![\w*#%?$!@])"
    return Masked(LazyMasked(pattern, shapes), frozenset(words), tuple(stems))


_ASCII_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_NO_START_AFTER = _ASCII_WORD | frozenset("@#$*!")  # the masked regex's lookbehind
_NO_END_BEFORE = _ASCII_WORD | frozenset("*#%?$!@")  # and its lookahead


class LazyMasked:
    """The masked regex of one lexicon, compiled only when a text could match it.

    Compiling it costs 30-50 ms per language (some hundred alternatives of character
    classes under IGNORECASE), a tenth of a one-draft run, and nearly no post has a word
    that starts like a disguised swear word. `may_match` answers that from the words'
    shapes in plain Python and never says no to a text the regex matches: where it cannot
    decide exactly (a character outside ASCII, whose case folding only the regex knows;
    what follows a stem) it says yes, and the regex decides. Screens call `search`, the
    rule calls `finditer`, as on the compiled pattern.
    """

    def __init__(self, pattern: str, shapes: list[tuple[tuple[str, ...], bool]]):
        self.pattern = pattern
        self._first: dict[str, list[tuple[tuple[frozenset[str] | None, ...], bool]]] = {}
        self._anywhere: list[tuple[tuple[frozenset[str] | None, ...], bool]] = []
        for classes, stem in shapes:
            # None: a class with a non-ASCII character matches any character (see above)
            shape = tuple(None if not c.isascii() else frozenset(c.lower()) for c in classes), stem
            if shape[0][0] is None:
                self._anywhere.append(shape)
            else:
                for ch in shape[0][0]:
                    self._first.setdefault(ch, []).append(shape)

    @cached_property
    def compiled(self) -> Any:
        import regex

        return regex.compile(self.pattern, regex.IGNORECASE)

    def may_match(self, text: str) -> bool:
        """False only when the regex cannot match anywhere in `text`."""
        n = len(text)
        for start, ch in enumerate(text):
            if start and text[start - 1] in _NO_START_AFTER:
                continue
            shapes = self._first.get(ch.lower(), ()) if ch.isascii() else \
                [s for bucket in self._first.values() for s in bucket]
            for classes, stem in (*shapes, *self._anywhere):
                end = start + len(classes)
                if end > n:
                    continue
                if all(c is None or not x.isascii() or x.lower() in c
                       for c, x in zip(classes, text[start:end])):
                    if stem or end == n or text[end] not in _NO_END_BEFORE:
                        return True
        return False

    def _needed(self, text: str) -> bool:
        """Once compiled (a queue soon has a text that needs it), the regex in C is faster
        than the Python screen: from then on every text goes straight to it."""
        return "compiled" in self.__dict__ or self.may_match(text)

    def search(self, text: str, *args: Any, **kwargs: Any) -> Any:
        return self.compiled.search(text, *args, **kwargs) if self._needed(text) else None

    def finditer(self, text: str, *args: Any, **kwargs: Any) -> Any:
        return self.compiled.finditer(text, *args, **kwargs) if self._needed(text) else iter(())


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
        return build_screen(entries, term_lang, post_langs or (term_lang,), zipf)
    # English entries are split with the English tokenizer; matching runs on the post's
    # tokens, and the tokenizers agree on words and punctuation.
    return build_index(entries, term_lang, lemmas=kind == "terms")



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
    contexts = rule.options.get("context") or {}
    for m in sorted(found, key=lambda m: (m[0], -m[1])):
        if not _overlaps(m, vetoes) and not _overlaps(m, kept):
            if m[2] in contexts and not _meant(post, m, contexts[m[2]], ctx):
                continue
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
