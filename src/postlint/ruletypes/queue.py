"""Whole-queue rules: the same post queued twice, and too many posts too close together.

These need every post of a config, so they live in `check_queue` (the engine calls it after
the per-post pass) and, for a queue read as a stream, in `queue_state` (the runner feeds it
each post as it is read, and asks for the rest at the end); `check` finds nothing. The state
keeps compact facts of each post (hashes, word numbers, times, where the post is), never the
post itself, so a queue of a million posts does not have to fit in memory. Posts are grouped by channel: the account and
the platform (the same handle on X and on Instagram are two audiences). Posts without an
account share a channel per language: a one-brand queue usually omits the account.

Thresholds are the rule's YAML options, and a brand overrides them in its config:
`schedule: {max_per_hour: 4, min_gap_minutes: 15}`.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
import math
import os
import re
import tempfile
from array import array
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Iterable, Iterator, Sequence

from .. import textspans
from .. import yamlfile as y
from ..model import Finding, Locator, Post
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


def _eligible(posts: Iterable[Post], rule) -> list[Post]:
    """Scheduled, readable posts with text that do not silence this rule themselves."""
    return [p for p in posts if _eligible_one(p, rule)]


def _eligible_one(post: Post, rule) -> bool:
    """A post without `scheduled_at` is not in a queue (an archive, a draft folder): like
    every schedule rule, these say nothing about it."""
    return post.scheduled_at is not None and post.readable and bool(post.text.strip()) \
        and not any(matches(rule, s) for s in post.ignore)


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




def check_queue(posts: Iterable[Post], rule, ctx) -> Iterator[Finding]:
    """Every finding of the rule over `posts` (one config): the streaming state, fed in order,
    so the API and a streamed run cannot disagree."""
    state = queue_state(rule, ctx)
    for post in posts:
        yield from state.add(post)
    yield from state.finish()


def queue_state(rule, ctx, refs: Refs | None = None) -> DuplicateState | BurstState:
    """The rule's state for a queue read as a stream: `add(post)` for each post in queue
    order (findings known at once come back from it), then `finish()` once. `refs`: a table
    shared by the rules of one config and one run (`Refs.shared`), so a post is stored once."""
    if rule.options.get("check") == "duplicate":
        return DuplicateState(rule, ctx, refs or Refs())
    return BurstState(rule, ctx, refs or Refs())


class Refs:
    """What a finding needs to name a post that is no longer in memory (file, id, index,
    first line, line of its time field), packed in arrays: about 30 bytes a post. A table
    lives as long as the states of one run that share it (never in a Context, which the API
    keeps across calls). `add` of the post just added returns its number again, so rules
    that share a table store each post once.
    """

    def __init__(self) -> None:
        self._last: tuple[Post | None, int] = (None, -1)
        self._paths: dict[str, int] = {}
        self._names: list[str] = []
        self._path = array("I")
        self._index = array("q")
        self._line = array("I")
        self._time_line = array("I")
        self._ids = bytearray()
        self._id_ends = array("Q")

    def add(self, post: Post) -> int:
        if self._last[0] is post:
            return self._last[1]
        from .schedule import schedule_line

        number = self._paths.setdefault(post.path, len(self._names))
        if number == len(self._names):
            self._names.append(post.path)
        self._path.append(number)
        self._index.append(post.index)
        self._line.append(post.locator.line)
        self._time_line.append(schedule_line(post))
        self._ids += post.id.encode("utf-8", "surrogatepass")
        self._id_ends.append(len(self._ids))
        self._last = (post, len(self._index) - 1)
        return self._last[1]

    def post(self, ref: int) -> Post:
        """A stand-in Post with what a finding without a span reads (no text)."""
        start = self._id_ends[ref - 1] if ref else 0
        return Post(path=self._names[self._path[ref]],
                    id=self._ids[start:self._id_ends[ref]].decode("utf-8", "surrogatepass"),
                    text="", locator=Locator(line=self._line[ref]), index=self._index[ref])

    def time_line(self, ref: int) -> int:
        return self._time_line[ref]

    def where(self, ref: int) -> str:
        return _where(self.post(ref))


def _digest(text: str) -> int:
    """64 bits of BLAKE2b of a normalised text, the exact-repeat key: two different texts of
    a channel share one with odds of about 1 in 30 million at a million distinct texts."""
    raw = text.encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(raw, digest_size=8).digest(), "big")


class _Records:
    """Append-only records in an unnamed temporary file, read back only at the end: the
    normalised text of each near-duplicate candidate and what its finding needs. Memory:
    24 bytes a record; the file is deleted when closed (or when the process ends)."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="postlint-queue-")
        self._bounds = array("Q", [0])

    def add(self, *parts: bytes) -> int:
        for part in parts:
            self._file.write(part)
            self._bounds.append(self._bounds[-1] + len(part))
        return len(self._bounds) - 1 - len(parts)

    def read(self, record: int) -> bytes:
        """Part number `record` (as returned by `add`, plus 1 for its second part...)."""
        self._file.flush()
        start, end = self._bounds[record], self._bounds[record + 1]
        return os.pread(self._file.fileno(), end - start, start)

    def close(self) -> None:
        self._file.close()


