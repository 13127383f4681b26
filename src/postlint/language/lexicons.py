"""A language's lexicon at run time: is a word known, how common is it, what was meant.

Everything is memory-mapped marisa-tries built once by `build.py`, so a language costs well
under 10 ms the first time a run meets it and nothing if it never does.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product
from pathlib import Path
from typing import Any

from .. import yamlfile as y
from ..errors import UsageError

PACKAGED = Path(__file__).parent / "data"
LOADED: list[str] = []  # languages whose word tries this process mapped (tests, benchmarks)

LANGUAGE_SPEC = {
    "name": y.STR,
    "hunspell": y.list_of(y.STR),
    "wordfreq": y.STR,
    "min_zipf": y.NUMBER,
    "compounds": y.BOOL,
    "borrow": y.map_of(y.NUMBER),
    "detect": y.BOOL,
    "inflections": y.list_of(y.STR),
    "clitics": y.list_of(y.STR),
    "attested_zipf": y.NUMBER,
}
LANGUAGES_FILE = {"kind": y.STR, "languages": y.map_of(LANGUAGE_SPEC)}


def specs_from(data: list[tuple[Any, Any]]) -> dict[str, dict[str, Any]]:
    """Merge `kind: languages` files (later files override a language wholesale)."""
    merged: dict[str, dict[str, Any]] = {}
    for path, _content in data:
        content, node = y.load(path)
        y.validate(node, LANGUAGES_FILE, str(path))
        for code, spec in (content.get("languages") or {}).items():
            merged[str(code).lower()] = dict(spec or {})
    return merged


@lru_cache(maxsize=None)
def builtin_specs() -> dict[str, dict[str, Any]]:
    """Specs from the built-in `rules/languages.yaml` only (benchmarks, the public API)."""
    from ..rules import load_data

    return specs_from(load_data("languages"))


@dataclass(eq=False)  # hashed by identity: one per language per process
class Lexicon:
    """Frequencies and letter trigrams (all detection needs) load with the lexicon; the word
    tries only when spelling first asks, so detecting "not Polish" never maps Polish's 9 MB."""

    lang: str
    folder: Path
    freq: Any  # marisa_trie.RecordTrie word -> (zipf * 10,)
    alphabet: str
    trigrams: dict[str, float]
    compounds: bool = False
    _accents: dict[str, str] = field(default_factory=dict)
    _tries: tuple[Any, Any] | None = None
    _common: dict[int, list[str]] | None = None
    _windows: dict[int, list[str]] = field(default_factory=dict)
    _zipfs: dict[str, float] = field(default_factory=dict)

    @property
    def known(self) -> Any:
        """marisa_trie.Trie of accepted lower-case forms."""
        return (self._tries or self._map())[0]

    @property
    def names(self) -> Any:
        """marisa_trie.Trie of forms the dictionary only writes capitalised (lower-cased)."""
        return (self._tries or self._map())[1]

    def _map(self) -> tuple[Any, Any]:
        import marisa_trie

        known, names = marisa_trie.Trie(), marisa_trie.Trie()
        known.mmap(str(self.folder / f"{self.lang}.known.marisa"))
        names.mmap(str(self.folder / f"{self.lang}.names.marisa"))
        self._tries = (known, names)
        LOADED.append(self.lang)
        return self._tries

    def zipf(self, word: str) -> float:
        """Zipf frequency (0 for unseen). Memoised: detection asks for every word of every
        post in each candidate language, and a dict hit is ~20x cheaper than the trie."""
        found = self._zipfs.get(word)
        if found is None:
            hit = self.freq.get(word)
            found = hit[0][0] / 10 if hit else 0.0
            if len(self._zipfs) >= 100_000:  # bounded on huge, varied queues
                self._zipfs.clear()
            self._zipfs[word] = found
        return found

    def knows(self, word: str) -> bool:
        return word in self.known or (self.compounds and self.compound(word))

    def compound(self, word: str) -> bool:
        """Two dictionary words, optionally joined by s or e: kaffe+baren, jule+s+temning."""
        for i in range(3, len(word) - 3):
            head, tail = word[:i], word[i:]
            if tail not in self.known:
                continue
            if head in self.known or (head[-1] in "se" and head[:-1] in self.known):
                return True
        return False

    def accent_variants(self, word: str) -> set[str]:
        """Spellings that differ only by diacritics: juz -> już, tambien -> también."""
        if not self._accents:
            from .build import strip_accents

            for ch in self.alphabet:
                base = strip_accents(ch)
                if base != ch:
                    self._accents[base] = self._accents.get(base, base) + ch
        options = [self._accents.get(c, c) for c in word]
        if sum(len(o) > 1 for o in options) > 6:
            return set()
        return {"".join(p) for p in product(*options)} - {word}


    def near(self, word: str, distance: int = 2) -> list[str]:
        """Common words (zipf >= 2) within `distance` edits (a transposition is one edit).

        rapidfuzz compares against the ~100,000 common words of a similar length in C (about
        15 ms); generating every two-edit string in Python and looking each up cost 0.1-0.4 s
        per unknown word, which a queue full of names and typos paid again and again.
        """
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        n = len(word)
        choices = self._windows.get(n)
        if choices is None:
            common = self._common if self._common is not None else self._load_common()
            choices = self._windows[n] = [w for k in range(n - distance, n + distance + 1)
                                          for w in common.get(k, ())]
        return [cand for cand, _, _ in process.extract(
            word, choices, scorer=OSA.distance, score_cutoff=distance, limit=None)]

    def _load_common(self) -> dict[int, list[str]]:
        """Common words by length, kept in the user cache (walking the frequency trie costs
        0.2-0.45 s; reading the cached lists back a few ms). Each length's words are kept
        as one newline-separated string: JSON reads it as fast as a pickle, and a damaged
        entry cannot put anything but strings into the lists."""
        from ..cache import content_key, memo

        stat = (self.folder / f"{self.lang}.freq.marisa").stat()
        key = content_key(self.lang, str(stat.st_size), str(stat.st_mtime_ns))
        joined = memo("common-words", key, self._common_joined, _joined_shape)
        self._common = {n: words.split("\n") for n, words in joined.items()}
        return self._common

    def _common_joined(self) -> dict[int, str]:
        by_length: dict[int, list[str]] = {}
        for word, (zipf10,) in self.freq.items():
            if zipf10 >= 20:
                by_length.setdefault(len(word), []).append(word)
        return {n: "\n".join(words) for n, words in by_length.items()}


