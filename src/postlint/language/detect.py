"""Which of a brand's languages a short post is in.

Posts are short and full of things that are not language: hashtags, @mentions, URLs, e-mail
addresses, emoji, prices, codes. Those are removed first. Each remaining word then votes with
its frequency in each candidate language (wordfreq Zipf values, from the same memory-mapped
lexicons spelling uses, so detection costs no extra load); a word a language has never seen
scores by its letter trigrams instead, which is what tells "już" or "på" apart when the words
are rare. The scores are restricted to the config's `languages`, and a small margin between
the best two is reported as "unsure" instead of a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex

from .. import textspans

WORDS = regex.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
EMAIL = regex.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
TRIGRAM_FLOOR = -5.5
MIN_COVERAGE = 0.5
UNSEEN_WORD = 1.0  # a word the language's list never saw counts as this Zipf value...
TRIGRAM_WEIGHT = 0.8  # ...plus this much per unit of its letters' average log-probability


@dataclass(frozen=True)
class Detection:
    lang: str
    sure: bool
    runner_up: str | None = None
    margin: float = 0.0  # best minus second score, per word
    words: int = 0
    coverage: float = 1.0  # share of the words the chosen language's frequency list has seen


def language_words(text: str) -> list[str]:
    """Lower-cased words of the post with hashtags, mentions, URLs, e-mails, emoji removed."""
    spans = [*textspans.urls(text), *textspans.mentions(text), *textspans.hashtags(text)]
    if "@" in text:  # every e-mail address has one
        spans += [m.span() for m in EMAIL.finditer(text)]
    if spans:
        chars = list(text)
        for start, end in spans:
            chars[start:end] = " " * (end - start)
        text = "".join(chars)
    return [w.lower().replace("’", "'") for w in WORDS.findall(text)]


def _trigram_score(word: str, trigrams: dict[str, float]) -> float:
    padded = f" {word} "
    grams = [padded[i:i + 3] for i in range(len(padded) - 2)]
    return sum(trigrams.get(g, TRIGRAM_FLOOR) for g in grams) / len(grams)


def _unseen_score(word: str, lex: Any) -> float:
    """The score of a word the language's frequency list never saw (a seen word scores its
    Zipf frequency)."""
    return UNSEEN_WORD + TRIGRAM_WEIGHT * (_trigram_score(word, lex.trigrams) + 3.0)


@lru_cache(maxsize=16)
def _memo(lexicons: tuple[Any, ...]) -> dict[str, tuple[float, ...]]:
    """Per combination of candidate languages: word -> its scores in each, then whether each
    has seen it. Every post asks about its words in every candidate language and words repeat
    across a queue, so one lookup per word answers all languages at once."""
    return {}


def _rows(words: list[str], lexicons: tuple[Any, ...]) -> list[tuple[float, ...]]:
    memo = _memo(lexicons)
    rows = []
    for word in words:
        row = memo.get(word)
        if row is None:
            if len(memo) >= 100_000:  # bounded on huge, varied queues
                memo.clear()
            zipfs = [lex.zipf(word) for lex in lexicons]
            row = memo[word] = (*(z or _unseen_score(word, lex) for z, lex in zip(zipfs, lexicons)),
                                *(float(z > 0) for z in zipfs))
        rows.append(row)
    return rows


def detect(text: str, lexicons: dict[str, Any], min_margin: float = 0.35) -> Detection:
    """Best language among `lexicons` (code -> Lexicon) and whether the margin is clear."""
    words = language_words(text)
    codes = list(lexicons)
    if len(codes) == 1:
        return Detection(codes[0], True, words=len(words))
    if not words:
        return Detection(codes[0], False, codes[1], 0.0, 0)
    columns = [sum(column) for column in zip(*_rows(words, tuple(lexicons.values())))]
    n = len(codes)
    ranked = sorted(((columns[i], code) for i, code in enumerate(codes)), reverse=True)
    (best, lang), (second, runner_up) = ranked[0], ranked[1]
    margin = (best - second) / len(words)
    # one or two words ("OK", "Menu") are shared by every language: sure only when striking
    sure = (margin >= min_margin and len(words) >= 3) or margin >= 1.0 or (best - second) >= 4.0
    # a post in none of the candidate languages (Polish for an en/es brand) wins by default
    coverage = columns[n + codes.index(lang)] / len(words)
    sure = sure and coverage >= MIN_COVERAGE
    return Detection(lang, sure, runner_up, round(margin, 3), len(words), round(coverage, 2))
