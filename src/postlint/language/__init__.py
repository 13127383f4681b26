"""The language layer: which language a post is in, and its tokens with offsets and lemmas.

`resolve` uses the post's own `language`, then `--lang`, then detection restricted to the
config's `languages` (see `detect.py`); `detection` says whether that guess was sure.
`tokenize` splits with a regex and looks lemmas up (lower-cased) in spaCy's lookup table from
spacy-lookups-data where one exists, compiled once into a memory-mapped trie. Languages themselves are data: `rules/languages.yaml`
(`kind: languages`); their lexicons (`lexicons.py`, built by `build.py`) are memory-mapped
tries built once.
The API below is what rule types build on; keep it stable.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Any, NamedTuple


class Token(NamedTuple):
    """A named tuple, not a dataclass: a queue creates millions, and a tuple is built ~3x faster."""

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


def unknown_language(code: str, specs: Any) -> str | None:
    """None when `code` names a language of `specs` (its code, an alias, a regional variant
    like en-GB); else the error: "unknown language 'english' (did you mean 'en'?)".

    An unknown code does not fail anywhere later: the post just gets no spelling check, so
    `--lang english` or `languages: [en, xx]` must be refused up front. People type the
    language's name instead of its code, so names (and their first word) point to the code.
    """
    from ..errors import excerpt
    from ..yamlfile import closest

    if normalise(code) in specs:
        return None
    choices = {alias: target for alias, target in ALIASES.items() if target in specs}
    for known, spec in specs.items():
        choices[known] = known
        name = str((spec or {}).get("name") or "").lower()
        if name:
            choices.setdefault(name, known)
            choices.setdefault(name.split()[0], known)
    close = closest(code.strip().lower(), choices)
    hint = (f" (did you mean {choices[close]!r}?)" if close
            else f"; known: {', '.join(sorted(specs))} (add one as data: a `kind: languages` file)")
    return f"unknown language {excerpt(code)}{hint}"


def known_languages(rule_dirs: Any = ()) -> dict[str, dict[str, Any]]:
    """Language specs of the built-in and `--rules` data, for checking options and configs
    before any post (and so any Context) exists."""
    from ..rules import load_data
    from .lexicons import specs_from

    return specs_from(load_data("languages", rule_dirs))


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
    return ctx.memo(post, "language", lambda: _resolve(post, ctx))


def _resolve(post: Any, ctx: Any) -> str:
    if post.language:
        return normalise(post.language)
    if ctx.options.lang:
        return normalise(ctx.options.lang)
    found = detection(post, ctx)
    if found is not None:
        return found.lang
    return normalise(ctx.config.languages[0]) if ctx.config.languages else "en"


# URLs, e-mails and @mentions stay whole (as in spaCy's tokenizer); words split at
# apostrophes ("Trump's" -> "Trump", "'s") and hyphens; any other symbol is its own token,
# so is an apostrophe used as a quotation mark ("'Pedały do gazu'" -> "'", "Pedały", ...).
_TOKEN = re.compile(r"""(?:https?://|www\.)[^\s<>"']+[^\s<>"'.,;:!?)\]]"""
                    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|@\w(?:[\w.]*\w)?|\w+|(?<=\w)['\u2019]\w+|\S")


def split(text: str) -> list[str]:
    """The token texts `tokenize` would find, without lemmas: for splitting entries."""
    return _TOKEN.findall(text)


def tokenize(text: str, lang: str) -> list[Token]:
    """Tokens with offsets and lower-cased lookup lemmas ("Shootings" -> "shooting").

    Lemmas come from spaCy's lookup tables (spacy-lookups-data), compiled once into a
    memory-mapped trie; tokenising with a regex instead of spaCy's tokenizer keeps
    `import spacy` (0.5-1 s) off every run. Lexicon entries are split by this same function,
    so entries and posts always agree on token boundaries.
    """
    lemma = _lemmatizer(lang)
    tokens = []
    for match in _TOKEN.finditer(text):
        word = match.group()
        lower = word.lower()
        tokens.append(Token(word, match.start(), match.end(), lower, lemma(lower)))
    return tokens


def token_tuples(text: str, lang: str) -> tuple[tuple[str, str, str, int, int], ...]:
    """`tokenize` as plain tuples (text, lower, lemma, start, end): what the phrase matchers
    and the judgement walk, built without a Token object per word (the hot path)."""
    lemma = _lemmatizer(lang)
    found = []
    for match in _TOKEN.finditer(text):
        word = match.group()
        lower = word.lower()
        start, end = match.span()
        found.append((word, lower, lemma(lower), start, end))
    return tuple(found)


@lru_cache(maxsize=None)
def _lemmatizer(lang: str) -> Any:
    """`lower -> lemma` for `lang`, memoised per word (bounded): text repeats its words, and
    a dict hit is several times cheaper than a trie lookup plus decoding."""
    table = lemma_table(lang)
    memo: dict[str, str] = {}

    def lemma(lower: str) -> str:
        found = memo.get(lower)
        if found is None:
            hit = table.get(lower) if table is not None else None
            found = hit[0].decode() if hit else lower
            if len(memo) >= 100_000:
                memo.clear()
            memo[lower] = found
        return found

    return lemma


@lru_cache(maxsize=None)
def lemma_table(lang: str) -> Any:
    """spaCy's `lemma_lookup` table for `lang` as a marisa BytesTrie, or None (pl has none).

    Built once with spaCy's own lookups loader into the cache folder; later runs only
    memory-map the trie (milliseconds, no spaCy import).
    """
    def build(source: Any) -> Any:
        import marisa_trie
        from spacy.lookups import load_lookups

        table = load_lookups(lang, ["lemma_lookup"]).get_table("lemma_lookup")
        return marisa_trie.BytesTrie(
            (word.lower(), str(table.get(word, word)).lower().encode()) for word in json_table(source)
            if str(table.get(word, word)).lower() != word.lower())

    return _cached_trie(lang, "", build)


@lru_cache(maxsize=None)
def lemma_forms(lang: str) -> Any:
    """The lemma table turned around: lemma -> every form the table leads to it, or None.

    What the lexicon screens need to stay both exact and tight: a post's token matches the
    entry word "kill" when its lemma is "kill", and this says which tokens those are (killed,
    kills, killing) instead of guessing from a shortened prefix. A marisa BytesTrie (several
    values per key), built once from the lemma trie into the cache folder and memory-mapped.
    """
    table = lemma_table(lang)
    if table is None:
        return None

    def build(source: Any) -> Any:
        import marisa_trie

        return marisa_trie.BytesTrie((lemma.decode(), form.encode()) for form, lemma in table.iteritems())

    return _cached_trie(lang, "-forms", build)


@lru_cache(maxsize=None)
def lookups_source(lang: str) -> tuple[Any, str]:
    """(spaCy's lemma lookup file for `lang`, a key of its installed size and time), or
    (None, "") without one. What compiled data built from the lemma tables is keyed by."""
    import importlib.resources

    from ..cache import content_key

    source = importlib.resources.files("spacy_lookups_data") / "data" / f"{lang}_lemma_lookup.json.gz"
    if not source.is_file():
        return None, ""
    stat = os.stat(str(source))
    return source, content_key(str(source), str(stat.st_size), str(stat.st_mtime_ns))


def _cached_trie(lang: str, suffix: str, build: Any) -> Any:
    """A BytesTrie built by `build(source)` from `lang`'s spaCy lookups file, or None without
    one. Kept in the cache folder under a key of the installed file's size and time, not its
    bytes (hashing 1-5 MB on every run cost more than the rest of a draft's check, and a
    reinstall changes both), and memory-mapped on later runs."""
    import marisa_trie

    from ..cache import cache_dir

    source, key = lookups_source(lang)
    if source is None:
        return None
    path = cache_dir() / "lemmas" / f"{lang}{suffix}-{key}.marisa"
    try:
        return marisa_trie.BytesTrie().mmap(str(path))
    except (OSError, ValueError, RuntimeError):
        pass
    trie = build(source)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        trie.save(str(tmp))
        os.replace(tmp, path)
    except OSError:
        pass  # an unwritable cache only costs this build again next run
    return trie


def inflections(word: str, lang: str) -> set[str]:
    """Lower-case forms whose lemma in `lang` is `word` (not `word` itself)."""
    forms = lemma_forms(lang)
    return {f.decode() for f in forms.get(word, ())} if forms is not None else set()


def inflections_of_stem(stem: str, lang: str) -> set[str]:
    """Lower-case forms whose lemma in `lang` starts with `stem`."""
    forms = lemma_forms(lang)
    return {f.decode() for _, f in forms.items(stem)} if forms is not None else set()


def json_table(source: Any) -> list[str]:
    """The words of a gzipped JSON lookup table (the keys spaCy's table is built from)."""
    import gzip
    import json

    with source.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as handle:
        return list(json.load(handle))
