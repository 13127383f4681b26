"""The hashtag knowledge base: what a hashtag is about, read from `kind: hashtags` data files.

Why a knowledge base and not a model: the hashtags that hurt brands are few, famous and
well documented (#WhyIStayed, #Aurora, #notguilty), and a social media manager needs the
*meaning* in the message, with the source to check it. Entries live in `rules/hashtags/`
and in any `--rules DIR` folder; a later file's entry for the same tag replaces an earlier
one, so users can correct or extend the built-in knowledge.

Also here: `is_plain_phrase`, the "could this be ordinary words run together?" test that
`hashtag.unknown` uses to stay quiet about #CoffeeTime but ask about #gettngslizzerd.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from . import yamlfile as y
from .errors import UsageError
from .model import TOPICS

ENTRY = {
    "tag": y.STR,
    "topic": y.choice(*TOPICS),
    "about": y.STR,
    "meaning": y.STR,
    "lang": y.STR,
    "years": y.one_of(y.STR, y.INT),
}
PATTERN = {**{k: v for k, v in ENTRY.items() if k != "tag"}, "pattern": y.STR,
           "except": y.list_of(y.STR), "wildcard": y.choice("any", "name")}
SCHEMA = {"kind": y.STR, "entries": y.list_of(ENTRY), "patterns": y.list_of(PATTERN)}


@dataclass(frozen=True)
class Entry:
    """What one hashtag (or hashtag pattern) means. `topic` None: known and harmless."""

    tag: str  # as written in the knowledge base, e.g. "#WhyIStayed" or "#PrayFor*"
    about: str
    meaning: str
    topic: str | None = None
    lang: str | None = None
    years: str | None = None
    source: str = ""  # "file:line" of the entry, where its source-of-meaning comment is
    excepts: tuple[str, ...] = ()  # normalised globs a pattern does not cover
    is_pattern: bool = False
    # "name": the `*` part must not be a common word (#BostonStrong, not #RunStrong)
    wildcard: str = "any"


@dataclass(frozen=True)
class KnowledgeBase:
    entries: dict[str, Entry]  # normalised tag -> entry
    patterns: tuple[Entry, ...]
    # normalised tag -> the patterns that cover it, exceptions applied (a queue repeats its
    # tags, and every tag was compared with every pattern); bounded
    _covering: dict[str, tuple[Entry, ...]] = field(default_factory=dict, compare=False, repr=False)

    def lookup(self, tag: str, is_word: Any = None, is_common: Any = None) -> Entry | None:
        """The entry for `tag`, else the first pattern that covers it, else None.

        `is_word(body) -> bool`, when given, keeps patterns off ordinary words that merely
        start or end like one (#Ripped is not #RIP*, #Stopwatch is not #Stop*).
        `is_common(part) -> bool` does the same for the `*` part of `wildcard: name`
        patterns: #RunStrong and #RipCurl are not about a place or a person.
        """
        key = normalise(tag)
        if key in self.entries:
            return self.entries[key]
        for entry in self._covering_patterns(key):
            if is_word is not None and is_word(key):
                continue
            if entry.wildcard == "name" and is_common is not None and is_common(
                    _wildcard_part(normalise(entry.tag), key)):
                continue
            return entry
        return None

    def _covering_patterns(self, key: str) -> tuple[Entry, ...]:
        found = self._covering.get(key)
        if found is None:
            if len(self._covering) >= 50_000:
                self._covering.clear()
            found = self._covering[key] = tuple(
                entry for entry in self.patterns
                if glob_match(normalise(entry.tag), key)
                and not any(glob_match(x, key, least=0) for x in entry.excepts))
        return found

    def find(self, text: str) -> list[Entry]:
        """Entries whose tag matches `text` exactly, or patterns written exactly as `text`."""
        key = normalise(text)
        hits = [e for e in self.patterns if normalise(e.tag) == key]
        if key in self.entries:
            hits.insert(0, self.entries[key])
        return hits


@lru_cache(maxsize=8192)  # every lookup compares the tag with each pattern of the knowledge base
def normalise(tag: str) -> str:
    """Case, accents, `#` and underscores do not change a hashtag's meaning."""
    text = unicodedata.normalize("NFKD", tag.strip().lstrip("#").casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch) and ch != "_")


def _wildcard_part(glob: str, key: str) -> str:
    head, _, tail = glob.partition("*")
    return key[len(head):len(key) - len(tail)]


def glob_match(glob: str, key: str, least: int = 1) -> bool:
    """`*` stands for `least` or more characters: #PrayFor* covers #PrayForParis, not
    #PrayFor itself. Exceptions use least=0, so "#StopMotion*" also excepts #StopMotion."""
    if "*" not in glob:
        return glob == key
    head, _, tail = glob.partition("*")
    return len(key) >= len(head) + len(tail) + least and key.startswith(head) and key.endswith(tail)


