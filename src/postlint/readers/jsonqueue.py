"""JSON Lines and JSON-list queues.

The json module reports no positions for values, so we decode the list one element at a
time with `raw_decode` (which tells where each element ends) and find the message's string
literal inside the element's raw text to map every character back to a line and column.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator

from ..model import Locator, Post, Problem
from .fields import MESSAGE_KEYS, build_post, problem_post
from .text import decode

_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\r\n]*")
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def read_jsonl(path: Path, display: str, data: bytes) -> Iterator[Post]:
    stem = path.stem
    text, problem = decode(data)
    if problem:
        yield problem_post(display, stem, 0, problem)
        return
    assert text is not None
    lines = _Lines(text)
    offset = 0
    number = 0
    for line_no, line in enumerate(text.split("\n"), start=1):
        start_offset, offset = offset, offset + len(line) + 1
        if not line.strip():
            continue
        number += 1
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield problem_post(display, f"{stem}#{number}", number,
                               Problem("malformed", f"invalid JSON: {exc.msg}", line_no, exc.colno))
            continue
        yield _post(display, f"{stem}#{number}", number, obj, lines, start_offset, len(line))


def read_json(path: Path, display: str, data: bytes) -> Iterator[Post]:
    stem = path.stem
    text, problem = decode(data)
    if problem:
        yield problem_post(display, stem, 0, problem)
        return
    assert text is not None
    _line_col = _Lines(text)

    def fail(message: str, pos: int) -> Post:
        return problem_post(display, stem, 0, Problem("malformed", message, *_line_col(pos)))

    pos = _WS.match(text, 0).end()
    if text.startswith("{", pos):  # tolerate {"posts": [...]}
        try:
            obj, _ = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield fail(f"invalid JSON: {exc.msg}", exc.pos)
            return
        if not isinstance(obj.get("posts"), list):
            yield fail("a JSON queue must be a list of posts (or an object with a 'posts' list)", pos)
            return
        pos = text.index("[", text.index('"posts"', pos))
    if not text.startswith("[", pos):
        yield fail("a JSON queue must be a list of posts", pos)
        return
    pos += 1
    number = 0
    while True:
        pos = _WS.match(text, pos).end()
        if text.startswith("]", pos):
            return
        number += 1
        try:
            obj, end = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield problem_post(display, f"{stem}#{number}", number,
                               Problem("malformed", f"invalid JSON: {exc.msg}", *_line_col(exc.pos)))
            return  # we cannot find where the next element starts
        yield _post(display, f"{stem}#{number}", number, obj, _line_col, pos, end - pos)
        pos = _WS.match(text, end).end()
        if text.startswith(",", pos):
            pos += 1
        elif not text.startswith("]", pos):
            yield problem_post(display, f"{stem}#{number + 1}", number + 1,
                               Problem("malformed", "expected ',' or ']' in the JSON list",
                                       *_line_col(pos)))
            return


class _Lines:
    """Line/column of offsets that mostly increase: counts newlines only since the last call,
    so locating every post of a 100,000-line queue stays linear."""

    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.line = 1

    def __call__(self, pos: int) -> tuple[int, int]:
        if pos < self.pos:
            self.pos, self.line = 0, 1
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line, pos - (self.text.rfind("\n", 0, pos) + 1) + 1


def _post(display: str, post_id: str, number: int, obj: Any, lines: _Lines, start: int,
          length: int) -> Post:
    text = lines.text
    line, col = lines(start)
    if not isinstance(obj, dict):
        return problem_post(display, post_id, number,
                            Problem("malformed", "each post must be a JSON object", line, col))
    key = next((k for k in MESSAGE_KEYS if isinstance(obj.get(k), str)), None)
    message = obj[key] if key else ""
    problems = [] if message.strip() else [Problem("empty", "the post has no message text", line, col)]
    locator = Locator(line, col)
    if key:
        literal = re.compile(r'"%s"\s*:\s*"' % re.escape(key)).search(text, start, start + length)
        if literal:
            locator = _string_locator(lines, literal.end(), message)
    return build_post(path=display, post_id=post_id, text=message,
                      fields={k: v for k, v in obj.items()}, locator=locator, index=number,
                      field_lines={k: line for k in obj}, problems=problems)


def _string_locator(lines: _Lines, begin: int, message: str) -> Locator:
    """Locator for a JSON string literal whose content starts at `begin`."""
    text = lines.text
    line, col = lines(begin)
    end = begin + len(message)
    if text[begin:end] == message and text[end : end + 1] == '"':
        return Locator(line, col)
    index = []
    i = begin
    while len(index) < len(message):
        index.append(i - begin)
        if text[i] != "\\":
            i += 1
        elif text[i + 1] in _ESCAPES:
            i += 2
        else:  # \uXXXX, maybe a surrogate pair that decodes to one character
            code = int(text[i + 2 : i + 6], 16)
            i += 6
            if 0xD800 <= code < 0xDC00 and text.startswith("\\u", i):
                i += 6
    return Locator(line, col, raw=text[begin:i], index=tuple(index))