def _joined_shape(value: Any) -> bool:
    """{length: newline-separated words}, as `_common_joined` builds it (an entry is checked)."""
    return isinstance(value, dict) and all(type(n) is int and isinstance(words, str)
                                           for n, words in value.items())


def _edits1(word: str, alphabet: str) -> set[str]:
    from .build import edits1

    return edits1(word, alphabet)


@lru_cache(maxsize=4096)
def suggest(lex: Lexicon, word: str, limit: int = 3, names: bool = False,
            max_edits: int = 2) -> tuple[str, ...]:
    """Up to `limit` known words, ranked: diacritics-only fixes, then one edit, then two,
    and within each by frequency (a common word is the likelier intended one). `names`: the
    word was capitalised, so names (Friday, Oslo) are candidates too."""
    if names:
        return _suggest(lex, word, limit, lambda w: w in lex.known or w in lex.names, max_edits)
    return _suggest(lex, word, limit, lambda w: w in lex.known, max_edits)


def _suggest(lex: Lexicon, word: str, limit: int, ok: Any, max_edits: int) -> tuple[str, ...]:
    from .build import strip_accents

    scored: dict[str, float] = {}
    plain = strip_accents(word)
    for cand in lex.accent_variants(word):
        if ok(cand):
            scored[cand] = 20 + lex.zipf(cand)
    first = _edits1(word, lex.alphabet)
    for cand in first:
        if cand not in scored and ok(cand) and lex.zipf(cand) > 0:
            bonus = 12.0 if strip_accents(cand) == plain else 10.0
            if len(cand) == len(word) + 1:  # a left-out letter is the commonest typo
                bonus += 1.0
                if _doubled(cand, word):
                    bonus += 1.5  # finaly -> finally, tomorow -> tomorrow: a missed double
            scored[cand] = bonus + lex.zipf(cand)
    if max_edits >= 2:  # napewno -> "na pewno": two words run together
        from .build import fused

        pair = fused(word, _Known(ok), lex.zipf)
        if pair is not None:
            scored[" ".join(pair)] = _split_score(word, pair, scored, lex)
    if not scored and len(word) <= 12 and max_edits >= 2:
        for cand in lex.near(word, 2):
            if cand not in scored and ok(cand):
                scored[cand] = lex.zipf(cand)
    shortest = min(3, len(word))  # "ap" is no help for "app"
    ranked = sorted((c for c in scored if c != word and len(c) >= shortest),
                    key=lambda c: (-scored[c], c))
    return tuple(ranked[:limit])


