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
    spans = [*textspans.urls(text), *textspans.mentions(text), *textspans.hashtags(text),
             *((m.start(), m.end()) for m in EMAIL.finditer(text))]
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


def score(words: list[str], lex: Any) -> float:
    """Sum of the words' scores, each remembered on the lexicon: every post asks about its
    words in every candidate language, and words repeat across a queue."""
    memo = lex.word_scores
    total = 0.0
    for word in words:
        found = memo.get(word)
        if found is None:
            found = _word_score(word, lex)
            if len(memo) >= 100_000:  # bounded on huge, varied queues
                memo.clear()
            memo[word] = found
        total += found
    return total


def _word_score(word: str, lex: Any) -> float:
    zipf = lex.zipf(word)
    if zipf:
        return zipf
    return UNSEEN_WORD + TRIGRAM_WEIGHT * (_trigram_score(word, lex.trigrams) + 3.0)


def detect(text: str, lexicons: dict[str, Any], min_margin: float = 0.35) -> Detection:
    """Best language among `lexicons` (code -> Lexicon) and whether the margin is clear."""
    words = language_words(text)
    codes = list(lexicons)
    if len(codes) == 1:
        return Detection(codes[0], True, words=len(words))
    if not words:
        return Detection(codes[0], False, codes[1], 0.0, 0)
    ranked = sorted(((score(words, lexicons[c]), c) for c in codes), reverse=True)
    (best, lang), (second, runner_up) = ranked[0], ranked[1]
    margin = (best - second) / len(words)
    # one or two words ("OK", "Menu") are shared by every language: sure only when striking
    sure = (margin >= min_margin and len(words) >= 3) or margin >= 1.0 or (best - second) >= 4.0
    # a post in none of the candidate languages (Polish for an en/es brand) wins by default
    coverage = sum(1 for w in words if lexicons[lang].zipf(w) > 0) / len(words)
    sure = sure and coverage >= MIN_COVERAGE
    return Detection(lang, sure, runner_up, round(margin, 3), len(words), round(coverage, 2))
