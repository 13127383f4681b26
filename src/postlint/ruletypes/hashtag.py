"""Hashtag context: a hashtag whose meaning does not fit the post.

`check: sensitive` - the hashtag is in the knowledge base (rules/hashtags/, kind: hashtags)
with a topic, or matches one of its patterns (#PrayFor*, #*Strong...). Next to promotional
cues (postlint.promotion) it is `promotional_severity` (critical): DiGiorno's
"#WhyIStayed You had pizza" and Celeb Boutique's "#Aurora dress" were sales pitches riding
a tragedy. Without cues it is the rule's severity (warning): a human should confirm the
brand really means to join that conversation. `hashtags.approved` silences the warning (a
brand that deliberately supports #BlackLivesMatter), never the promotional case.

`check: unknown` - on a promotional post only, a hashtag that is not approved, not accepted
vocabulary, not in the knowledge base, not one of the brand's own tags, and not ordinary
words run together (#CoffeeTime): "look up what it is about before joining".

`check: accessibility` - a tag of several words written all in lower case: a screen reader
reads #pumpkinspicelatte as one long made-up word, and people misread too (#puppyslaughter).
The words come from the spelling rules' segmentation (`spelling.segment`), so a tag is only
reported when every piece is a known word; the CamelCase form is the suggestion.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterator

from .. import textspans
from .. import yamlfile as y
from ..hashtags import (common_word_lookups, is_plain_phrase, is_word, knowledge_base, normalise,
                        zipf_lookups)
from ..language import resolve
from ..model import SEVERITY_NAMES, Finding, Post, Severity
from ..promotion import normalise_lang, promo_cues

OPTIONS = {
    "check": y.choice("sensitive", "unknown", "accessibility"),
    "promotional_message": y.STR,
    "promotional_severity": y.choice(*SEVERITY_NAMES),
}
# message placeholders this type fills, besides {match} (checked when rules load)
FIELDS = frozenset({"about", "meaning", "entry", "cues", "camel"})


def prepare(options: dict[str, Any]) -> dict[str, Any]:
    if options.get("check") not in ("sensitive", "unknown", "accessibility"):
        raise ValueError("a hashtag rule needs `check: sensitive`, `check: unknown` or "
                         "`check: accessibility`")
    return options


def check(post: Post, rule, ctx) -> Iterator[Finding]:
    spans = list(textspans.hashtags(post.text))
    if not spans:
        return
    lang = normalise_lang(resolve(post, ctx))
    if rule.options["check"] == "accessibility":
        yield from _accessibility(post, rule, ctx, spans, lang)
        return
    cues = promo_cues(post.text, lang, ctx)
    if rule.options["check"] == "sensitive":
        yield from _sensitive(post, rule, ctx, spans, lang, cues)
    elif cues:
        yield from _unknown(post, rule, ctx, spans, lang)


def _langs(lang: str) -> tuple[str, ...]:
    """Words may come from the post's language or English (brands mix English in)."""
    return (lang, "en") if lang != "en" else ("en",)


def approved(ctx) -> set[str]:
    """Normalised hashtags the brand has approved: `hashtags.approved`, `vocabulary.accept`,
    and the hashtags of every brand under `brands:` (voice.wrong-brand checks those)."""
    tags = [*ctx.config.approved_hashtags, *(w for w in ctx.config.accept if w.startswith("#"))]
    for brand in ctx.config.data.get("brands") or ():
        tags.extend(brand.get("hashtags") or ())
    return {normalise(t) for t in tags}


def _sensitive(post, rule, ctx, spans, lang, cues) -> Iterator[Finding]:
    kb = knowledge_base(ctx)
    allowed = approved(ctx)
    lookups: list = []  # word lists, loaded only when a pattern needs them

    def ordinary_word(body: str) -> bool:
        if not lookups:
            lookups.extend([zipf_lookups(_langs(lang), ctx), common_word_lookups(_langs(lang), ctx)])
        return is_word(body, lookups[0])

    def common_word(part: str) -> bool:
        ordinary_word("")
        return any(common(part) for common in lookups[1])

    for start, end in spans:
        tag = post.text[start:end]
        entry = kb.lookup(tag, is_word=ordinary_word, is_common=common_word)
        if entry is None or entry.topic is None:
            continue
        fmt = dict(about=entry.about, meaning=entry.meaning, entry=entry.tag)
        if cues:
            yield rule.finding(
                post, (start, end), topic=entry.topic,
                severity=Severity.parse(rule.options.get("promotional_severity", "critical")),
                message=rule.options.get("promotional_message"),
                cues=", ".join(f'"{label}"' for _, _, label in cues[:3]),
                suggestions=[f"remove {tag}", "remove the promotional content"], **fmt)
        elif normalise(tag) not in allowed:
            yield rule.finding(post, (start, end), topic=entry.topic,
                               suggestions=[f"remove {tag}"], **fmt)


def _unknown(post, rule, ctx, spans, lang) -> Iterator[Finding]:
    kb = knowledge_base(ctx)
    allowed = approved(ctx)
    lookups = zipf_lookups(_langs(lang), ctx)
    for start, end in spans:
        tag = post.text[start:end]
        if normalise(tag) in allowed or kb.lookup(tag) is not None:
            continue
        if is_plain_phrase(tag[1:], lookups):
            continue
        yield rule.finding(post, (start, end))


def _accessibility(post, rule, ctx, spans, lang) -> Iterator[Finding]:
    """Lowercase tags of several words, with their CamelCase form (the brand's own spelling
    when `hashtags.approved` or `vocabulary.accept` lists it)."""
    brand_forms = {t.lower(): t for t in (*ctx.config.approved_hashtags, *ctx.config.accept)
                   if t.startswith("#")}
    for start, end in spans:
        tag = post.text[start:end]
        body = tag[1:]
        if len(body) < 6 or not body.isalpha() or not body.islower():
            continue  # CamelCase already, a short word, or digits and underscores
        own = brand_forms.get(tag.lower())
        if own == tag:
            continue  # the brand approved exactly this spelling
        camel = own if own and not own[1:].islower() else _camel_case(body, _langs(lang), ctx)
        if camel:
            yield rule.finding(post, (start, end), suggestions=[camel], camel=camel)


def _camel_case(body: str, langs: tuple[str, ...], ctx) -> str | None:
    """`pumpkinspicelatte` -> `#PumpkinSpiceLatte` when it splits into known words in one of
    `langs`; None for one word (#coffee, a Norwegian compound) or an unknown piece."""
    from .spelling import checker_for

    for lang in langs:
        checker = checker_for(lang, ctx)
        if checker is None:
            continue
        if checker.knows(body):
            return None
        camel = _split_camel(body, checker)
        if camel:
            return camel
    return None


@lru_cache(maxsize=8192)  # a queue repeats its tags: segment each one once per checker
def _split_camel(body: str, checker) -> str | None:
    from .spelling import segment

    parts = segment(body, checker, letter_words=True)
    if parts and len(parts) >= 2 and all(known for _, _, known in parts):
        return "#" + "".join(piece[:1].upper() + piece[1:] for _, piece, _ in parts)
    return None
