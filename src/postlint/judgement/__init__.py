"""Judgement: what a post says about whom, not which words it contains.

A word list cannot tell "I hate women" from "I hate Mondays", or "this film is stupid" from
"you are stupid", or a vote for a flavour from a vote for a party. What tells them apart is
the relation between the words: which *predicate* (hatred, a threat, an insult, a
dehumanising comparison) is said about which *target* (an identity group, the audience, a
person, the victims of a tragedy), and what changes its meaning (negation, modality,
quoting to condemn, a frame that selects a harmless sense).

The pipeline, per post (each step its own module, all data per language in
rules/judgement/*.yaml, `kind: judgement`):

    tokens (language.phrases) -> respelled (variants) -> mentions of every class (mentions)
        -> clauses and quotes (clauses) -> relations (relations)

`analyse` runs it once per post for every rule that asks (rule type `relation`, and
lexicon rules with `context` frames); most posts never get that far, because a screen on
the predicates (and a cheap check for disguised spellings) answers "nothing to judge".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..language import resolve
from ..language.phrases import tokens as phrase_tokens
from ..language.screens import WORD
from ..model import Post
from .clauses import Layout, layout
from .compiled import FORMAT, compile_language, restore, valid as valid_compiled
from .mentions import Matcher, Mention
from .relations import Relation, Wanted, prepare, relate
from .screen import PairScreen
from .variants import Respeller, Token, disguised, spaced
from .vocab import Vocab, read as read_vocab, vocab_of

CHUNK_MEMO = 200_000  # chunks remembered per language (bounded memory on huge queues)
# Predicate kinds whose English words count in posts in every language, as English swear
# words do: brands and their audiences mix English in ("Ok boomer, tilbudet gjelder i dag").
MIXED_IN = ("predicate.hostile", "predicate.insult")

__all__ = ["Analysis", "Relation", "Wanted", "analyse", "relations", "frame_near", "vocab"]


@dataclass(frozen=True)
class Analysis:
    tokens: tuple[Token, ...]
    mentions: list[Mention]
    layout: Layout


@dataclass
class Language:
    """Everything built once per process for one post language."""

    vocab: Vocab
    matcher: Matcher
    predicates: Matcher  # the predicates alone: no predicate, nothing to relate
    respeller: Respeller
    screen: PairScreen  # the words (slots) a post needs to hold a predicate
    chunks: dict[str, tuple[frozenset[int], bool]] = field(default_factory=dict)  # see `_chunk`


def vocab(lang: str, ctx: Any) -> Vocab:
    return ctx.resource(f"judgement:vocab:{lang}", lambda: vocab_of(_files(ctx)[1], lang))


def _files(ctx: Any) -> tuple[str, list]:
    """(content key, validated classes of every `kind: judgement` file), read once per run and
    kept in the cache folder by the files' bytes: validating them with line numbers costs
    more than checking a draft."""
    def read() -> tuple[str, list]:
        from .. import cache

        files = ctx.data("judgement")
        key = cache.content_key(*(str(p) + "\0" + Path(p).read_bytes().decode("utf-8", "replace")
                                  for p, _ in files))
        found = cache.memo("judgement-vocab", key, lambda: read_vocab(files), valid=_valid_files)
        return key, found

    return ctx.resource("judgement:files", read)


def _valid_files(data: Any) -> bool:
    return isinstance(data, list) and all(
        isinstance(lang, str) and isinstance(classes, list) and all(
            isinstance(name, str) and isinstance(entries, list)
            and all(isinstance(e, str) for e in entries) for name, entries in classes)
        for lang, classes in data)


def _language(lang: str, ctx: Any) -> Language:
    key = f"judgement:{lang}"
    found = ctx.cache.get(key)
    if found is None:
        found = ctx.cache[key] = _build_language(lang, ctx)
    return found


def _build_language(lang: str, ctx: Any) -> Language:
    """The matcher, screen and respeller of one post language: compiled once into the cache
    folder (`compiled.py`), restored from it in later runs and worker processes."""
    from .. import cache, language
    from ..language import lexicon

    words = vocab(lang, ctx)
    lex = lexicon(lang, ctx)
    classes = dict(words.classes)
    if lang != "en":  # English jabs and insults need no target: they work in any post
        english = vocab("en", ctx).classes
        for name in MIXED_IN:
            classes[name] = [*classes.get(name, []), *english.get(name, [])]
    respellable = [e for name in (*words.names("target"), *words.names("predicate"))
                   for e in words.classes[name]]
    zipf = lex.zipf if lex is not None else (lambda w: 0.0)

    def build() -> dict:
        return compile_language(classes, respellable, lang, language.inflections, zipf)

    # compiled inflections depend on the lemma tables: keyed by the installed lookups file
    key = cache.content_key(_files(ctx)[0], lang, language.lookups_source(lang)[1], FORMAT)
    data = cache.memo("judgement", key, build, valid=valid_compiled)
    matcher, predicates, screen, plain, stems = restore(data)
    knows = lex.knows if lex is not None else (lambda w: True)
    return Language(words, matcher, predicates,
                    Respeller(plain, stems, knows, language._lemmatizer(lang)), screen)


def _chunk(chunk: str, built: Language) -> tuple[frozenset[int], bool]:
    """(the screen's slots it fills, may hide a disguised word) for one whitespace chunk,
    memoised: a queue repeats its words. Slots: words of predicates (`screen.PairScreen`).
    A disguised word: leet, symbols or repeated letters (`variants.disguised`), an unknown
    word one edit from a predicate or target, or two words run together."""
    found = built.chunks.get(chunk)
    if found is None:
        fix = built.respeller.fix
        hidden = disguised(chunk) or any(len(w) >= 5 and fix(w) is not None
                                         for w in WORD.findall(chunk.casefold()))
        found = (built.screen.slots(chunk), hidden)
        if len(built.chunks) >= CHUNK_MEMO:
            built.chunks.clear()
        built.chunks[chunk] = found
    return found


def _screened(text: str, built: Language) -> tuple[bool, bool]:
    """(a predicate may be in the post, a variation may hide one): asked of the post's own
    language only, chunk by chunk (a phrase's two words may be in two chunks); letters
    spaced out ("h a t e") span chunks (`spaced`)."""
    slots: set[int] = set()
    hidden = False
    chunks = built.chunks
    for chunk in text.split():
        found = chunks.get(chunk) or _chunk(chunk, built)
        if found[0]:
            slots.update(found[0])
        hidden = hidden or found[1]
    return built.screen.fires(slots), hidden or spaced(text)


def analyse(post: Post, ctx: Any) -> Analysis | None:
    """The post's mentions, clauses and quotes; None when no predicate can be in it.
    Computed once per post whatever the number of rules that ask."""
    return ctx.memo(post, "judgement", lambda: _analyse(post, ctx))


def _analyse(post: Post, ctx: Any, screened: bool = True) -> Analysis | None:
    """The analysis when a relation is possible, else None. Screened (the default), the
    cheap questions come first: does any chunk hold a predicate, or a disguised word
    (`_screened`)? Only then are the tokens respelled, and only when a predicate is
    really there are the other classes looked for."""
    lang = resolve(post, ctx)
    built = _language(lang, ctx)
    text = post.text
    variant = True
    if screened:
        predicate, variant = _screened(text, built)
        if not predicate and not variant:
            return None
    toks = phrase_tokens(text, lang)
    if variant:
        toks = built.respeller.respell(text, toks)
    if not built.predicates.find(toks):
        return None
    return Analysis(toks, built.matcher.find(toks), layout(text, toks))


def _analysis(text: str, lang: str, built: Language) -> Analysis:
    toks = built.respeller.respell(text, phrase_tokens(text, lang))
    return Analysis(toks, built.matcher.find(toks), layout(text, toks))


def relations(post: Post, wanted: Wanted, ctx: Any) -> list[Relation]:
    found = analyse(post, ctx)
    if found is None:
        return []
    prepared = ctx.memo(post, "judgement:prepared", lambda: prepare(found.tokens, found.mentions))
    return relate(found.tokens, found.mentions, found.layout, wanted, prepared)


def frame_near(post: Post, span: tuple[int, int], frame: str, near: int | None, ctx: Any,
               side: str = "either") -> bool:
    """Does the frame class `frame` occur near the text span: within `near` tokens in its
    clause, anywhere in its clause (`near` None), or anywhere in the post (`near` -1)?
    What lexicon rules ask to tell a vote for a flavour from a vote for a party. `frame` is
    a frame (`contest`), or a whole family of the vocabulary (`predicate`, `target`: "is
    anything said about anyone here?"), or `name` (see `_written_as_name`). `side`: only
    frames `before` or `after` the span count ("*price* spike" is not a spiked drink)."""
    if frame == "name":
        return _written_as_name(post.text, span)
    lang = resolve(post, ctx)
    found = analyse(post, ctx) or ctx.memo(
        post, "judgement:frames", lambda: _analysis(post.text, lang, _language(lang, ctx)))
    cls = "frame." + frame
    hits = [m for m in found.mentions if m.cls == cls or m.family == frame]
    if not hits:
        return False
    toks = found.tokens
    first = next((i for i, t in enumerate(toks) if t[4] > span[0]), len(toks) - 1)
    last = next((i for i in range(len(toks) - 1, -1, -1) if toks[i][3] < span[1]), first)
    clause = found.layout.clause
    for m in hits:
        if m.first <= last and first < m.last:
            continue  # the frame word is the term itself
        if (side == "before" and m.first > first) or (side == "after" and m.first < first):
            continue
        if near == -1:
            return True
        if clause[m.first] != clause[first]:
            continue
        gap = max(0, m.first - last - 1, first - m.last)
        if near is None or gap <= near:
            return True
    return False


def _written_as_name(text: str, span: tuple[int, int]) -> bool:
    """Capitalised in the middle of a sentence ("Moby Dick", "with Dick and Jane"), or
    anywhere when the next word is capitalised too ("Dick Francis novels")."""
    word = text[span[0]:span[1]]
    if not word[:1].isupper() or word.isupper():
        return False
    after = text[span[1]:].lstrip(" ")
    if after[:1].isupper():
        return True
    before = text[:span[0]].rstrip()
    return bool(before) and before[-1] not in ".!?¡¿:\n\"“«("