COMMON_RIVAL = 4.0  # Zipf of a word with a left-out letter restored that outranks a split


def _split_score(word: str, pair: tuple[str, str], scored: dict[str, float],
                 lex: Lexicon) -> float:
    """Where two words run together rank: above one-edit fixes (napewno: "na pewno"), below
    diacritics-only ones (haper: håper), and below a common word that only restores a
    left-out letter, the commonest typo of all (befor: "before", not "be for"; but alot:
    "a lot", not "plot", which needs a wrong letter, nor "lot", a half of the split)."""
    score = 11.0 + lex.zipf(pair[1])
    rivals = [s for c, s in scored.items()
              if len(c) == len(word) + 1 and c not in pair and s < 20
              and lex.zipf(c) >= COMMON_RIVAL]
    return min(score, min(rivals) - 0.1) if rivals else score


class _Known:
    """`in` for a predicate, so `build.fused` can take either a set or a lexicon check."""

    def __init__(self, ok: Any):
        self.ok = ok

    def __contains__(self, word: str) -> bool:
        return self.ok(word)


def _doubled(longer: str, shorter: str) -> bool:
    return any(longer[i] == longer[i + 1] and longer[:i] + longer[i + 1:] == shorter
               for i in range(len(longer) - 1))


def lexicon_dir(lang: str, spec: dict[str, Any]) -> Path:
    """Packaged files when they were built from this spec, else a build in the user cache."""
    from .build import build_spec

    meta = PACKAGED / f"{lang}.meta.json"
    if meta.is_file():
        data = json.loads(meta.read_text("utf-8"))
        if data.get("spec") == build_spec(spec):
            return PACKAGED
    return _cached_build(lang, spec)


def _cached_build(lang: str, spec: dict[str, Any]) -> Path:
    import os
    import shutil
    import tempfile

    from ..cache import cache_dir
    from .build import build, spec_key

    folder = cache_dir() / "lexicons" / f"{lang}-{spec_key(lang, spec)}"
    if (folder / f"{lang}.meta.json").is_file():
        return folder
    print(f"postlint: building the {lang!r} dictionary once (this can take a minute)…",
          file=sys.stderr)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=folder.parent))
    try:
        build(lang, spec, tmp)
        os.replace(tmp, folder)
    except OSError:
        if not (folder / f"{lang}.meta.json").is_file():
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


@lru_cache(maxsize=None)
def _load(lang: str, spec_json: str) -> Lexicon:
    import marisa_trie

    spec = json.loads(spec_json)
    try:
        folder = lexicon_dir(lang, spec)
    except Exception as exc:  # missing Hunspell dictionary, no wordfreq list, ...
        raise UsageError(f"cannot build a dictionary for language {lang!r}: {exc}") from None
    freq = marisa_trie.RecordTrie("<B")
    freq.mmap(str(folder / f"{lang}.freq.marisa"))
    meta = json.loads((folder / f"{lang}.meta.json").read_text("utf-8"))
    return Lexicon(lang, folder, freq, meta["alphabet"], meta["trigrams"],
                   bool(spec.get("compounds")))


def load(lang: str, spec: dict[str, Any]) -> Lexicon:
    """The lexicon of `lang`, loaded once per process (and built once per machine if needed)."""
    return _load(lang, json.dumps(spec, sort_keys=True))