def build(files: list[tuple[Any, Any]]) -> KnowledgeBase:
    """Validate every `kind: hashtags` file (errors name file and line) and index it.

    Validating means parsing the files again for their line numbers (some 2,000 entries):
    the validated entries are kept in the cache folder, keyed by the files' names and
    bytes (JSON of strings, checked on read), so later runs only read them back.
    """
    from pathlib import Path

    from .cache import content_key, memo
    from .files import CONFIG_LIMIT, read_bytes

    paths = [Path(path) for path, _content in files]
    key = content_key(*(part for p in paths for part in (str(p), read_bytes(p, CONFIG_LIMIT))))
    entries, patterns = memo("hashtags", key, lambda: _validated(paths), _validated_shape)
    return KnowledgeBase({k: Entry(*fields) for k, fields in entries},
                         tuple(Entry(*fields) for fields in patterns))


_FIELDS = len(Entry.__dataclass_fields__)


def _validated_shape(value: Any) -> bool:
    """What `_validated` returns, so a damaged cache entry is rebuilt, not used."""
    def entry(fields: Any) -> bool:
        return (isinstance(fields, tuple) and len(fields) == _FIELDS
                and all(isinstance(f, str) for f in fields[:3])
                and all(f is None or isinstance(f, str) for f in fields[3:7])
                and isinstance(fields[7], tuple) and all(isinstance(x, str) for x in fields[7])
                and isinstance(fields[8], bool) and isinstance(fields[9], str))

    return (isinstance(value, tuple) and len(value) == 2
            and isinstance(value[0], list) and isinstance(value[1], list)
            and all(isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)
                    and entry(item[1]) for item in value[0])
            and all(entry(fields) for fields in value[1]))


def _validated(paths: list[Any]) -> tuple[list[tuple[str, tuple]], list[tuple]]:
    """(normalised tag, entry fields) of every entry, later files winning, and the fields
    of every pattern, in file order."""
    from dataclasses import astuple

    entries: dict[str, Entry] = {}
    patterns: list[Entry] = []
    for path in paths:
        data, node = y.load(path)
        y.validate(node, SCHEMA, str(path))
        for i, item in enumerate(data.get("entries") or []):
            line = y.find_line(node, "entries", i)
            _require(item, ("tag", "about", "meaning"), f"entries[{i}]", str(path), line)
            if not str(item["tag"]).startswith("#") or "*" in item["tag"]:
                raise UsageError(f"entries[{i}].tag must be a hashtag like '#Example' "
                                 "(put wildcards under `patterns:`)", str(path), line)
            entries[normalise(item["tag"])] = _entry(item, item["tag"], f"{path}:{line}")
        for i, item in enumerate(data.get("patterns") or []):
            line = y.find_line(node, "patterns", i)
            _require(item, ("pattern", "about", "meaning"), f"patterns[{i}]", str(path), line)
            glob = str(item["pattern"])
            if not glob.startswith("#") or glob.count("*") != 1:
                raise UsageError(f"patterns[{i}].pattern must be a hashtag with one `*`, "
                                 "like '#PrayFor*' or '#*Strong'", str(path), line)
            patterns.append(_entry(item, glob, f"{path}:{line}", pattern=True))
    return ([(k, astuple(e)) for k, e in entries.items()], [astuple(e) for e in patterns])


def _require(item: dict, keys: tuple[str, ...], where: str, path: str, line: int | None) -> None:
    for key in keys:
        if key not in item:
            raise UsageError(f"{where} needs {key!r}", path, line)


def _entry(item: dict, tag: str, source: str, pattern: bool = False) -> Entry:
    return Entry(
        tag=tag,
        about=str(item["about"]).strip(),
        meaning=str(item["meaning"]).strip(),
        topic=item.get("topic"),
        lang=item.get("lang"),
        years=str(item["years"]) if item.get("years") is not None else None,
        source=source,
        excepts=tuple(normalise(x) for x in item.get("except") or ()),
        is_pattern=pattern,
        wildcard=str(item.get("wildcard", "any")),
    )


def knowledge_base(ctx: Any) -> KnowledgeBase:
    """The run's knowledge base (built-in plus --rules folders), built once per process."""
    return ctx.resource("hashtags:kb", lambda: build(ctx.data_files("hashtags")))


# --- plain dictionary phrases -------------------------------------------------------------
# Word frequencies come from the language layer's lexicons (postlint.language.lexicon:
# memory-mapped, filtered wordfreq data, loads in milliseconds); for a language it has no
# lexicon for, wordfreq itself. A word counts when it is common enough for its length
# (short fragments must be very common, or any junk would cut into two-letter "words").
MIN_ZIPF = {1: 5.5, 2: 4.0, 3: 3.0}
MIN_ZIPF_LONG = 2.5
MAX_WORD = 24


