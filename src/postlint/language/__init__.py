"""The language layer: which language a post is in, and its tokens with offsets and lemmas.

`resolve` uses the post's own `language`, then `--lang`, then detection restricted to the
config's `languages` (see `detect.py`); `detection` says whether that guess was sure.
`tokenize` uses spaCy's blank pipeline and the lookup lemma table (looked up lower-cased) of
spacy-lookups-data where one exists. Languages themselves are data: `rules/languages.yaml`
(`kind: languages`); their lexicons (`lexicons.py`, built by `build.py`) are memory-mapped
tries built once.
The API below is what rule types build on; keep it stable.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int  # offset in the post's text
    end: int
    lower: str
    lemma: str  # lower-cased lemma; equals `lower` when no lemma table knows the word


ALIASES = {"no": "nb", "nob": "nb", "eng": "en", "spa": "es", "pol": "pl"}


def normalise(code: str) -> str:
    """'NO', 'nob' -> 'nb'; 'en-GB', 'es_MX' -> 'en', 'es' (one dictionary per language)."""
    code = code.strip().lower().replace("_", "-").split("-")[0]
    return ALIASES.get(code, code)


def specs(ctx: Any) -> dict[str, dict[str, Any]]:
    """Every language spec (`kind: languages` data, built-in and --rules), once per run."""
    from .lexicons import specs_from

    return ctx.resource("language:specs", lambda: specs_from(ctx.data("languages")))


def lexicon(lang: str, ctx: Any) -> Any:
    """The Lexicon of `lang`, or None for a language postlint has no data for."""
    def build() -> Any:
        spec = specs(ctx).get(lang)
        if spec is None:
            return None
        from . import lexicons as lexicon_module

        return lexicon_module.load(lang, spec)

    return ctx.resource(f"language:lexicon:{lang}", build)


def detection(post: Any, ctx: Any) -> Any:
    """Detection result (lang, sure, runner_up) for a post among the config's languages.

    None when the language is given (front matter, queue column, --lang) or the brand has
    only one language: then there is nothing to be unsure about.
    """
    if post.language or ctx.options.lang:
        return None
    candidates = ctx.resource("language:candidates", lambda: tuple(
        c for c in dict.fromkeys(normalise(x) for x in ctx.config.languages)
        if c in specs(ctx) and specs(ctx)[c].get("detect", True)))
    if len(candidates) < 2:
        return None
    cache = ctx.resource("language:detections", dict)
    if post.text not in cache:
        from .detect import detect

        if len(cache) > 20000:  # a long queue: keep memory flat
            cache.clear()
        cache[post.text] = detect(post.text, {c: lexicon(c, ctx) for c in candidates})
    return cache[post.text]


def resolve(post: Any, ctx: Any) -> str:
    """The language code of a post: its own field, --lang, else detection among the config's
    `languages` (the best guess even when unsure; `detection` tells whether it was sure)."""
    if post.language:
        return normalise(post.language)
    if ctx.options.lang:
        return normalise(ctx.options.lang)
    found = detection(post, ctx)
    if found is not None:
        return found.lang
    return normalise(ctx.config.languages[0]) if ctx.config.languages else "en"


@lru_cache(maxsize=None)
def pipeline(lang: str) -> Any:
    """spaCy blank pipeline for `lang`, with the lookup lemmatizer when a table exists."""
    import spacy

    try:
        nlp = spacy.blank(lang)
    except Exception:  # a language spaCy does not know: tokenise as multi-language
        nlp = spacy.blank("xx")
    try:
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    except Exception:  # no lookup table for this language (pl, nb): lemma = lower form
        if "lemmatizer" in nlp.pipe_names:
            nlp.remove_pipe("lemmatizer")
    return nlp


def tokenize(text: str, lang: str) -> list[Token]:
    """Tokens with offsets; the lemma is looked up lower-cased, so "Shootings" -> "shooting"."""
    nlp = pipeline(lang)
    table = _lemma_table(lang)
    tokens = []
    for tok in nlp.make_doc(text):
        if tok.is_space:
            continue
        lower = tok.lower_
        lemma = str(table.get(lower, lower)).lower() if table is not None else lower
        tokens.append(Token(tok.text, tok.idx, tok.idx + len(tok.text), lower, lemma))
    return tokens


@lru_cache(maxsize=None)
def _lemma_table(lang: str) -> Any:
    """The lookup lemma table of the pipeline, or None (pl, nb and others have none)."""
    nlp = pipeline(lang)
    if "lemmatizer" not in nlp.pipe_names:
        return None
    lookups = nlp.get_pipe("lemmatizer").lookups
    return lookups.get_table("lemma_lookup") if lookups.has_table("lemma_lookup") else None
