"""Platform limits: length, hashtags and mentions, counted the way each platform counts.

X does not count characters: it weighs code points (most scripts 2, Latin 1), counts every
URL as 23 and every emoji as 2. Bluesky counts graphemes. Mastodon counts a URL as 23. The
numbers live in `rules/platform.yaml`; this module only knows the counting methods.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterator

import regex

from .. import textspans
from .. import yamlfile as y
from ..model import Finding, Post

COUNTING = {
    "unit": y.choice("characters", "graphemes", "weighted"),
    "url_length": y.INT,
    "default_weight": y.INT,
    "emoji_weight": y.INT,
    "light_ranges": y.list_of(y.list_of(y.INT)),  # code point ranges of weight 1
}
OPTIONS = {
    "measure": y.choice("length", "hashtags", "mentions"),
    "limits": y.map_of(y.INT),
    "counting": y.map_of(COUNTING),
}
# message placeholders this type fills, besides {match} (checked when rules load)
FIELDS = frozenset({"platform", "limit", "count"})

GRAPHEME = regex.compile(r"\X")
EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}]")


def prepare(options: dict[str, Any]) -> dict[str, Any]:
    if "measure" not in options or "limits" not in options:
        raise ValueError("a platform rule needs `measure` and `limits`")
    return options


def check(post: Post, rule, ctx) -> Iterator[Finding]:
    platform = post.platform
    limit = rule.options["limits"].get(platform) if platform else None
    if limit is None:
        return
    measure = rule.options["measure"]
    if measure == "length":
        counting = rule.options.get("counting", {})
        method = counting.get(platform) or counting.get("default") or {"unit": "characters"}
        count, cut = weighed_length(post.text.strip(), method, limit)
        if count > limit:
            offset = len(post.text) - len(post.text.lstrip())
            yield rule.finding(post, (offset + cut, len(post.text.rstrip())),
                               platform=platform, limit=limit, count=count)
        return
    spans = list(textspans.hashtags(post.text) if measure == "hashtags" else textspans.mentions(post.text))
    if len(spans) > limit:
        yield rule.finding(post, (spans[limit][0], spans[-1][1]),
                           platform=platform, limit=limit, count=len(spans))


def weighed_length(text: str, method: dict[str, Any], limit: int) -> tuple[int, int]:
    """(length as the platform counts it, offset in `text` where the limit is first exceeded)."""
    unit = method.get("unit", "characters")
    url_length = method.get("url_length")
    url_spans = list(textspans.urls(text)) if url_length else []
    quick = _quick_total(text, url_spans, unit, method)
    if quick is not None and quick <= limit:
        return quick, len(text)  # within the limit: no cut to find, no grapheme walk
    return _walk(text, url_spans, unit, method, limit)


def _stretches(text: str, url_spans: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """The (start, end) pieces of `text` between its URLs."""
    pos = 0
    for start, end in url_spans:
        yield pos, start
        pos = end
    yield pos, len(text)


def _quick_total(text: str, url_spans: list[tuple[int, int]], unit: str,
                 method: dict[str, Any]) -> int | None:
    """The total, counted without the grapheme-by-grapheme walk of `_walk` (which also finds
    where the limit is exceeded, needed only for the few posts over it).

    Every post is measured, and walking graphemes in Python was the slow part. Without an
    emoji, X's weight of a grapheme is the sum of its code points' weights, so a stretch
    weighs its length plus (default_weight - 1) per code point outside `light_ranges`; with
    one, graphemes are weighed from a memo. None for a counting unit this does not know.
    """
    if unit not in ("characters", "graphemes", "weighted"):
        return None
    total = len(url_spans) * (method.get("url_length") or 0)
    for start, end in _stretches(text, url_spans):
        piece = text[start:end]
        if unit == "characters" or piece.isascii():
            total += end - start
        elif unit == "graphemes":
            total += len(GRAPHEME.findall(piece))
        elif EMOJI.search(piece) is None:  # weighted, no emoji
            heavy = _heavy(tuple(map(tuple, method.get("light_ranges", ()))))
            total += end - start + (method.get("default_weight", 2) - 1) * len(heavy.findall(piece))
        else:  # weighted with emoji: per grapheme, but each distinct grapheme weighed once
            weights = _weights(method.get("default_weight", 2), method.get("emoji_weight", 2),
                               tuple(map(tuple, method.get("light_ranges", ()))))
            for cluster in GRAPHEME.findall(piece):
                weight = weights.get(cluster)
                if weight is None:
                    if len(weights) >= 50_000:  # bounded, whatever the queue's scripts
                        weights.clear()
                    weight = weights[cluster] = _weight(cluster, unit, method)
                total += weight
    return total


@lru_cache(maxsize=16)
def _weights(default: int, emoji: int, ranges: tuple[tuple[int, int], ...]) -> dict[str, int]:
    """Memo of grapheme -> weight for one weighted counting method (letters and emoji repeat)."""
    return {}


@lru_cache(maxsize=16)
def _heavy(ranges: tuple[tuple[int, int], ...]) -> Any:
    """A character class of the code points outside `ranges` (they weigh `default_weight`)."""
    if not ranges:
        return regex.compile(r"(?s).")
    light = "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges)
    return regex.compile(f"[^{light}]")


def _walk(text: str, url_spans: list[tuple[int, int]], unit: str, method: dict[str, Any],
          limit: int) -> tuple[int, int]:
    """Count grapheme by grapheme, noting where the limit is first exceeded."""
    url_length = method.get("url_length")
    total, cut, pos = 0, len(text), 0

    def add(amount: int, at: int) -> None:
        nonlocal total, cut
        total += amount
        if total > limit and cut == len(text):
            cut = at

    # ASCII weighs 1 in every method and is one grapheme per character, and `characters`
    # counts code points: both are counted without the grapheme regex.
    plain = unit == "characters" or text.isascii()  # one unit per code point
    for start, end in [*url_spans, (len(text), len(text))]:
        if plain:
            if total + (start - pos) > limit and cut == len(text):
                cut = pos + (limit - total)
            total += start - pos
        else:
            for piece in GRAPHEME.finditer(text, pos, start):
                add(_weight(piece.group(), unit, method), piece.start())
        if start < len(text):
            add(url_length, start)
        pos = end
    return total, cut


def _weight(cluster: str, unit: str, method: dict[str, Any]) -> int:
    if unit == "graphemes":
        return 1
    if unit == "characters":
        return len(cluster)
    if EMOJI.search(cluster):
        return method.get("emoji_weight", 2)
    ranges = method.get("light_ranges", ())
    heavy = method.get("default_weight", 2)
    return sum(1 if any(lo <= ord(ch) <= hi for lo, hi in ranges) else heavy for ch in cluster)
