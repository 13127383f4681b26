"""Is this post selling something? Spans of promotional cues, shared by several rule types.

Why a shared module: the same sensitive hashtag or tragedy is a *warning* in a post that
only talks about it and *critical* in a post that sells next to it (a discount code under
#WhyIStayed, a sale "in memory of" a disaster). Hashtag, voice and sensitive-topic rules
all need the same answer, so they all ask `promo_cues`.

The cues are data (`rules/promotion.yaml`, `kind: promotion`), extended by the user's
`--rules DIR` folders. English cues are checked for every language, because brands mix
English marketing words into posts in any language; a cue can opt out of languages where
its spelling is an ordinary word (`not_in`).

Deliberate decisions (tested with benign look-alikes in tests/data/promotion/):
- "thanks for shopping with us" and "we're open" are NOT promotional: no offer, no call to
  action. A brand thanking customers after a tragedy is not exploiting it.
- Single ambiguous words ("free", "order", "buy", "shop", "new") are not cues; phrases
  that commit to selling ("free shipping", "order now", "buy now", "shop now") are.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from . import yamlfile as y
from .errors import UsageError
from .literals import LiteralScreen, Literals, pattern_literals, phrase_literals

CUE = {"phrase": y.STR, "pattern": y.STR, "label": y.STR, "not_in": y.list_of(y.STR)}
SCHEMA = {"kind": y.STR, "cues": y.map_of(y.list_of(CUE))}
ALIASES = {"no": "nb", "nn": "nb", "nob": "nb", "spa": "es", "pol": "pl", "eng": "en"}
TIMEOUT = 0.25  # seconds per pattern per post: user regexes must not hang a run


@dataclass(frozen=True)
class Cue:
    """One cue: its regex (compiled on first use), its label for messages, and languages
    that skip it."""

    pattern: str  # the regex source; see `compiled`
    label: str | None
    not_in: frozenset[str]
    source: str  # "file:line", for error messages
    literal: Literals | None = None  # what the text must contain (postlint.literals)

    @cached_property
    def compiled(self) -> Any:  # regex.Pattern
        """Compiled when the literal screen first lets the cue run: compiling all ~400
        cues of every language cost ~0.2 s of a one-draft run, and a draft needs a few."""
        return compile_cue(self.pattern)


def compile_cue(pattern: str) -> Any:
    """A cue's regex; patterns were compiled once when their file was validated."""
    import regex

    return regex.compile(pattern)


def normalise_lang(lang: str | None) -> str:
    """`nb-NO`, `no`, `NB` -> `nb`: data files are keyed by the short code."""
    code = (lang or "en").lower().replace("_", "-").split("-")[0]
    return ALIASES.get(code, code)


def phrase_regex(phrase: str) -> str:
    """A phrase as a regex: words on word boundaries, any whitespace, `word*` any ending."""
    import regex

    parts = []
    for word in phrase.split():
        if word == "*":
            parts.append(r"\w+")
        elif word.endswith("*"):
            parts.append(regex.escape(word[:-1]) + r"\w*")
        else:
            parts.append(regex.escape(word))
    return r"(?i)(?<!\w)" + r"\s+".join(parts) + r"(?!\w)"


def read_cues(files: list[tuple[Any, Any]], schema: dict[str, Any], needs: str = "",
              keep: tuple[str, ...] = ()) -> list[tuple[str, dict[str, Any], str, str | None, str]]:
    """(language, item, regex source, literal, "file:line") of every cue in cue files
    (`cues: {lang: [{phrase: ...} | {pattern: ...}, ...]}`), validated: errors name file and
    line. `needs`: a key every cue must also have (voice cues need a `weight`); `keep`: the
    keys of each item the caller reads (label, weight...). Shared by the promotion and voice
    cue files, which differ only in what else a cue carries.

    Validating means parsing each file again for its line numbers and compiling every
    pattern: the result is kept in the cache folder, keyed by the files' names and bytes
    (JSON of strings and numbers, checked on read), so later runs only read it back.
    """
    from .cache import content_key, memo
    from .files import CONFIG_LIMIT, read_bytes

    paths = [Path(path) for path, _content in files]
    key = content_key(repr(schema), needs, *keep,
                      *(part for p in paths for part in (str(p), read_bytes(p, CONFIG_LIMIT))))
    return memo("cues", key, lambda: _read_cues(paths, schema, needs, keep), _cues_shape)


def _cues_shape(value: Any) -> bool:
    """What `_read_cues` returns, so a damaged cache entry is rebuilt, not used."""
    return isinstance(value, list) and all(
        isinstance(c, tuple) and len(c) == 5 and isinstance(c[0], str) and isinstance(c[1], dict)
        and isinstance(c[2], str)
        and (c[3] is None or isinstance(c[3], tuple) and all(isinstance(x, str) for x in c[3]))
        and isinstance(c[4], str) for c in value)


