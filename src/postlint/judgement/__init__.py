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

from dataclasses import dataclass
from typing import Any

from ..language import resolve
from ..language.phrases import tokens as phrase_tokens
from ..language.screens import build_screen
from ..model import Post
from .clauses import Layout, layout
from .mentions import Matcher, Mention, build as build_matcher, plain_words
from .relations import Relation, Wanted, relate
from .variants import Respeller, Token, disguised, spaced
from .vocab import Vocab, build as build_vocab

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
    screen_key: tuple[str, str, str]


def vocab(lang: str, ctx: Any) -> Vocab:
    return ctx.resource(f"judgement:vocab:{lang}", lambda: build_vocab(ctx.data("judgement"), lang))


def _language(lang: str, ctx: Any) -> Language:
    key = f"judgement:{lang}"
    found = ctx.cache.get(key)
    if found is None:
        found = ctx.cache[key] = _build_language(lang, ctx)
    return found


def _build_language(lang: str, ctx: Any) -> Language:
    from .. import language
    from ..language import lexicon
    from ..ruletypes.lexicon import _screens

    words = vocab(lang, ctx)
    lex = lexicon(lang, ctx)
    classes = dict(words.classes)
    if lang != "en":  # English jabs and insults need no target: they work in any post
        english = vocab("en", ctx).classes
        for name in MIXED_IN:
            classes[name] = [*classes.get(name, []), *english.get(name, [])]
    matcher = build_matcher(classes, lang)
    predicate_matcher = build_matcher({k: v for k, v in classes.items() if k.startswith("predicate.")}, lang)
    respellable = [e for name in (*words.names("target"), *words.names("predicate"))
                   for e in words.classes[name]]
    plain, stems = plain_words(respellable, lang, language.inflections)
    knows = lex.knows if lex is not None else (lambda w: True)
    respeller = Respeller(frozenset(plain), frozenset(stems), knows, language._lemmatizer(lang))
    # The screen: a post can only hold a relation if it holds a predicate (or a disguised
    # spelling of one, which `_Disguised` looks for chunk by chunk).
    predicates = [e for name in classes if name.startswith("predicate.") for e in classes[name]]
    screens = _screens(ctx)
    key = ("judgement", "screen", lang)
    if predicates:
        zipf = lex.zipf if lex is not None else (lambda w: 0.0)
        screens.add(key, build_screen(predicates, lang, (lang,), zipf), frozenset({lang}))
        screens.add(("judgement", "respell", lang), _Disguised(respeller), frozenset({lang}))
    return Language(words, matcher, predicate_matcher, respeller, key)


class _Disguised:
    """A screen (asked per whitespace chunk by `Screens`) for vocabulary words written with
    a variation `Respeller` undoes: leet, symbols or repeated letters (`variants.disguised`),
    an unknown word one edit from a predicate or target, or two words run together."""

    def __init__(self, respeller: Respeller):
        self.respeller = respeller

    def search(self, chunk: str) -> bool | None:
        """True or None, like a regex's match or None (`Screens` asks `is not None`)."""
        from ..language.screens import WORD

        if disguised(chunk):
            return True
        fix = self.respeller.fix
        return any(len(word) >= 5 and fix(word) is not None for word in WORD.findall(chunk)) or None


def analyse(post: Post, ctx: Any) -> Analysis | None:
    """The post's mentions, clauses and quotes; None when no predicate can be in it.
    Computed once per post whatever the number of rules that ask."""
    return ctx.memo(post, "judgement", lambda: _analyse(post, ctx))


def _analyse(post: Post, ctx: Any, screened: bool = True) -> Analysis | None:
    """The analysis when a relation is possible, else None. Screened (the default), the
    cheap questions come first: does any chunk hold a predicate, or a disguised word
    (`_Disguised`, `variants.spaced`)? Only then are the tokens respelled, and only when a
    predicate is really there are the other classes looked for."""
    from ..ruletypes.lexicon import _hits, _screens

    lang = resolve(post, ctx)
    built = _language(lang, ctx)
    text = post.text
    if screened:
        hits = _hits(post, _screens(ctx))
        variant = ("judgement", "respell", lang) in hits or spaced(text)
        if built.screen_key not in hits and not variant:
            return None
        toks = phrase_tokens(text, lang)
        if variant:
            toks = built.respeller.respell(text, toks)
    else:
        toks = built.respeller.respell(text, phrase_tokens(text, lang))
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
    return relate(found.tokens, found.mentions, found.layout, wanted)


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
