"""Personal-vs-brand voice: the mix-ups behind rogue tweets.

`check: personal` - weighted cues of a personal message (rules/voice-cues.yaml,
  `kind: voice-cues`) add up past `threshold`: critical on a brand account, a warning on an
  account the config does not know, nothing on an account listed as personal.
`check: account` - `account` is a staff member's personal account, or not one of the
  brand's accounts when the config lists them.
`check: brand`   - agencies: a post for brand A names brand B, uses B's hashtag or tags B.
`check: mention` - an @mention of an account on the never-tag list.

Accounts, brands and lists come from the config (`brand`, `brands`, `voice`); cues are data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Iterator

from .. import textspans
from .. import yamlfile as y
from ..hashtags import normalise as normalise_tag
from ..language import resolve
from ..model import SEVERITY_NAMES, Finding, Post, Severity
from ..literals import LiteralScreen, Literals
from ..promotion import compile_cue, normalise_lang, read_cues

OPTIONS = {
    "check": y.choice("personal", "account", "brand", "mention"),
    "threshold": y.NUMBER,
    "unknown_account_severity": y.choice(*SEVERITY_NAMES),
}
FIELDS = frozenset({"why", "brand", "other", "cues", "score"})  # message placeholders
CUE = {"phrase": y.STR, "pattern": y.STR, "label": y.STR, "weight": y.NUMBER, "group": y.STR}
CUES_SCHEMA = {"kind": y.STR, "cues": y.map_of(y.list_of(CUE))}
TIMEOUT = 0.25  # seconds per user pattern per post
# How a team member signs a post when the config lists no signatures: "^MK", "– Maria",
# "/Maria" at the very end.
DEFAULT_SIGNATURE = r"(?:\^\p{Lu}{1,4}|[-–—/]\s?\p{Lu}\p{Ll}+)\s*$"


def prepare(options: dict[str, Any]) -> dict[str, Any]:
    if options.get("check") not in ("personal", "account", "brand", "mention"):
        raise ValueError("a voice rule needs `check: personal | account | brand | mention`")
    return options


def check(post: Post, rule, ctx) -> Iterator[Finding]:
    kind = rule.options["check"]
    if kind == "personal":
        yield from _personal(post, rule, ctx)
    elif kind == "account":
        yield from _account(post, rule, ctx)
    elif kind == "brand":
        yield from _brand(post, rule, ctx)
    else:
        yield from _mention(post, rule, ctx)


# --- accounts and brands ------------------------------------------------------------------


def handle(account: str) -> str:
    """`@AcmeCoffee`, `acmecoffee` -> `@acmecoffee`: handles are case-insensitive."""
    account = account.strip().lower()
    return account if account.startswith("@") else "@" + account


@dataclass(frozen=True)
class Brand:
    name: str
    aliases: tuple[str, ...]
    accounts: frozenset[str]
    hashtags: frozenset[str]  # normalised, without '#'


def brands(config) -> list[Brand]:
    """The config's own brand (`brand:` + `hashtags.approved`) first, then `brands:`."""
    found = []
    if config.brand_name or config.accounts:
        found.append(Brand(config.brand_name or "this brand", (),
                           frozenset(handle(a) for a in config.accounts),
                           frozenset(normalise_tag(t) for t in config.approved_hashtags)))
    for item in config.data.get("brands") or ():
        found.append(Brand(str(item.get("name") or "another brand"),
                           tuple(str(a) for a in item.get("aliases") or ()),
                           frozenset(handle(a) for a in item.get("accounts") or ()),
                           frozenset(normalise_tag(t) for t in item.get("hashtags") or ())))
    return found


def brand_accounts(config) -> frozenset[str]:
    return frozenset().union(*(b.accounts for b in brands(config)))


def own_brand(post: Post, config) -> Brand | None:
    """The brand a post speaks for: the one owning its account; without an account, the
    config's own `brand` (a brand folder's config)."""
    all_brands = brands(config)
    if post.account:
        for brand in all_brands:
            if handle(post.account) in brand.accounts:
                return brand
        return None
    if config.brand_name and all_brands:
        return all_brands[0]
    return None


def _account(post: Post, rule, ctx) -> Iterator[Finding]:
    if not post.account:
        return
    config = ctx.config
    account = handle(post.account)
    line = post.field_line("account")
    if account in {handle(a) for a in config.personal_accounts}:
        why = (f"{post.account} is a staff member's personal account (brand.personal_accounts); "
               "a brand post queued there publishes under their name.")
        yield rule.finding(post, line=line, why=why, match=post.account)
        return
    known = brand_accounts(config)
    if known and account not in known:
        listed = ", ".join(sorted(known))
        yield rule.finding(post, line=line, match=post.account,
                           why=f"{post.account} is not one of the accounts this config publishes to ({listed}).",
                           suggestions=sorted(known))