@lru_cache(maxsize=None)
def _wordfreq(lang: str) -> dict[str, float]:
    """word -> frequency from wordfreq, or {} for a language it does not know."""
    try:
        import wordfreq

        return wordfreq.get_frequency_dict(lang, wordlist="best")
    except (ImportError, LookupError, ValueError):
        return {}


def _zipf_from_wordfreq(lang: str, word: str) -> float:
    import math

    freq = _wordfreq(lang).get(word, 0.0)
    return math.log10(freq) + 9 if freq > 0 else 0.0


def zipf_lookups(langs: tuple[str, ...], ctx: Any = None) -> list[Any]:
    """One `word -> zipf` function per language: the lexicon's, else wordfreq's."""
    lookups = []
    for lang in langs:
        lex = None
        if ctx is not None:
            from .language import lexicon

            lex = lexicon(lang, ctx)
        lookups.append(lex.zipf if lex is not None else
                       (lambda word, lang=lang: _zipf_from_wordfreq(lang, word)))
    return lookups


COMMON_ZIPF = 4.5  # "run", "fit", "curl": too common to be the place or person of #XStrong


def common_word_lookups(langs: tuple[str, ...], ctx: Any = None) -> list[Any]:
    """One `word -> bool` per language: a frequent lower-case word that is not a name.
    The lexicon knows names apart ("boston" is written Boston); wordfreq does not."""
    lookups = []
    for lang in langs:
        lex = None
        if ctx is not None:
            from .language import lexicon

            lex = lexicon(lang, ctx)
        if lex is not None:
            lookups.append(lambda w, lex=lex: w in lex.known and w not in lex.names
                           and lex.zipf(w) >= COMMON_ZIPF)
        else:
            lookups.append(lambda w, lang=lang: _zipf_from_wordfreq(lang, w) >= COMMON_ZIPF)
    return lookups


def is_word(word: str, lookups: list[Any], min_zipf: float = MIN_ZIPF_LONG) -> bool:
    """A common word of any language in `lookups`, as frequent as its length requires."""
    need = max(MIN_ZIPF.get(len(word), MIN_ZIPF_LONG), min_zipf)
    return any(zipf(word) >= need for zipf in lookups)


def is_plain_phrase(body: str, lookups: list[Any]) -> bool:
    """Can `body` (a hashtag without #) be cut into common words and numbers?

    CamelCase and underscores mark word boundaries when present; inside each part a dynamic
    programme finds any cover by dictionary words. Deliberately simple: it only has to tell
    "coffee time" from "gettngslizzerd".
    """
    import regex

    parts = regex.findall(r"\p{Lu}?[\p{Ll}\p{M}]+|\p{Lu}+(?![\p{Ll}])|\d+", body)
    if not parts or sum(len(p) for p in parts) < len(regex.sub(r"[_\W]", "", body)):
        return False
    return all(_segmentable(p.lower(), lookups) for p in parts)


def _segmentable(text: str, lookups: list[Any]) -> bool:
    if text.isdigit():
        return True
    ok = [True] + [False] * len(text)
    for end in range(1, len(text) + 1):
        for start in range(max(0, end - MAX_WORD), end):
            if ok[start] and (text[start:end].isdigit() or is_word(text[start:end], lookups)):
                ok[end] = True
                break
    return ok[-1]


# --- `postlint explain '#Tag'` --------------------------------------------------------------


def explain(tag: str, rule_dirs: tuple[str, ...] = ()) -> str:
    """What the knowledge base says about `tag` (entry or covering pattern), for the CLI.

    Raises UsageError when a data file is malformed; says so plainly when the tag is unknown.
    """
    from .rules import load_data

    kb = build(load_data("hashtags", rule_dirs))
    entry = kb.lookup(tag)
    if entry is None:
        return (f"{tag} is not in the hashtag knowledge base.\n\n"
                "That does not make it safe: search it on the platform before joining it.\n"
                "To record what it means for your team, add an entry to a `kind: hashtags` file\n"
                "in a --rules folder (see the README, section 'Hashtag context'), or approve it\n"
                "in .postlint.yaml: `hashtags: {approved: ['" + tag + "']}`.")
    head = tag if entry.tag == tag or not entry.is_pattern else f"{tag} (pattern {entry.tag})"
    lines = [f"{head}: {entry.about}", "", entry.meaning, ""]
    if entry.topic:
        lines.append(f"Topic:    {entry.topic} (hashtag.sensitive: warning, critical next to "
                     "promotional content)")
    else:
        lines.append("Topic:    none (known, not sensitive)")
    if entry.lang:
        lines.append(f"Language: {entry.lang}")
    if entry.years:
        lines.append(f"Years:    {entry.years}")
    lines.append(f"Defined in {entry.source} (the comment above it names the source of meaning)")
    return "\n".join(lines)
