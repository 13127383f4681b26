"""JSON Lines and JSON queues, read as streams: one post in memory at a time.

JSON Lines: each line is bounded and decoded on its own (see `text.lines`), then parsed.
JSON: a list of posts, or an object whose `posts` member is that list. The file is read in
chunks; a small scanner (regular expressions for strings, a count of brackets) finds where
each element ends, and only that element is parsed. So a broken element is a finding and the
next one is still read, the `posts` member is found by parsing its key (never by searching
the text), and a 1 GB queue needs no more memory than its largest post.

Positions: the message's string literal is found inside the element's raw text, and its
escapes are mapped so that every character of the message points at its line and column.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Generator, Iterator, TextIO

from ..model import Locator, Post, Problem
from .fields import build_post, duplicate_posts, message_of, problem_post, why
from .inputs import inputs
from .text import lines, open_text, size_text, text_problem

CHUNK = 1 << 16
_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\r\n]*")
_TOKEN = re.compile(r'["\[\]{}]')
_STRING_BODY = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*', re.S)  # up to the closing quote (unrolled loop)
_SCALAR = re.compile(r'[^\s,\]}"\[{]*')
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def read_jsonl(path: Path, display: str, stream: BinaryIO) -> Iterator[Post]:
    stem = path.stem
    number = 0
    for line in lines(stream, inputs().limits.row_bytes):
        if line.problem is None and not line.text.strip():
            continue
        number += 1
        post_id = f"{stem}#{number}"
        if line.problem is not None:
            yield problem_post(display, post_id, number, line.problem)
            continue
        raw = line.text.rstrip("\r\n")
        column = len(raw) - len(raw.lstrip()) + 1
        obj, problem = _parse(raw, line.number, column)
        if problem is not None:
            yield problem_post(display, post_id, number, problem)
            continue
        yield _post(display, post_id, number, obj, raw, line.number, column)


def _parse(raw: str, line: int, column: int, parsed: Any = None) -> tuple[Any, Problem | None]:
    """One element (`parsed`: already decoded); anything json cannot take (a 5,000-digit
    number, nesting 5,000 deep) and anything a post cannot hold (nesting beyond limits.depth)
    is a Problem on it."""
    try:
        obj = json.loads(raw) if parsed is None else parsed
    except json.JSONDecodeError as exc:
        return None, Problem("malformed", f"invalid JSON: {exc.msg}", *_position(raw, exc.pos, line, column))
    except RecursionError:
        return None, Problem("malformed", "invalid JSON: nested too deeply", line, column)
    except ValueError as exc:  # an integer of more than 4,300 digits (Python's safety limit)
        return None, Problem("malformed", f"invalid JSON: {why(exc)}", line, column)
    depth = inputs().limits.depth
    if raw.count("[") + raw.count("{") > depth and _deeper(obj, depth):
        return None, Problem("malformed", f"nested more than {depth} levels deep; a post needs a few",
                             line, column)
    return obj, None


def _deeper(obj: Any, limit: int) -> bool:
    """Is `obj` nested more than `limit` deep? Iterative: deep values must not crash us either."""
    stack = [(obj, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return False


def _position(raw: str, offset: int, line: int, column: int) -> tuple[int, int]:
    """(line, column) in the file of `offset` inside an element that starts at (line, column)."""
    newline = raw.rfind("\n", 0, offset)
    if newline < 0:
        return line, column + offset
    return line + raw.count("\n", 0, offset), offset - newline


def _post(display: str, post_id: str, number: int, obj: Any, raw: str, line: int, column: int) -> Post:
    if not isinstance(obj, dict):
        return problem_post(display, post_id, number,
                            Problem("malformed", "each post must be a JSON object", line, column))
    key, message, problems = message_of(obj, line, column)
    locator = _message_locator(raw, key, message, line, column) if key else Locator(line, column)
    return build_post(path=display, post_id=post_id, text=message, fields=obj, locator=locator,
                      index=number, field_lines=dict.fromkeys(obj, line), problems=problems)


def _message_locator(raw: str, key: str, message: str, line: int, column: int) -> Locator:
    """Locator of the message's string literal: the first `"key": "…"` in the element whose
    literal decodes to the message (a nested object may use the same key)."""
    for found in _key_literal(key).finditer(raw):
        begin = found.end()
        end = _STRING_BODY.match(raw, begin).end()
        literal = raw[begin:end]
        if literal == message:  # no escapes: the common case, no second parse
            return Locator(*_position(raw, begin, line, column))
        try:
            if "\\" not in literal or json.loads(raw[begin - 1 : end + 1]) != message:
                continue
        except ValueError:
            continue
        return Locator(*_position(raw, begin, line, column), raw=literal,
                       index=_unescape_index(literal, len(message)))
    return Locator(line, column)


@lru_cache(maxsize=64)
def _key_literal(key: str) -> re.Pattern[str]:
    """`"key": "` as JSON writes it (spaces around the colon allowed)."""
    return re.compile(re.escape(json.dumps(key, ensure_ascii=False)) + r'\s*:\s*"')


def _unescape_index(literal: str, length: int) -> tuple[int, ...]:
    """Where each character of the decoded string starts inside its JSON literal."""
    index = []
    i = 0
    while len(index) < length and i < len(literal):
        index.append(i)
        if literal[i] != "\\":
            i += 1
        elif literal[i + 1 : i + 2] in _ESCAPES:
            i += 2
        else:  # \uXXXX, maybe a surrogate pair that decodes to one character
            code = int(literal[i + 2 : i + 6], 16)
            i += 6
            if 0xD800 <= code < 0xDC00 and literal.startswith("\\u", i):
                i += 6
    index.extend([len(literal)] * (length - len(index)))
    return tuple(index)


class _Stop(Exception):
    """Nothing more of the file can be read (its problem is already reported)."""


class _JsonError(Exception):
    def __init__(self, message: str, pos: int):
        super().__init__(message)
        self.message = message
        self.pos = pos


class _Window:
    """The decoded text of a stream, read in chunks; only what is still needed is kept.

    Positions are absolute character offsets in the file; `base` is the offset of `buf[0]`.
    `locate` turns an offset into (line, column) by counting newlines since the last call.
    """

    def __init__(self, text: TextIO, cap: int):
        self.text = text
        self.cap = cap
        self.buf = ""
        self.base = 0
        self.eof = False
        self._pos, self._line, self._line_start = 0, 1, 0

    @property
    def end(self) -> int:
        return self.base + len(self.buf)

    def more(self) -> bool:
        if self.eof:
            return False
        chunk = self.text.read(CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def char(self, pos: int) -> str:
        while pos >= self.end:
            if not self.more():
                return ""
        return self.buf[pos - self.base]

    def slice(self, start: int, end: int) -> str:
        return self.buf[start - self.base : end - self.base]

    def locate(self, pos: int) -> tuple[int, int]:
        pos = min(max(pos, self._pos, self.base), self.end)
        start = self._pos - self.base
        offset = pos - self.base
        newlines = self.buf.count("\n", start, offset)
        if newlines:
            self._line += newlines
            self._line_start = self.base + self.buf.rindex("\n", start, offset) + 1
        self._pos = pos
        return self._line, pos - self._line_start + 1

    def release(self, upto: int, at_once: bool = False) -> None:
        """Forget the text before `upto` (its lines are counted first). Lazily: the buffer is
        only cut once a chunk's worth is behind, so small posts do not copy it each time."""
        if upto - self.base > (0 if at_once else CHUNK):
            self.locate(upto)
            self.buf = self.buf[upto - self.base :]
            self.base = upto

    def decode(self, pos: int) -> tuple[Any, int]:
        """(value, end) of a complete JSON value at `pos` in the buffer, else (None, -1).

        json's C decoder does it in one pass. A value that ends the buffer may go on in the
        next chunk (a number), so it only counts with text after it, or at the end of file."""
        try:
            obj, end = _DECODER.raw_decode(self.buf, pos - self.base)
        except (ValueError, RecursionError):
            return None, -1
        if end == len(self.buf) and not self.eof:
            return None, -1
        return obj, end + self.base

    def skip_ws(self, pos: int) -> int:
        while True:
            pos = _WS.match(self.buf, pos - self.base).end() + self.base
            if pos < self.end or not self.more():
                return pos

    def string_end(self, pos: int, start: int, keep: bool) -> tuple[int, bool]:
        """(offset after the string literal opening at `pos`, whether it outgrew the cap)."""
        overflow = False
        pos += 1
        while True:
            pos = _STRING_BODY.match(self.buf, pos - self.base).end() + self.base
            if pos < self.end and self.buf[pos - self.base] == '"':
                return pos + 1, overflow
            overflow |= self._bound(start, pos, keep)
            if not self.more():
                raise _JsonError("invalid JSON: unterminated string", start)

    def element_end(self, start: int, keep: bool = True) -> tuple[int, bool]:
        """(offset after the JSON value at `start`, whether it outgrew the cap; then its text is
        gone). Brackets are only counted: json.loads finds the errors inside an element."""
        first = self.char(start)
        if first == '"':
            return self.string_end(start, start, keep)
        if first not in "[{":
            pos = start
            while True:
                pos = _SCALAR.match(self.buf, pos - self.base).end() + self.base
                if pos < self.end or not self.more():
                    if pos == start:
                        raise _JsonError("invalid JSON: expected a value", start)
                    return pos, False
        depth, pos, overflow = 0, start, False
        while True:
            found = _TOKEN.search(self.buf, pos - self.base)
            if found is None:
                pos = self.end
                overflow |= self._bound(start, pos, keep)
                if not self.more():
                    raise _JsonError("invalid JSON: the file ends inside this element", start)
                continue
            pos = found.start() + self.base
            token = found.group()
            if token == '"':
                pos, grew = self.string_end(pos, start, keep)
                overflow |= grew
                continue
            depth += 1 if token in "[{" else -1
            pos += 1
            if depth == 0:
                return pos, overflow

    def _bound(self, start: int, pos: int, keep: bool) -> bool:
        """Past the cap (or not kept at all): drop what was read, keep going on the rest."""
        if keep and pos - start <= self.cap:
            return False
        self.release(pos, at_once=True)
        return keep


