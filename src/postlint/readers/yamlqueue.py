"""YAML queues: a list of post mappings under `posts:`, read as a stream.

The file goes through libyaml's event parser a chunk at a time, and each post is composed
into nodes on its own (`yamlnodes`): one post is in memory at a time, a bad post is a finding
on that post and the next one is still read, and a second `posts:` key (which a YAML loader
would silently let replace the first list) is a finding while both lists are checked. Only a
YAML syntax error stops the file, at its line: after it, no parser can tell where a post starts.

The node tree gives every field's line; the message scalar's start mark and style let us
map offsets in the text back to the file (block scalars are indented, quoted ones escaped).
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import BinaryIO, Generator, Iterator, TextIO

import yaml
from yaml.events import (MappingEndEvent, MappingStartEvent, ScalarEvent, SequenceEndEvent,
                         SequenceStartEvent, StreamEndEvent)

from ..model import Locator, Post, Problem
from .fields import align, build_post, duplicate_posts, message_of, problem_post
from .inputs import inputs
from .text import bad_char, first_bad, open_text, size_text
from .yamlnodes import Loader, TooBig, Unskippable, mapping_fields, yaml_error

# What YAML may contain (its "printable" set); anything else would stop libyaml for the whole
# file, so the parser sees U+FFFD there instead and the post that holds it gets the finding.
_UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_POSTS_LINE = re.compile(r"^\ufeff?posts\s*:", re.M)


def has_posts(text: TextIO, cap: int) -> bool:
    """Cheap test used by directory walks: is this YAML file a queue at all? Reads line by line,
    each line bounded, until a top-level `posts:`."""
    while True:
        line = text.readline(cap)
        if not line:
            return False
        if _POSTS_LINE.match(line):
            return True


class _Tap:
    """The text stream the YAML parser reads, keeping what it read from the current post's
    start on: the post's raw text (for positions) is a slice by the parser's character marks.
    A post that outgrows the cap sets `overflow` and its text is dropped as it comes."""

    def __init__(self, text: TextIO, cap: int):
        self.text = text
        self.cap = cap
        self.buf = ""
        self.base = 0  # file offset of buf[0]
        self.overflow = False
        self.bad: list[int] = []  # file offsets of characters the parser saw as U+FFFD

    def read(self, size: int) -> str:
        chunk = self.text.read(size)
        start = self.base + len(self.buf)
        self.buf += chunk
        if len(self.buf) > self.cap + 4 * size:
            self.overflow = True
            self._drop(self.base + len(self.buf) - 4 * size)  # keep the parser's look-ahead
        if _UNPRINTABLE.search(chunk) is None:
            return chunk
        self.bad.extend(start + m.start() for m in _UNPRINTABLE.finditer(chunk))
        return _UNPRINTABLE.sub("\ufffd", chunk)

    def start(self, pos: int) -> None:
        """A new post (or top-level value) starts at `pos`: forget what came before it."""
        self._drop(pos)
        self.overflow = False

    def _drop(self, upto: int) -> None:
        if upto > self.base:
            self.buf = self.buf[upto - self.base :]
            self.base = upto
            del self.bad[: bisect.bisect_left(self.bad, upto)]

    def slice(self, start: int, end: int) -> str | None:
        return self.buf[start - self.base : end - self.base] if start >= self.base else None

    def first_bad(self, start: int, end: int) -> int | None:
        i = bisect.bisect_left(self.bad, start)
        return self.bad[i] if i < len(self.bad) and self.bad[i] < end else None


def read(path: Path, display: str, stream: BinaryIO) -> Iterator[Post]:
    stem = path.stem
    tap = _Tap(open_text(stream), inputs().limits.row_bytes)
    loader = Loader(tap)
    loader.tap = tap
    try:
        yield from _queue(loader, tap, display, stem)
    except TooBig as exc:  # a top-level structure we cannot even skip
        yield problem_post(display, stem, 0, Problem("malformed", exc.message, exc.mark.line + 1))
    except yaml.YAMLError as exc:
        message, line = yaml_error(exc)
        yield problem_post(display, stem, 0, Problem("malformed", message, (line or 0) + 1))
    finally:
        loader.dispose()


def _queue(loader: Loader, tap: _Tap, display: str, stem: str) -> Generator[Post, None, None]:
    not_a_queue = Problem("malformed", "a YAML queue must have a 'posts:' list", 1)
    loader.get_event()  # stream start
    if loader.check_event(StreamEndEvent):
        yield problem_post(display, stem, 0, not_a_queue)
        return
    loader.get_event()  # document start
    if not loader.check_event(MappingStartEvent):
        yield problem_post(display, stem, 0, not_a_queue)
        return
    loader.get_event()
    number = 0
    posts_line: int | None = None
    while not loader.check_event(MappingEndEvent):
        key = loader.peek_event()
        if not (isinstance(key, ScalarEvent) and key.value == "posts"):
            # Another top-level key (a name, shared `&defaults`): composed for its anchors,
            # bounded like a post, then forgotten.
            for _ in range(2):
                _skip_item(loader, tap)
            continue
        loader.get_event()
        line = key.start_mark.line + 1
        if posts_line is not None:
            yield problem_post(display, stem, 0, duplicate_posts("YAML loader", posts_line, line))
        posts_line = line
        if not loader.check_event(SequenceStartEvent):
            yield problem_post(display, stem, 0, Problem("malformed", "'posts' must be a list of posts",
                                                         line))
            _skip_item(loader, tap)
            continue
        loader.get_event()
        while not loader.check_event(SequenceEndEvent):
            number += 1
            try:
                yield _post(loader, tap, display, stem, number)
            except Unskippable as exc:  # the post's finding; nothing after it can be read
                yield problem_post(display, f"{stem}#{number}", number, Problem(
                    "malformed", f"this post is {exc.message}", exc.mark.line + 1, exc.mark.column + 1))
                return
        loader.get_event()
    loader.get_event()  # mapping end
    if posts_line is None:
        yield problem_post(display, stem, 0, not_a_queue)
    loader.get_event()  # document end
    if not loader.check_event(StreamEndEvent):
        line = loader.peek_event().start_mark.line + 1
        yield problem_post(display, stem, 0, Problem(
            "malformed", "a second YAML document ('---') in a queue is not read; put every post "
                         "in the first one's 'posts:' list", line))


def _skip_item(loader: Loader, tap: _Tap) -> None:
    """Compose the next item for its anchors (bounded like a post), then forget it: a key
    other than `posts`, or a `posts` that is not a list. Only a node too deep even to skip
    (`Unskippable`) ends the file."""
    tap.start(loader.peek_event().start_mark.index)
    try:
        loader.compose_item()
    except Unskippable:
        raise
    except TooBig:
        pass


def _post(loader: Loader, tap: _Tap, display: str, stem: str, number: int) -> Post:
    post_id = f"{stem}#{number}"
    mark = loader.peek_event().start_mark
    tap.start(mark.index)
    try:
        node = loader.compose_item()
    except Unskippable:
        raise
    except TooBig as exc:
        return problem_post(display, post_id, number, Problem("malformed", f"this post is {exc.message}",
                                                              exc.mark.line + 1, exc.mark.column + 1))
    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    if node.end_mark.index - node.start_mark.index > tap.cap:
        return problem_post(display, post_id, number, Problem(
            "malformed", f"this post is larger than {size_text(tap.cap)} (no platform takes a post "
                         "that long); it was not read", line, column))
    bad = tap.first_bad(node.start_mark.index, node.end_mark.index)
    if bad is not None:
        raw = tap.slice(node.start_mark.index, bad + 1) or " "
        at = len(raw) - 1
        newline = raw.rfind("\n")
        where = (line + raw.count("\n"), at - newline) if newline >= 0 else (line, column + at)
        char = raw[-1]
        message = bad_char(char) if first_bad(char) == 0 else \
            f"control character U+{ord(char):04X} is not allowed in YAML"
        return problem_post(display, post_id, number, Problem("encoding", message, *where))
    if not isinstance(node, yaml.MappingNode):
        return problem_post(display, post_id, number,
                            Problem("malformed", "each post must be a mapping of fields", line, column))
    fields, field_lines, problems = mapping_fields(loader, node, 1, "a post")
    key, message, more = message_of(fields, line, column)
    locator = Locator(line, column)
    if key is not None:
        value = next((v for k, v in reversed(node.value) if k.value == key), None)
        if value is not None:
            locator = _scalar_locator(tap, value, message)
    return build_post(path=display, post_id=post_id, text=message, fields=fields, locator=locator,
                      index=number, field_lines=field_lines, problems=problems + more)


def _scalar_locator(tap: _Tap, node: yaml.Node, message: str) -> Locator:
    mark = node.start_mark
    raw = tap.slice(mark.index, node.end_mark.index)
    if raw is None or raw == message:
        return Locator(mark.line + 1, mark.column + 1)
    index = align(message, raw)
    if index is None:
        return Locator(mark.line + 1, mark.column + 1)
    return Locator(mark.line + 1, mark.column + 1, raw=raw, index=index)
