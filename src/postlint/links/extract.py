"""Where the links of a post are: URLs in the text (with or without a scheme), Markdown
link targets in .md drafts, and the queue's `link`/`url` field.

`postlint.textspans.urls` stays the simple shared finder (scheme and www. URLs) that other
rule types count with; this module adds what only link checking needs: bare domains,
Markdown destinations, and trimming of closing brackets and CJK punctuation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from ..model import Post

SCHEME_OR_WWW = re.compile(r"""(?i)(?<![a-z0-9])(?:https?://|www\.)[^\s<>"'`]+""")
# Trailing characters that end a sentence rather than a URL.
TRAILING = ".,;:!?'\"»”’…*_~"
CLOSERS = {")": "(", "]": "[", "}": "{", ">": "<"}
# Full-width punctuation never appears inside a URL someone typed: it ends the URL.
CJK_STOP = re.compile(r"[，。、！？；：「」『』（）【】《》〈〉]")
# [text](destination "title") or [text](<destination>)
MARKDOWN = re.compile(
    r"""\[(?:[^\[\]\\]|\\.)*\]\(\s*(?:<([^<>\n]+)>|((?:[^\s()]|\((?:[^\s()])*\))+))(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)"""
)
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")


@dataclass(frozen=True)
class Link:
    """One link as written in a post, and the absolute URL that is checked for it.

    `span` is the (start, end) of the link in `post.text`, or None for the `link` field,
    which is reported on that field's line.
    """

    written: str
    url: str
    explicit_scheme: bool
    span: tuple[int, int] | None


def _trim(text: str, start: int, end: int) -> int:
    """End of a URL match once sentence punctuation and unbalanced closers are dropped:
    "(see https://a.com/x)." ends at x, "wiki/Foo_(bar)" keeps its bracket."""
    stop = CJK_STOP.search(text, start, end)
    if stop:
        end = stop.start()
    while end > start:
        last = text[end - 1]
        if last in TRAILING:
            end -= 1
        elif last in CLOSERS and text.count(CLOSERS[last], start, end) < text.count(last, start, end):
            end -= 1
        else:
            break
    return end


@lru_cache(maxsize=8)
def _bare_pattern(tlds: tuple[str, ...]) -> re.Pattern[str]:
    """acme.com, shop.acme.co.uk/spring?x=1 - a host ending in a known TLD, not part of an
    e-mail address, a mention, a file path or a longer word."""
    alternatives = "|".join(sorted((re.escape(t) for t in tlds), key=len, reverse=True))
    label = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
    return re.compile(
        rf"(?i)(?<![\w@.\-/:#])((?:{label}\.)+(?:{alternatives}))(?::\d{{1,5}})?"
        rf"(?:[/?#][^\s<>\"'`]*)?(?![\w-]|\.[^\W_])"
    )


def _absolute(written: str) -> tuple[str, bool]:
    """(URL to check, whether the scheme was written). Platforms link a bare domain or a
    www. address as http://, and the site redirects to https if it has it."""
    if re.match(r"(?i)https?://", written):
        return written, True
    return "http://" + written, False


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def in_text(text: str, tlds: tuple[str, ...], markdown: bool = False) -> Iterator[Link]:
    """Links in `text`, in order of position. In Markdown only the destination of
    `[text](destination)` counts: the visible text is not where the reader goes."""
    found: list[Link] = []
    taken: list[tuple[int, int]] = []
    if markdown:
        for m in MARKDOWN.finditer(text):
            group = 1 if m.group(1) is not None else 2
            start, end = m.span(group)
            target = text[start:end].strip()
            taken.append(m.span())
            if SCHEME_OR_WWW.match(target) or _bare_pattern(tlds).fullmatch(target):
                found.append(Link(target, *_absolute(target), (start, start + len(target))))
    for m in SCHEME_OR_WWW.finditer(text):
        span = (m.start(), _trim(text, m.start(), m.end()))
        if span[1] > span[0] and not _overlaps(span, taken):
            taken.append(span)
            written = text[span[0]:span[1]]
            if written.lower() not in ("http://", "https://", "www."):
                found.append(Link(written, *_absolute(written), span))
    for m in _bare_pattern(tlds).finditer(text) if "." in text else ():  # a domain has a dot
        span = (m.start(), _trim(text, m.start(), m.end()))
        if not _overlaps(span, taken):
            taken.append(span)
            written = text[span[0]:span[1]]
            found.append(Link(written, *_absolute(written), span))
    return iter(sorted(found, key=lambda link: link.span or (0, 0)))


def in_post(post: Post, tlds: tuple[str, ...]) -> list[Link]:
    """Every link of a post: its text, then its `link` field (queue files)."""
    markdown = post.path.lower().endswith(MARKDOWN_SUFFIXES)
    return list(_links(post.text, markdown, (post.link or "").strip(), tlds))


@lru_cache(maxsize=4096)  # the unsafe and tracking rules ask for the same post in a row
def _links(text: str, markdown: bool, field: str, tlds: tuple[str, ...]) -> tuple[Link, ...]:
    links = list(in_text(text, tlds, markdown))
    if field:
        links.append(Link(field, *_absolute(field), None))
    return tuple(links)
