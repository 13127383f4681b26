r"""The judgement's screen: may a post hold a predicate? Asked before anything is tokenised.

A lexicon screen (`language.screens.build_screen`) keeps one word per entry, its rarest.
Many predicates are phrases of common words ("only good for", "go back to", "din egen
feil", "tylko do rodzenia"), and even their rarest word is common: in a varied queue four
posts in ten held "only", "code", "feil" or "tylko" and were tokenised and matched for
nothing. So here a phrase needs its *two* rarest words, each in any form a token may take to
match it; an entry with one screenable word needs that word, as before, and entries without
one (R.I.P., 9/11, emoji) or with odd forms ('s) fire through `other`, as before.

It never hides a match, for the lexicon screen's reason: an entry matches only where each of
its words is a token, and a token that matches a word is one of that word's forms or starts
with its stem, a whole `\w+` run inside one whitespace chunk. So the post holds both words'
forms, in any chunks: `Slots` records which words (slots) each chunk holds, and
`PairScreen.fires` asks whether the post's slots complete an entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from ..language.phrases import words as entry_words
from ..language.screens import WORD, _loose, entry_choices, other_source, plain

OTHER = -1  # the slot of `other`: enough by itself
Data = dict[str, Any]


@dataclass(frozen=True)
class PairScreen:
    """Slots (a screened word of an entry: its forms and stems) and the entries as slots.

    `words`/`stems`: a form, or a stem, -> the slots it fills; `alone`: slots that complete
    an entry by themselves; `partners`: a slot -> the slots that complete an entry with it."""

    words: dict[str, tuple[int, ...]]
    stems: dict[str, tuple[int, ...]]
    stem_lengths: tuple[int, ...]
    alone: frozenset[int]
    partners: dict[int, frozenset[int]]
    other: Any = None  # re.Pattern or None

    def slots(self, chunk: str) -> frozenset[int]:
        """The slots one whitespace chunk fills (`OTHER` when `other` matches in it)."""
        found: set[int] = set()
        words, stems, lengths = self.words, self.stems, self.stem_lengths
        for word in WORD.findall(chunk.casefold()):
            found.update(words.get(word, ()))
            for n in lengths:
                if n > len(word):
                    break
                found.update(stems.get(word[:n], ()))
        if self.other is not None and self.other.search(chunk) is not None:
            found.add(OTHER)
        return frozenset(found)

    def fires(self, slots: set[int] | frozenset[int]) -> bool:
        """Do a post's slots complete an entry?"""
        if not slots:
            return False
        if not self.alone.isdisjoint(slots):
            return True
        partners = self.partners
        return any(s in partners and not partners[s].isdisjoint(slots) for s in slots)


def build(entries: list[str], lang: str, zipf: Callable[[str], float]) -> Data:
    """The screen of the predicate entries of one post language, as JSON-able data
    (`compiled.py` keeps it): {"slots": [[forms, stems]], "alone": [slot], "pairs":
    [[slot, slot]], "other": regex source or None}."""
    index: dict[tuple[frozenset[str], frozenset[str]], int] = {}
    alone: set[int] = set()
    pairs: set[tuple[int, int]] = set()
    odd_forms: set[str] = set()
    odd_stems: set[str] = set()
    short: set[str] = set()
    loose: set[str] = set()

    def slot(choice: tuple[set[str], set[str]]) -> int:
        forms, stems = choice
        key = (frozenset(f.casefold() for f in forms), frozenset(s.casefold() for s in stems))
        return index.setdefault(key, len(index))

    def odd(choice: tuple[set[str], set[str]]) -> bool:
        return not all(plain(x) for x in choice[0] | choice[1])

    for entry in entries:
        choices = entry_choices(entry, lang, (lang,), zipf)
        if not choices:
            _loose(entry, loose, short)
            continue
        first = choices[0]
        if odd(first):  # as the lexicon screen: its plain forms, the rest through `other`
            odd_forms |= {f for f in first[0] if not plain(f)}
            odd_stems |= {s for s in first[1] if not plain(s)}
            first = ({f for f in first[0] if plain(f)}, {s for s in first[1] if plain(s)})
            if first[0] or first[1]:
                alone.add(slot(first))
            continue
        a = slot(first)
        second = next((c for c in choices[1:] if not odd(c) and slot(c) != a), None)
        if second is None:  # one word (or the same word twice): that word is enough
            alone.add(a)
        else:
            b = slot(second)
            pairs.add((min(a, b), max(a, b)))
    loose_plain = {p for p in loose if plain(p)}
    for stem in loose_plain:  # a `_loose` stem: a word beginning with it
        alone.add(slot((set(), {stem})))
    source = other_source(odd_forms, odd_stems | (loose - loose_plain), short)
    slots = sorted(index.items(), key=lambda item: item[1])
    return {"slots": [[sorted(forms), sorted(stems)] for (forms, stems), _ in slots],
            "alone": sorted(alone), "pairs": sorted(map(list, pairs)), "other": source}


def valid(data: Any) -> bool:
    """Is this the shape `build` writes?"""
    try:
        slots = data["slots"]
        n = len(slots)
        ok = all(isinstance(x, str) for forms, stems in slots for x in (*forms, *stems))
        ok = ok and all(isinstance(s, int) and 0 <= s < n for s in data["alone"])
        ok = ok and all(isinstance(s, int) and 0 <= s < n for a, b in data["pairs"] for s in (a, b))
        return ok and (data["other"] is None or isinstance(data["other"], str))
    except (KeyError, TypeError, ValueError):
        return False


def restore(data: Data) -> PairScreen:
    words: dict[str, list[int]] = {}
    stems: dict[str, list[int]] = {}
    for i, (forms, prefixes) in enumerate(data["slots"]):
        for form in forms:
            words.setdefault(form, []).append(i)
        for stem in prefixes:
            stems.setdefault(stem, []).append(i)
    partners: dict[int, set[int]] = {}
    for a, b in data["pairs"]:
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    other = re.compile(data["other"], re.IGNORECASE) if data["other"] else None
    alone = frozenset(data["alone"]) | ({OTHER} if other is not None else frozenset())
    return PairScreen({k: tuple(v) for k, v in words.items()}, {k: tuple(v) for k, v in stems.items()},
                      tuple(sorted({len(s) for s in stems})), alone,
                      {k: frozenset(v) for k, v in partners.items()}, other)
