"""Whole-queue rules: the same post queued twice, and too many posts too close together.

These need every post of a config at once, so they live in `check_queue` (the engine calls it
after the per-post pass); `check` finds nothing. Posts are grouped by channel: the account and
the platform (the same handle on X and on Instagram are two audiences). Posts without an
account share a channel per language: a one-brand queue usually omits the account.

Thresholds are the rule's YAML options, and a brand overrides them in its config:
`schedule: {max_per_hour: 4, min_gap_minutes: 15}`.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from datetime import timedelta
from typing import Iterable, Iterator

from .. import textspans
from .. import yamlfile as y
from ..model import Finding, Post
from ..rules import matches
from .schedule import show, when

OPTIONS = {
    "check": y.choice("duplicate", "burst"),
    "similarity": y.NUMBER,        # duplicate: 0..1, share of matching words after normalising
    "near_min_chars": y.INT,       # duplicate: shorter texts must match exactly ("Sale 20%"/"Sale 30%")
    "max_per_hour": y.INT,         # burst: posts allowed in any 60 minutes on one channel
    "min_gap_minutes": y.INT,      # burst: minimum minutes between two posts on one channel
    "gap_message": y.STR,          # burst: template for the min-gap finding
}
# message placeholders this type fills, besides {match} (checked when rules load)
FIELDS = frozenset({"other", "similarity", "when", "count", "limit", "first", "minutes", "gap"})

WORDS = re.compile(r"\w+")


def prepare(options: dict) -> dict:
    """Catch impossible thresholds when the rule file loads, not halfway through a queue."""
    if options.get("check") not in ("duplicate", "burst"):
        raise ValueError("a queue rule needs `check: duplicate` or `check: burst`")
    if not 0 < float(options.get("similarity", 0.9)) <= 1:
        raise ValueError("similarity must be above 0 and at most 1")
    return options


def check(post: Post, rule, ctx) -> Iterable[Finding]:
    """Nothing per post: see `check_queue`."""
    return ()


def _channel(post: Post, ctx) -> tuple[str, str, str]:
    """(account, platform, language-if-no-account): where a post is published.

    Without an account we cannot know; the same announcement drafted in four languages for the
    same minute usually goes to four regional accounts, so the language stands in for it.
    """
    account = (post.account or "").strip().lower().lstrip("@")
    if account:
        return account, post.platform or "", ""
    from ..language import resolve

    return "", post.platform or "", resolve(post, ctx)


def _eligible(posts: list[Post], rule) -> list[Post]:
    """Scheduled, readable posts with text that do not silence this rule themselves.

    A post without `scheduled_at` is not in a queue (an archive, a draft folder): like every
    schedule rule, these say nothing about it.
    """
    return [p for p in posts if p.scheduled_at is not None and p.readable and p.text.strip()
            and not any(matches(rule, s) for s in p.ignore)]


def _normalise(text: str) -> str:
    """Words only, lower-case, links dropped: a re-queued post often differs by a UTM tag."""
    spans = textspans.urls(text)
    if spans:
        chars = list(text)
        for start, end in spans:
            chars[start:end] = " " * (end - start)
        text = "".join(chars)
    return " ".join(WORDS.findall(text.lower()))


def _where(post: Post) -> str:
    return f"{post.id} ({post.path}:{post.locator.line})"


def check_queue(posts: list[Post], rule, ctx) -> Iterator[Finding]:
    kind = rule.options.get("check")
    groups: dict[tuple[str, str, str], list[Post]] = defaultdict(list)
    for post in _eligible(posts, rule):
        groups[_channel(post, ctx)].append(post)
    for group in groups.values():
        if kind == "duplicate":
            yield from _duplicates(group, rule)
        elif kind == "burst":
            yield from _bursts(group, rule, ctx)


def _duplicates(group: list[Post], rule) -> Iterator[Finding]:
    """Report each post whose text matches an earlier post of the channel (exact or near).

    Near matches compare word sequences (difflib's ratio over words), only for pairs whose
    word sets can reach the threshold (`_near_pairs`), so a queue of thousands stays fast.
    """
    import difflib  # here, not at import: `postlint rules` loads this module too

    threshold = float(rule.options.get("similarity", 0.9))
    normal = [(_normalise(p.text), i, p) for i, p in enumerate(group)]
    seen: dict[str, Post] = {}
    reported: set[int] = set()
    for text, i, post in normal:
        if not text:
            continue
        if text in seen:
            reported.add(i)
            yield rule.finding(post, (0, len(post.text.rstrip())), other=_where(seen[text]),
                               similarity=100)
        else:
            seen[text] = post
    if threshold >= 1:
        return
    shortest = int(rule.options.get("near_min_chars", 40))
    candidates = [(tuple(text.split()), i, post) for text, i, post in normal
                  if len(text) >= shortest and i not in reported]
    for a, b in _near_pairs([c[0] for c in candidates], threshold):
        (words_a, i, post_a), (words_b, j, post_b) = candidates[a], candidates[b]
        if max(i, j) in reported:
            continue
        ratio = difflib.SequenceMatcher(None, words_a, words_b, autojunk=False).ratio()
        if ratio < threshold:
            continue
        first, later = (post_a, post_b) if i < j else (post_b, post_a)
        reported.add(max(i, j))
        yield rule.finding(later, (0, len(later.text.rstrip())), other=_where(first),
                           similarity=round(ratio * 100))


def _near_pairs(texts: list[tuple[str, ...]], threshold: float) -> Iterator[tuple[int, int]]:
    """Pairs (earlier, later) of word sequences whose word sets can reach `threshold` (Dice).

    A prefix filter (as in set-similarity joins): with words ordered rarest first, two sets
    that share at least k words share one among the first |X| - k + 1 of each, and a set X
    can only reach the threshold with k >= t|X| / (2 - t). So each text is compared only with
    texts that share a rare word, not with the whole queue.
    """
    sets = [frozenset(words) for words in texts]
    frequency = Counter(word for words in sets for word in words)
    rarest_first = {word: (count, word) for word, count in frequency.items()}.__getitem__
    index: dict[str, list[int]] = defaultdict(list)
    for b, words in enumerate(sets):
        needed = math.ceil(threshold * len(words) / (2 - threshold))
        prefix = sorted(words, key=rarest_first)[:max(len(words) - needed + 1, 1)]
        seen: set[int] = set()
        for word in prefix:
            for a in index[word]:
                if a in seen:
                    continue
                seen.add(a)
                size = len(sets[a]) + len(words)
                if 2 * len(sets[a] & words) >= threshold * size and \
                        2 * min(len(texts[a]), len(texts[b])) >= threshold * (len(texts[a]) + len(texts[b])):
                    yield a, b
            index[word].append(b)


def _limits(rule, ctx) -> tuple[int, int]:
    """The brand's `schedule:` config wins over the rule's defaults."""
    own = ctx.config.data.get("schedule") or {}
    per_hour = int(own.get("max_per_hour", rule.options.get("max_per_hour", 0)) or 0)
    gap = int(own.get("min_gap_minutes", rule.options.get("min_gap_minutes", 0)) or 0)
    return max(per_hour, 0), max(gap, 0)  # 0 or less turns a check off


def _bursts(group: list[Post], rule, ctx) -> Iterator[Finding]:
    per_hour, gap = _limits(rule, ctx)
    timed = sorted(((m, p) for p in group if (m := when(p, ctx)) is not None), key=lambda t: t[0])
    from .schedule import schedule_line

    window_start = 0
    for k, (moment, post) in enumerate(timed):
        line = schedule_line(post)
        while timed[window_start][0] <= moment - timedelta(hours=1):
            window_start += 1
        count = k - window_start + 1
        if per_hour and count > per_hour:
            yield rule.finding(post, line=line, match=moment.isoformat(), when=show(moment, ctx),
                               count=count, limit=per_hour, first=show(timed[window_start][0], ctx))
            continue
        if gap and k > 0:
            previous_moment, previous = timed[k - 1]
            minutes = (moment - previous_moment) / timedelta(minutes=1)
            if minutes < gap:
                yield rule.finding(post, line=line, match=moment.isoformat(),
                                   message=rule.options.get("gap_message"), when=show(moment, ctx),
                                   minutes=round(minutes), gap=gap, other=_where(previous))

