"""The language layer: which language a post is in, and its tokens with offsets and lemmas.

FOUNDATION VERSION (issue 4 extends it): `resolve` uses the post's own `language`, then
`--lang`, then the first of the config's `languages`; `tokenize` uses spaCy's blank pipeline
with the lookup lemmatizer where spacy-lookups-data has a table. Both are cached per process.
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


def resolve(post: Any, ctx: Any) -> str:
    """The language code of a post: its own field, --lang, else the config's first language."""
    if post.language:
        return post.language
    if ctx.options.lang:
        return ctx.options.lang
    return ctx.config.languages[0] if ctx.config.languages else "en"


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
    doc = pipeline(lang)(text)
    tokens = []
    for tok in doc:
        if tok.is_space:
            continue
        lower = tok.lower_
        lemma = (tok.lemma_ or lower).lower()
        tokens.append(Token(tok.text, tok.idx, tok.idx + len(tok.text), lower, lemma))
    return tokens