class _Seen:
    """64-bit keys -> post refs in 12 bytes an entry: sorted arrays, searched by bisection,
    plus a dict of recent keys merged into them when it passes an eighth of their size (a
    dict entry with its int objects costs about 100 bytes; a channel may have millions)."""

    def __init__(self) -> None:
        self._keys = array("Q")
        self._refs = array("I")
        self._recent: dict[int, int] = {}

    def get(self, key: int) -> int | None:
        found = self._recent.get(key)
        if found is None:
            i = bisect_left(self._keys, key)
            if i < len(self._keys) and self._keys[i] == key:
                found = self._refs[i]
        return found

    def add(self, key: int, ref: int) -> None:
        self._recent[key] = ref
        if len(self._recent) >= max(4096, len(self._keys) >> 3):
            self._merge()

    def _merge(self) -> None:
        recent = sorted(self._recent.items())
        self._recent = {}
        keys, refs = array("Q"), array("I")
        old_keys, old_refs, i = self._keys, self._refs, 0
        for key, ref in recent:  # a linear merge: the arrays are never turned into lists
            j = bisect_left(old_keys, key, i)
            keys.extend(old_keys[i:j])
            refs.extend(old_refs[i:j])
            keys.append(key)
            refs.append(ref)
            i = j
        keys.extend(old_keys[i:])
        refs.extend(old_refs[i:])
        self._keys, self._refs = keys, refs


class _Channel:
    """One channel's duplicate state."""

    def __init__(self) -> None:
        self.seen = _Seen()  # digest of a normalised text -> ref of its first post
        self.candidates = array("Q")  # near-match candidates, as record numbers, in order


class DuplicateState:
    """`schedule.duplicate` over a stream, with the findings of the whole-list algorithm.

    Exact repeats are found as they arrive (64-bit hashes of normalised texts per channel)
    and reported at once, while the post is in hand. Near repeats need the whole channel
    (the prefix filter orders words by their frequency in it): each candidate's normalised
    text is written to a temporary file with its finding's positions and text, and they are
    compared in `finish`, one channel at a time (so the peak is one channel's words).
    """

    def __init__(self, rule, ctx, refs: Refs) -> None:
        self.rule, self.ctx, self.refs = rule, ctx, refs
        self.threshold = float(rule.options.get("similarity", 0.9))
        self.shortest = int(rule.options.get("near_min_chars", 40))
        self.channels: dict[tuple[str, str, str], _Channel] = {}
        self.records = _Records() if self.threshold < 1 else None

    def add(self, post: Post) -> Iterator[Finding]:
        if not _eligible_one(post, self.rule):
            return
        text = _normalise(post.text)
        if not text:
            return
        channel = self.channels.setdefault(_channel(post, self.ctx), _Channel())
        key = _digest(text)
        first = channel.seen.get(key)
        if first is not None:
            yield self.rule.finding(post, (0, len(post.text.rstrip())),
                                    other=self.refs.where(first), similarity=100)
            return
        ref = self.refs.add(post)
        channel.seen.add(key, ref)
        if self.records is not None and len(text) >= self.shortest:
            end = len(post.text.rstrip())
            (l1, c1), (l2, c2) = post.locate(0), post.locate(end)
            tail = repr((ref, l1, c1, l2, c2, post.text[:end]))
            channel.candidates.append(self.records.add(text.encode("utf-8", "surrogatepass"),
                                                       tail.encode("utf-8", "surrogatepass")))

    def finish(self) -> Iterator[Finding]:
        if self.records is None:
            return
        import difflib  # here, not at import: `postlint rules` loads this module too
        from ast import literal_eval

        def tail(record: int) -> tuple:
            return literal_eval(self.records.read(record + 1).decode("utf-8", "surrogatepass"))

        try:
            for channel in self.channels.values():
                records = channel.candidates
                words: dict[str, str] = {}  # one string per distinct word of the channel
                texts = [tuple(words.setdefault(w, w) for w in
                               self.records.read(r).decode("utf-8", "surrogatepass").split())
                         for r in records]
                reported: set[int] = set()
                for a, b in _near_pairs(texts, self.threshold):
                    if b in reported:
                        continue
                    ratio = difflib.SequenceMatcher(None, texts[a], texts[b], autojunk=False).ratio()
                    if ratio < self.threshold:
                        continue
                    reported.add(b)
                    ref, l1, c1, l2, c2, match = tail(records[b])
                    found = self.rule.finding(self.refs.post(ref), line=l1, column=c1, match=match,
                                              other=self.refs.where(tail(records[a])[0]),
                                              similarity=round(ratio * 100))
                    yield replace(found, end_line=l2, end_column=c2)
                channel.candidates = array("Q")
        finally:
            self.records.close()