def _brand(post: Post, rule, ctx) -> Iterator[Finding]:
    import regex

    mine = own_brand(post, ctx.config)
    if mine is None:
        return
    text = post.text
    tags = [(s, e, normalise_tag(text[s:e])) for s, e in textspans.hashtags(text)]
    handles = [(s, e, handle(text[s:e])) for s, e in textspans.mentions(text)]
    for other in brands(ctx.config):
        if other is mine or other.name == mine.name:
            continue
        spans: list[tuple[int, int]] = []
        for name in (other.name, *other.aliases):
            pattern = r"(?i)(?<![\w@#])" + regex.escape(name) + r"(?!\w)"
            spans += [m.span() for m in regex.finditer(pattern, text)]
        spans += [(s, e) for s, e, t in tags if t in other.hashtags and t not in mine.hashtags]
        spans += [(s, e) for s, e, h in handles if h in other.accounts]
        for span in sorted(set(spans)):
            yield rule.finding(post, span, brand=mine.name, other=other.name)


def _mention(post: Post, rule, ctx) -> Iterator[Finding]:
    never = {handle(a) for a in (ctx.config.data.get("voice") or {}).get("never_tag") or ()}
    if not never:
        return
    for start, end in textspans.mentions(post.text):
        if handle(post.text[start:end]) in never:
            yield rule.finding(post, (start, end))


# --- personal voice -----------------------------------------------------------------------


@dataclass(frozen=True)
class Cue:
    pattern: str  # regex source, compiled on first use (see promotion.Cue.compiled)
    label: str | None
    weight: float
    group: str
    literal: Literals | None = None  # what the text must contain (postlint.literals): a cheap screen

    @cached_property
    def compiled(self) -> Any:  # regex.Pattern
        return compile_cue(self.pattern)


def compile_cues(files: list[tuple[Any, Any]]) -> dict[str, list[Cue]]:
    """Every `kind: voice-cues` file, validated (errors name file and line; the validated
    cues are cached on disk) and ready to compile."""
    table: dict[str, list[Cue]] = {}
    for lang, item, pattern, literal, _source in read_cues(
            files, CUES_SCHEMA, needs="weight", keep=("label", "weight", "group")):
        table.setdefault(lang, []).append(Cue(
            pattern, item.get("label"), float(item["weight"]),
            str(item.get("group") or "other"), literal))
    return table


def _cues(code: str, ctx) -> tuple[list[Cue], LiteralScreen]:
    """One language's cues and the screen that picks those whose word is in a text."""
    def build() -> tuple[list[Cue], LiteralScreen]:
        table = ctx.resource("voice:cues", lambda: compile_cues(ctx.data_files("voice-cues")))
        cues = table.get(code, [])
        return cues, LiteralScreen([c.literal for c in cues])

    return ctx.resource(f"voice:cues:{code}", build)


def personal_cues(text: str, lang: str, ctx, skip_groups: frozenset[str] = frozenset()
                  ) -> list[tuple[int, int, str, float]]:
    """(start, end, label, weight) of the first occurrence of every cue that fires."""
    cues, screen = _cues(normalise_lang(lang), ctx)
    fired = []
    for cue in (cues[i] for i in screen.candidates(text)):
        if cue.group in skip_groups:
            continue
        try:
            m = cue.compiled.search(text, timeout=TIMEOUT)
        except TimeoutError:
            continue
        if m and m.end() > m.start():
            fired.append((m.start(), m.end(), cue.label or m.group().lower(), cue.weight))
    return sorted(fired)


def is_signed(text: str, config) -> bool:
    """A post a team member signed: one of `voice.signatures`, else "^MK" / "– Maria" at the end."""
    import regex

    signatures = (config.data.get("voice") or {}).get("signatures") or ()
    if signatures:
        return any(regex.search(r"(?<!\w)" + regex.escape(s) + r"(?!\w)", text) for s in signatures)
    return bool(regex.search(DEFAULT_SIGNATURE, text.strip()))


def _personal(post: Post, rule, ctx) -> Iterator[Finding]:
    config = ctx.config
    account = handle(post.account) if post.account else None
    if account and account in {handle(a) for a in config.personal_accounts}:
        return  # a personal message on a personal account is fine
    voice = config.data.get("voice") or {}
    skip = frozenset({"first-person"}) if voice.get("signed_posts") and is_signed(post.text, config) \
        else frozenset()
    fired = personal_cues(_without_handles(post.text), resolve(post, ctx), ctx, skip)
    score = sum(weight for *_, weight in fired)
    if score < float(rule.options.get("threshold", 3)):
        return
    on_brand = account is not None and account in brand_accounts(config)
    severity = rule.severity if on_brand else Severity.parse(
        rule.options.get("unknown_account_severity", "warning"))
    labels = ", ".join(f'"{label}"' for _, _, label, _ in fired[:5])
    yield rule.finding(post, (fired[0][0], fired[-1][1]), severity=severity,
                       cues=f"{labels}; score {score:g}", score=f"{score:g}")


def _without_handles(text: str) -> str:
    """Blank out URLs and @mentions (same length, so offsets stay valid): a handle like
    @my_boss is not the author speaking. Hashtags stay: #gettngslizzerd is a cue."""
    urls, mentions = textspans.urls(text), textspans.mentions(text)
    if not urls and not mentions:
        return text
    chars = list(text)
    for spans in (urls, mentions):
        for start, end in spans:
            chars[start:end] = " " * (end - start)
    return "".join(chars)
