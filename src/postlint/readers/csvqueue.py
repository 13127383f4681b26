"""CSV queues: a header row naming the columns, or Hootsuite's headerless bulk format.

Hootsuite's bulk composer CSV has no header and three columns: date, message, link. We
recognise it when the first row has no known column name and its first cell is a date.

To point findings at the right line and column, we keep the raw lines of every record and
find the message cell inside them ourselves (the csv module does not report offsets).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Iterator

from ..model import Locator, Post, Problem
from .fields import ACCOUNT_KEYS, DATE_KEYS, LINK_KEYS, MESSAGE_KEYS, build_post, problem_post
from .text import decode

HOOTSUITE_DATE = re.compile(r"^\s*\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2})?)?\s*$")
KNOWN_COLUMNS = {*MESSAGE_KEYS, *DATE_KEYS, *ACCOUNT_KEYS, *LINK_KEYS, "id", "platform", "language", "ignore"}


def cell_spans(raw: str) -> list[tuple[int, int, bool]]:
    """(start, end, quoted) of each cell's content in one raw CSV record."""
    spans = []
    i, n = 0, len(raw)
    while True:
        if i < n and raw[i] == '"':
            start = i + 1
            i += 1
            while i < n:
                if raw[i] == '"':
                    if i + 1 < n and raw[i + 1] == '"':
                        i += 2
                        continue
                    break
                i += 1
            spans.append((start, i, True))
            i += 1
            while i < n and raw[i] not in ",\r\n":
                i += 1
        else:
            start = i
            while i < n and raw[i] not in ",\r\n":
                i += 1
            spans.append((start, i, False))
        if i < n and raw[i] == ",":
            i += 1
            continue
        return spans


def parse_hootsuite_date(value: str) -> str:
    """Hootsuite writes dd/mm/yyyy hh:mm or mm/dd/yyyy hh:mm; we return ISO 8601.

    Month-first is assumed when both readings are possible (Hootsuite's template default).
    """
    value = value.strip()
    match = re.match(r"^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})(?:[ T](\d{1,2}):(\d{2}))?", value)
    if not match:
        return value
    a, b, c, hh, mm = match.groups()
    if len(a) == 4:
        year, month, day = int(a), int(b), int(c)
    else:
        year = int(c) if len(c) == 4 else 2000 + int(c)
        month, day = (int(a), int(b)) if int(a) <= 12 else (int(b), int(a))
    return f"{year:04d}-{month:02d}-{day:02d}T{int(hh or 0):02d}:{int(mm or 0):02d}:00"


def read(path: Path, display: str, data: bytes) -> Iterator[Post]:
    stem = path.stem
    text, problem = decode(data)
    if problem:
        yield problem_post(display, stem, 0, problem)
        return
    assert text is not None
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]  # only '\n' ends a line, as in every other locator
    header: list[str] | None = None
    hootsuite = False
    message_col = 0
    position = 0  # index of the next unread line
    number = 0
    while position < len(lines):
        start = position
        source = _LineFeed(lines, start)
        try:
            row = next(csv.reader(source, strict=True))
        except csv.Error as exc:
            number += 1
            yield problem_post(
                display, f"{stem}#{number}", number,
                Problem("malformed", f"broken CSV quoting: {exc}", start + 1),
            )
            position = start + 1  # skip the broken line, read on
            continue
        except StopIteration:
            break
        position = source.position
        if not any(cell.strip() for cell in row):
            continue
        if header is None and not hootsuite:
            names = [c.strip().lower().lstrip("\ufeff") for c in row]
            if any(name in MESSAGE_KEYS for name in names):
                header = names
                message_col = next(i for i, name in enumerate(names) if name in MESSAGE_KEYS)
                continue
            if len(row) >= 2 and HOOTSUITE_DATE.match(row[0]):
                hootsuite = True
                message_col = 1
            else:
                yield problem_post(
                    display, stem, 0,
                    Problem("malformed",
                            "CSV has no message column (name one of: " + ", ".join(MESSAGE_KEYS)
                            + ") and is not a Hootsuite bulk CSV (date, message, link)", start + 1),
                )
                return
        number += 1
        raw = "".join(lines[start:position])
        if hootsuite:
            fields = {"date": parse_hootsuite_date(row[0]), "message": row[1]}
            if len(row) > 2 and row[2].strip():
                fields["link"] = row[2]
        else:
            assert header is not None
            fields = {name: row[i] for i, name in enumerate(header) if name and i < len(row)}
        message = row[message_col] if message_col < len(row) else ""
        yield build_post(
            path=display,
            post_id=f"{stem}#{number}",
            text=message,
            fields=fields,
            locator=_locator(raw, start + 1, message_col, message),
            index=number,
            field_lines={k: start + 1 for k in fields},
            problems=[] if message.strip() else [Problem("empty", "the message cell is empty", start + 1)],
        )


def _locator(raw: str, line: int, col_index: int, message: str) -> Locator:
    spans = cell_spans(raw)
    if col_index >= len(spans):
        return Locator(line, 1)
    begin, end, quoted = spans[col_index]
    cell_raw = raw[begin:end]
    head_line = line + raw.count("\n", 0, begin)
    head_col = begin - (raw.rfind("\n", 0, begin) + 1) + 1
    if cell_raw == message:
        return Locator(head_line, head_col)
    index = tuple(i for i, _ in _unescape_positions(cell_raw)) if quoted else None
    if index is None or len(index) != len(message):
        return Locator(head_line, head_col)
    return Locator(head_line, head_col, raw=cell_raw, index=index)


def _unescape_positions(cell_raw: str) -> Iterator[tuple[int, str]]:
    i = 0
    while i < len(cell_raw):
        yield i, cell_raw[i]
        i += 2 if cell_raw[i] == '"' and cell_raw[i + 1 : i + 2] == '"' else 1


class _LineFeed:
    """Feeds lines to csv.reader and remembers how far it read (a record may span lines)."""

    def __init__(self, lines: list[str], position: int):
        self.lines = lines
        self.position = position

    def __iter__(self) -> "_LineFeed":
        return self

    def __next__(self) -> str:
        if self.position >= len(self.lines):
            raise StopIteration
        self.position += 1
        return self.lines[self.position - 1]