def read_json(path: Path, display: str, stream: BinaryIO) -> Iterator[Post]:
    stem = path.stem
    window = _Window(open_text(stream), inputs().limits.row_bytes)
    try:
        pos = window.skip_ws(0)
        first = window.char(pos)
        if first == "[":
            yield from _list(window, pos, display, stem, [0])
        elif first == "{":
            yield from _object(window, pos, display, stem)
        else:
            raise _JsonError("a JSON queue must be a list of posts (or an object with a 'posts' list)",
                             pos)
    except _JsonError as exc:
        yield problem_post(display, stem, 0, Problem("malformed", exc.message, *window.locate(exc.pos)))
    except _Stop:
        return


def _object(window: _Window, pos: int, display: str, stem: str) -> Generator[Post, None, None]:
    """`{"name": …, "posts": [...]}`: members are parsed one by one; only `posts` is kept."""
    counter = [0]
    posts_line: int | None = None
    start_line, start_column = window.locate(pos)
    pos += 1
    while True:
        pos = window.skip_ws(pos)
        if window.char(pos) == "}":
            break
        if window.char(pos) != '"':
            raise _JsonError("invalid JSON: expected a key in quotes", pos)
        key_line, _ = window.locate(pos)
        end, too_long = window.string_end(pos, pos, True)
        try:
            key = "" if too_long else json.loads(window.slice(pos, end))
        except ValueError as exc:  # a control character or a bad escape in the key
            raise _JsonError(f"invalid JSON: {why(exc)}", pos) from None
        pos = window.skip_ws(end)
        if window.char(pos) != ":":
            raise _JsonError("invalid JSON: expected ':' after a key", pos)
        pos = window.skip_ws(pos + 1)
        if key == "posts":
            if posts_line is not None:
                yield problem_post(display, stem, 0, duplicate_posts("JSON reader", posts_line, key_line))
            posts_line = key_line
            if window.char(pos) != "[":
                raise _JsonError("'posts' must be a list of posts", pos)
            pos = yield from _list(window, pos, display, stem, counter)
        else:
            pos, _ = window.element_end(pos, keep=False)
        pos = window.skip_ws(pos)
        if window.char(pos) == ",":
            pos += 1
        elif window.char(pos) != "}":
            raise _JsonError("invalid JSON: expected ',' or '}' after a member", pos)
    if posts_line is None:
        yield problem_post(display, stem, 0, Problem(
            "malformed", "a JSON queue must be a list of posts (or an object with a 'posts' list)",
            start_line, start_column))