def _near_pairs(texts: Sequence[tuple[str, ...]], threshold: float) -> Iterator[tuple[int, int]]:
    """Pairs (earlier, later) of word sequences whose word sets can reach `threshold` (Dice).

    A prefix filter (as in set-similarity joins): with words ordered rarest first, two sets
    that share at least k words share one among the first |X| - k + 1 of each, and a set X
    can only reach the threshold with k >= t|X| / (2 - t). So each text is compared only with
    texts that share a rare word, not with the whole queue. The sets of earlier texts are
    not kept (a channel can hold a million texts): `words & text` needs only the later one.
    """
    frequency: Counter[str] = Counter()
    sizes = array("I")  # distinct words of each text
    for sequence in texts:
        words = set(sequence)
        frequency.update(words)
        sizes.append(len(words))
    rarest_first = {word: (count, word) for word, count in frequency.items()}.__getitem__
    index: dict[str, array] = {}
    for b, sequence in enumerate(texts):
        words = frozenset(sequence)
        needed = math.ceil(threshold * len(words) / (2 - threshold))
        prefix = sorted(words, key=rarest_first)[:max(len(words) - needed + 1, 1)]
        seen: set[int] = set()
        for word in prefix:
            for a in index.get(word, ()):
                if a in seen:
                    continue
                seen.add(a)
                size = sizes[a] + len(words)
                if 2 * len(words.intersection(texts[a])) >= threshold * size and \
                        2 * min(len(texts[a]), len(sequence)) >= threshold * (len(texts[a]) + len(sequence)):
                    yield a, b
            index.setdefault(word, array("I")).append(b)


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MICROSECOND = timedelta(microseconds=1)


class BurstState:
    """`schedule.burst` over a stream: per channel, each post's instant and UTC offset (in
    microseconds) and its ref; sorted and walked in `finish`, as the list version did."""

    def __init__(self, rule, ctx, refs: Refs) -> None:
        self.rule, self.ctx, self.refs = rule, ctx, refs
        self.per_hour, self.gap = _limits(rule, ctx)
        self.channels: dict[tuple[str, str, str], tuple[array, array, array]] = {}

    def add(self, post: Post) -> Iterator[Finding]:
        if not (self.per_hour or self.gap) or not _eligible_one(post, self.rule):
            return ()
        moment = when(post, self.ctx)
        if moment is None:
            return ()
        instants, offsets, refs = self.channels.setdefault(
            _channel(post, self.ctx), (array("q"), array("q"), array("I")))
        instants.append((moment - EPOCH) // MICROSECOND)
        offsets.append((moment.utcoffset() or timedelta(0)) // MICROSECOND)
        refs.append(self.refs.add(post))
        return ()

    def finish(self) -> Iterator[Finding]:
        for instants, offsets, refs in self.channels.values():
            yield from self._channel(instants, offsets, refs)
        self.channels = {}

    def _channel(self, instants: array, offsets: array, refs: array) -> Iterator[Finding]:
        rule, ctx, per_hour, gap = self.rule, self.ctx, self.per_hour, self.gap
        table = self.refs
        timed = sorted(range(len(instants)), key=instants.__getitem__)  # stable: ties in queue order

        def moment(k: int) -> datetime:
            i = timed[k]
            zone = timezone(offsets[i] * MICROSECOND)
            return (EPOCH + instants[i] * MICROSECOND).astimezone(zone)

        hour = 3600 * 10**6
        window_start = 0
        for k, i in enumerate(timed):
            now = instants[i]
            while instants[timed[window_start]] <= now - hour:
                window_start += 1
            count = k - window_start + 1
            if per_hour and count > per_hour:
                at = moment(k)
                yield rule.finding(table.post(refs[i]), line=table.time_line(refs[i]),
                                   match=at.isoformat(), when=show(at, ctx), count=count,
                                   limit=per_hour, first=show(moment(window_start), ctx))
                continue
            if gap and k > 0:
                previous = timed[k - 1]
                minutes = (now - instants[previous]) / 60_000_000
                if minutes < gap:
                    at = moment(k)
                    yield rule.finding(table.post(refs[i]), line=table.time_line(refs[i]),
                                       match=at.isoformat(), message=rule.options.get("gap_message"),
                                       when=show(at, ctx), minutes=round(minutes), gap=gap,
                                       other=table.where(refs[previous]))


def _limits(rule, ctx) -> tuple[int, int]:
    """The brand's `schedule:` config wins over the rule's defaults."""
    own = ctx.config.data.get("schedule") or {}
    per_hour = int(own.get("max_per_hour", rule.options.get("max_per_hour", 0)) or 0)
    gap = int(own.get("min_gap_minutes", rule.options.get("min_gap_minutes", 0)) or 0)
    return max(per_hour, 0), max(gap, 0)  # 0 or less turns a check off
