"""CSV queues: a header row naming the columns, or Hootsuite's headerless bulk format.

Hootsuite's bulk composer CSV has no header and three columns: date, message, link. We
recognise it when the first row has no known column name and its first cell is a date.

The file is read as a stream, one record at a time (`_Records`), each bounded: a broken
record or an undecodable line costs that row only.

To point findings at the right line and column, we keep the raw lines of every record and
find the message cell inside them ourselves (the csv module does not report offsets).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import BinaryIO, Iterator

from ..model import Locator, Post, Problem
from .fields import build_post, field_of, problem_post
from .inputs import inputs
from .text import Line, lines, printable, size_text

HOOTSUITE_DATE = re.compile(r"^\s*\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2})?)?\s*$")


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


def read(path: Path, display: str, stream: BinaryIO) -> Iterator[Post]:
    stem = path.stem
    cap = inputs().limits.row_bytes
    if csv.field_size_limit() < cap:  # the csv module's own limit (128 KB) is not ours to report
        csv.field_size_limit(cap)
    records = _Records(lines(stream, cap), cap)
    header: list[str] | None = None
    hootsuite = False
    message_col = 0
    number = 0
    columns_reported = False
    for record in records.records():
        if record.problem is not None:
            if header is None and not hootsuite:  # no columns to read the rest by
                yield problem_post(display, stem, 0, record.problem)
                return
            number += 1
            yield problem_post(display, f"{stem}#{number}", number, record.problem)
            continue
        row, raw, start = record.row, record.raw, record.line
        if not any(cell.strip() for cell in row):
            continue
        if header is None and not hootsuite:
            names = [c.strip().lstrip("\ufeff") for c in row]
            message_cols = [i for i, name in enumerate(names) if field_of(name) == "message"]
            if message_cols:
                header = names
                message_col = min(message_cols, key=lambda i: inputs().field_of(names[i])[1])
                header_line = start
                continue
            if len(row) >= 2 and HOOTSUITE_DATE.match(row[0]):
                hootsuite = True
                message_col = 1
            else:
                yield problem_post(
                    display, stem, 0,
                    Problem("malformed",
                            "CSV has no message column (name one of: message, text, post, content, "
                            "body; rules/inputs.yaml lists every spelling) and is not a Hootsuite bulk "
                            "CSV (date, message, link)", start),
                )
                return
        number += 1
        field_lines: dict[str, int] = {}
        if hootsuite:
            fields = {"date": parse_hootsuite_date(row[0]), "message": row[1]}
            if len(row) > 2 and row[2].strip():
                fields["link"] = row[2]
        else:
            assert header is not None
            fields = {name: row[i] for i, name in enumerate(header) if name and i < len(row)}
            if not columns_reported:  # unknown columns: once, on the header, not on every row
                field_lines = {name: header_line for name in header if field_of(name) is None}
        message = row[message_col] if message_col < len(row) else ""
        yield build_post(
            path=display,
            post_id=f"{stem}#{number}",
            text=message,
            fields=fields,
            locator=_locator(raw, start, message_col, message),
            index=number,
            field_lines={**{k: start for k in fields}, **field_lines},
            problems=[] if message.strip() else [Problem("empty", "the message cell is empty", start)],
            unknown=None if columns_reported else "column",
        )
        columns_reported = True


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


class _Record:
    """One CSV record: its cells, its raw text and first line; or the Problem that replaced it."""

    __slots__ = ("row", "raw", "line", "problem")

    def __init__(self, row: list[str], raw: str, line: int, problem: Problem | None = None):
        self.row, self.raw, self.line, self.problem = row, raw, line, problem


class _Records:
    """Records of a CSV stream, one at a time, each at most `cap` characters.

    csv.reader is fed the physical lines of one record (a quoted cell may span lines) from a
    small buffer, so a broken record can be re-read from its second line: a stray quote costs
    one row, not the rest of the file. A line with an undecodable byte or a NUL is that row's
    Problem. When the line is otherwise text (a NUL, a bad byte) csv.reader still reads it,
    with those characters replaced, so a quoted cell that goes on to the next lines stays one
    record (one row, one post); a line that cannot be text at all ends its record there.

    Re-reading is bounded (REREAD caps of text per file): lines such as `a","` close a quoted
    cell and open the next one, so from every one of them a record runs on to the end of the
    file, and re-reading the rest for each would take hours. Past the bound, the rest of the
    file is one finding.
    """

    REREAD = 4

    def __init__(self, source: Iterator[Line], cap: int):
        self.source = source
        self.cap = cap
        self.buffer: list[Line] = []  # lines read but not yet part of a finished record
        self.used = 0  # lines of the buffer fed to the current record
        self.size = 0  # characters fed to the current record
        self.reread = 0  # characters fed to broken records beyond their first line
        self.flawed: Problem | None = None  # the first problem of a line the record read anyway

    def __iter__(self) -> _Records:  # csv.reader's line source: the lines of one record
        return self

    def records(self) -> Iterator[_Record]:
        while True:
            self.used = self.size = 0
            self.flawed = None
            try:
                row = next(csv.reader(self, strict=True))
            except StopIteration:
                return
            except _Bad as bad:  # this record reached a line that cannot be text
                first = self.buffer[0].number
                del self.buffer[: self.used]
                yield _Record([], "", first, bad.problem)
                continue
            except (csv.Error, _TooBig) as exc:
                first = self.buffer[0]
                del self.buffer[:1]  # skip the record's first line, read on from the next
                self.reread += self.size - len(first.text)
                if self.reread > self.REREAD * self.cap:
                    yield _Record([], "", first.number, Problem(
                        "malformed", "broken CSV quoting from here on (quoted cells that never end, "
                                     "row after row); the rest of the file was not read", first.number))
                    return
                message = (f"broken CSV quoting: {exc}" if isinstance(exc, csv.Error) else
                           f"this row is longer than {size_text(self.cap)} (no platform takes a post "
                           "that long, so a quote is probably never closed)")
                yield _Record([], "", first.number, Problem("malformed", message, first.number))
                continue
            done = self.buffer[: self.used]
            del self.buffer[: self.used]
            yield _Record(row, "".join(line.text for line in done), done[0].number, self.flawed)

    def __next__(self) -> str:
        if self.used == len(self.buffer):
            line = next(self.source, None)
            if line is None:
                raise StopIteration
            self.buffer.append(line)
        line = self.buffer[self.used]
        self.used += 1
        text = line.text
        if line.problem is not None:
            if not text:  # nothing of the line could be read
                raise _Bad(line.problem)
            self.flawed = self.flawed or line.problem
            text = printable(text)  # same length: the rest of the record reads as written
        self.size += len(text)
        if self.size > self.cap:
            raise _TooBig
        return text


class _Bad(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


class _TooBig(Exception):
    pass