def _list(window: _Window, pos: int, display: str, stem: str, counter: list[int]
          ) -> Generator[Post, None, int]:
    """The posts of the list opening at `pos`; returns the offset after its `]`.

    `counter` numbers posts across lists (a duplicate `posts` key has two)."""
    pos += 1
    while True:
        pos = window.skip_ws(pos)
        if window.char(pos) == "]":
            return pos + 1
        if window.char(pos) == "":
            raise _JsonError("invalid JSON: the file ends inside the list", pos)
        counter[0] += 1
        number = counter[0]
        post_id = f"{stem}#{number}"
        line, column = window.locate(pos)
        obj, end = window.decode(pos)  # the common case: a whole, valid element in the buffer
        overflow = False
        if end < 0:  # not (yet) valid here: find its end by scanning, reading on as needed
            try:
                end, overflow = window.element_end(pos)
            except _JsonError as exc:
                yield problem_post(display, post_id, number,
                                   Problem("malformed", exc.message, *window.locate(exc.pos)))
                raise _Stop from None  # nothing after an unterminated element can be read
        if overflow or end - pos > window.cap:
            yield problem_post(display, post_id, number, Problem(
                "malformed", f"this post is larger than {size_text(window.cap)} (no platform takes a "
                             "post that long); it was not read", line, column))
        else:
            raw = window.slice(pos, end)
            problem = text_problem(raw, line, column)
            if problem is None:
                obj, problem = _parse(raw, line, column, obj)
            yield (problem_post(display, post_id, number, problem) if problem is not None
                   else _post(display, post_id, number, obj, raw, line, column))
        window.release(end)
        pos = window.skip_ws(end)
        if window.char(pos) == ",":
            pos += 1
        elif window.char(pos) != "]":
            raise _JsonError("invalid JSON: expected ',' or ']' in the list", pos)
