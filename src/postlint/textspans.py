"""Where the URLs, @mentions and #hashtags of a post are, as (start, end) spans.

Shared by every rule type that must treat these differently from words: platforms count a URL
as a fixed length, spelling skips them, hashtag rules read them.
"""

from __future__ import annotations

import re
from functools import lru_cache

# A URL with a scheme, or starting with www.; trailing punctuation is not part of it.
URL = re.compile(r"""(?i)\b(?:https?://|www\.)[^\s<>"'`]+""")
TRAILING = ".,;:!?'\")]}>»”’…"
HASHTAG = re.compile(r"(?<![\w&#/])#(\w*[^\W\d_]\w*)")
# Instagram and TikTok handles may contain dots (@ola.nordmann); a trailing dot is punctuation.
MENTION = re.compile(r"(?<![\w@./])@(\w(?:[\w.]{0,28}\w)?)(@[\w.-]+\.\w+)?")


def _trim(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in TRAILING:
        # keep a closing bracket that closes one opened inside the URL: wiki/Foo_(bar)
        if text[end - 1] == ")" and text.count("(", start, end) >= text.count(")", start, end):
            break
        end -= 1
    return end


# Memoised per text: a dozen rules ask the same post where its hashtags are.
Spans = tuple[tuple[int, int], ...]


@lru_cache(maxsize=1024)
def urls(text: str) -> Spans:
    return tuple((m.start(), _trim(text, m.start(), m.end())) for m in URL.finditer(text))


@lru_cache(maxsize=1024)
def hashtags(text: str) -> Spans:
    return tuple((m.start(), m.end()) for m in HASHTAG.finditer(text))


@lru_cache(maxsize=1024)
def mentions(text: str) -> Spans:
    return tuple((m.start(), m.end()) for m in MENTION.finditer(text))