def _read_cues(paths: list[Path], schema: dict[str, Any], needs: str,
               keep: tuple[str, ...]) -> list[tuple[str, dict[str, Any], str, str | None, str]]:
    import regex

    found = []
    for path in paths:
        data, node = y.load(path)
        y.validate(node, schema, str(path))
        for lang, items in (data.get("cues") or {}).items():
            for i, item in enumerate(items or []):
                line = y.find_line(node, "cues", lang, i)
                if ("phrase" in item) == ("pattern" in item) or (needs and needs not in item):
                    also = f"`{needs}` and " if needs else ""
                    raise UsageError(f"cues.{lang}[{i}] needs {also}exactly one of `phrase` or `pattern`",
                                     str(path), line)
                source = item.get("pattern") or phrase_regex(str(item["phrase"]))
                try:
                    regex.compile(source)
                except regex.error as exc:
                    raise UsageError(f"cues.{lang}[{i}]: bad pattern: {exc}", str(path), line) from None
                literal = phrase_literals(str(item["phrase"])) if "phrase" in item \
                    else pattern_literals(str(item["pattern"]))
                kept = {k: item[k] for k in keep if item.get(k) is not None}
                found.append((normalise_lang(str(lang)), kept, source, literal, f"{path}:{line}"))
    return found


def compile_cues(files: list[tuple[Any, Any]]) -> dict[str, list[Cue]]:
    """Validate and compile every `kind: promotion` file; errors name file and line."""
    table: dict[str, list[Cue]] = {}
    for lang, item, pattern, literal, source in read_cues(files, SCHEMA, keep=("label", "not_in")):
        table.setdefault(lang, []).append(Cue(
            pattern, item.get("label"),
            frozenset(normalise_lang(x) for x in item.get("not_in") or ()), source, literal))
    return table


def _table(ctx: Any) -> dict[str, list[Cue]]:
    if ctx is None:  # library use without a run context: built-in data only
        from .rules import load_data

        return _default_table(tuple(str(p) for p, _ in load_data("promotion")))
    return ctx.resource("promotion:cues", lambda: compile_cues(ctx.data_files("promotion")))


_DEFAULT: dict[tuple[str, ...], dict[str, list[Cue]]] = {}


def _default_table(paths: tuple[str, ...]) -> dict[str, list[Cue]]:
    if paths not in _DEFAULT:
        _DEFAULT[paths] = compile_cues([(p, None) for p in paths])
    return _DEFAULT[paths]


def promo_cues(text: str, lang: str, ctx: Any) -> list[tuple[int, int, str]]:
    """(start, end, label) of every promotional cue in `text`, in order, without overlaps.

    `lang` picks the language's cues; English cues are always added. `ctx` is the run
    context (for user data folders and caching); None uses the built-in data only.
    """
    code = normalise_lang(lang)
    memo = ctx.resource("promotion:memo", dict) if ctx is not None else {}
    key = (text, code)
    if key not in memo:  # several rules ask about the same post: scan it once
        if len(memo) > 4096:
            memo.clear()
        memo[key] = _scan(text, code, ctx)
    return list(memo[key])


def _scan(text: str, code: str, ctx: Any) -> tuple[tuple[int, int, str], ...]:
    cues = _cues(code, ctx)
    found: list[tuple[int, int, str]] = []
    for cue in cues.candidates(text):
        try:
            for m in cue.compiled.finditer(text, timeout=TIMEOUT):
                if m.end() > m.start():
                    found.append((m.start(), m.end(), cue.label or m.group().lower()))
        except TimeoutError:
            continue  # a pathological user pattern: skip it rather than hang the run
    return tuple(_without_overlaps(found))


class _Cues:
    """The cues of one language (its own plus English) with their literal screen."""

    def __init__(self, cues: list[Cue]):
        self.cues = cues
        self.screen = LiteralScreen([c.literal for c in cues])

    def candidates(self, text: str) -> list[Cue]:
        return [self.cues[i] for i in self.screen.candidates(text)]


def _cues(code: str, ctx: Any) -> _Cues:
    def build() -> _Cues:
        table = _table(ctx)
        cues = [c for c in table.get("en", ()) if code not in c.not_in]
        if code != "en":
            cues += table.get(code, [])
        return _Cues(cues)

    if ctx is None:
        return build()
    return ctx.resource(f"promotion:cues:{code}", build)


def _without_overlaps(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Keep the longest cue where cues overlap ("on sale" over "sale")."""
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    kept: list[tuple[int, int, str]] = []
    for span in spans:
        if kept and span[0] < kept[-1][1]:
            continue
        kept.append(span)
    return kept


def is_promotional(text: str, lang: str, ctx: Any) -> bool:
    """True when the post has at least one promotional cue."""
    return bool(promo_cues(text, lang, ctx))
