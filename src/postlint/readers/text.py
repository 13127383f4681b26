"""Bytes to text, the same way for every reader, and never more than a bound at a time.

UTF-8 with or without BOM; UTF-16 and UTF-32 when a BOM says so.
Queues are read line by line: a bad byte or a NUL makes a Problem on *that* line, so one
broken row never turns a whole queue into one "encoding" post. Undecodable bytes are kept as
surrogate escapes (U+DC80..U+DCFF) so that every other character keeps its place.
"""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass
from typing import BinaryIO, Iterator, TextIO

from ..model import Problem

BINARY_SNIFF = 8192
# UTF-32 first: its little-endian BOM starts with UTF-16's.
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Not text: a NUL, or a lone surrogate (an undecodable byte kept by surrogateescape, or a
# JSON/YAML "\ud800" escape). No rule can use it and no report can print it.
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")


def encoding_of(head: bytes) -> str:
    """The encoding a file's first bytes announce with a BOM; UTF-8 without one."""
    for bom, name in BOMS:
        if head.startswith(bom):
            return name
    return "utf-8"


def looks_binary(head: bytes) -> bool:
    """Many NUL bytes early in the file, unless a UTF-16/32 BOM explains them.

    Many, not one: a single NUL in a queue row is that row's finding, not a reason to skip
    (or refuse) the whole file."""
    head = head[:BINARY_SNIFF]
    return encoding_of(head) in ("utf-8", "utf-8-sig") and head.count(b"\x00") * 64 > len(head)


def decode(data: bytes) -> tuple[str | None, Problem | None]:
    """A whole (bounded) draft; anything undecodable is a Problem at the first bad byte's line."""
    if looks_binary(data):
        return None, Problem("encoding", "file is not text (binary data)", 1)
    encoding = encoding_of(data)
    if encoding not in ("utf-8", "utf-8-sig"):
        try:
            return data.decode(encoding), None
        except UnicodeDecodeError:
            return None, Problem("encoding", f"the file starts with a {encoding.upper()} byte order "
                                             "mark but is not valid " + encoding.upper(), 1)
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, Problem("encoding", bad_char(chr(0xDC00 + data[exc.start])), line, column)


def first_bad(text: str) -> int:
    """Offset of the first NUL or lone surrogate in `text`, or -1 (one scan, in C)."""
    bad = _NOT_TEXT.search(text)
    return bad.start() if bad else -1


def printable(text: str) -> str:
    """`text` with each NUL and lone surrogate replaced by U+FFFD (one for one)."""
    return _NOT_TEXT.sub("\ufffd", text)


def bad_char(char: str) -> str:
    """Why a character found by first_bad is not text."""
    code = ord(char)
    if code == 0:
        return "a NUL character (binary data) is in the text"
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, kept by surrogateescape
        return f"byte 0x{code - 0xDC00:02x} is not valid UTF-8; save the file as UTF-8"
    return (f"\\u{code:04x} is half of a character (a lone surrogate escape), not text; "
            "write the character itself")


def text_problem(text: str, line: int, column: int = 1) -> Problem | None:
    """A Problem at the first NUL or undecodable byte of `text`, which starts at (line, column)."""
    at = first_bad(text)
    if at < 0:
        return None
    newline = text.rfind("\n", 0, at)
    if newline >= 0:
        line, column = line + text.count("\n", 0, at), at - newline
    else:
        column += at
    return Problem("encoding", bad_char(text[at]), line, column)


def open_text(stream: BinaryIO) -> TextIO:
    """A text view of a binary stream: lines end at '\\n' only, bad bytes become escapes."""
    head = stream.peek(4)[:4] if hasattr(stream, "peek") else b""
    return io.TextIOWrapper(stream, encoding=encoding_of(head), errors="surrogateescape",
                            newline="\n")


@dataclass(frozen=True, slots=True)
class Line:
    number: int  # 1-based
    text: str  # with its '\n' (the last line may have none); "" when `problem` says why not
    problem: Problem | None = None


def lines(stream: BinaryIO, cap: int) -> Iterator[Line]:
    """The lines of a queue file, each at most `cap` characters in memory.

    A longer line is skipped (read in pieces, never whole) and reported; a line with a NUL or
    an undecodable byte carries its Problem. Only a broken UTF-16/32 file stops early: without
    a valid code unit stream there is no next line to go on with.
    """
    text = open_text(stream)
    number = 0
    while True:
        number += 1
        try:
            line = text.readline(cap)
        except UnicodeDecodeError as exc:
            yield Line(number, "", Problem("encoding", f"not valid {exc.encoding.upper()} from "
                                                       "here on; save the file as UTF-8", number))
            return
        if not line:
            return
        if number == 1:
            line = line.lstrip("\ufeff")
        if len(line) >= cap and not line.endswith("\n"):
            while line and not line.endswith("\n"):  # skip the rest without holding it
                line = text.readline(cap)
            yield Line(number, "", Problem("malformed", f"this line is longer than {size_text(cap)} "
                                                        "(no platform takes a post that long); "
                                                        "it was not read", number))
            continue
        yield Line(number, line, text_problem(line, number))


def read_capped(stream: BinaryIO, cap: int) -> tuple[bytes, bool]:
    """At most `cap` bytes, and whether there was more (which is left unread)."""
    data = stream.read(cap + 1)
    return data[:cap], len(data) > cap


def size_text(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{size // 1024} KB"
