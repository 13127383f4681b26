"""One post per file, with optional YAML front matter between `---` lines.

Line numbers in findings count the front matter too, so the body's locator starts on the
line after the closing `---`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO, Iterator

from ..model import Locator, Post, Problem
from .fields import build_post, problem_post
from .inputs import inputs
from .text import decode, read_capped, size_text
from .yamlnodes import front_matter

FENCE = "---"


def split_front_matter(text: str) -> tuple[str | None, str, int, Problem | None]:
    """(front matter or None, body, body's first line, problem)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        return None, text, 1, None
    for i in range(1, len(lines)):
        if lines[i].rstrip() in (FENCE, "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2, None
    return None, text, 1, Problem("malformed", "front matter starts with '---' but never ends", 1)


def _size(stream: BinaryIO) -> int | None:
    """The file's size without reading it (None for a pipe such as stdin)."""
    try:
        return os.fstat(stream.fileno()).st_size
    except (OSError, AttributeError, ValueError):
        return None


def read(path: Path, display: str, stream: BinaryIO) -> Iterator[Post]:
    stem = path.stem if path.name != "-" else "stdin"
    cap = inputs().limits.draft_bytes
    size = _size(stream)
    data, more = (b"", True) if size is not None and size > cap else read_capped(stream, cap)
    if more:  # a post is never this long: say so at once instead of reading 50 MB
        what = f"the file is {size_text(size)}" if size else f"the input is over {size_text(cap)}"
        yield problem_post(display, stem, 0, Problem(
            "malformed", f"{what}, larger than a post can be ({size_text(cap)} at most: no platform "
                         "takes anything near that); it was not read", 1))
        return
    text, problem = decode(data)
    if problem:
        yield problem_post(display, stem, 0, problem)
        return
    assert text is not None
    front, body, body_line, problem = split_front_matter(text)
    problems = [problem] if problem else []
    fields: dict = {}
    field_lines: dict[str, int] = {}
    if front is not None and front.strip():
        fields, field_lines, bad = front_matter(front)
        problems.extend(bad)
    if not body.strip() and not problems:
        problems.append(Problem("empty", "the post is empty", body_line if front else 1))
    yield build_post(
        path=display,
        post_id=stem,
        text=body,
        fields=fields,
        locator=Locator(body_line, 1),
        index=0,
        field_lines=field_lines,
        problems=problems,
    )
