"""One post per file, with optional YAML front matter between `---` lines.

Line numbers in findings count the front matter too, so the body's locator starts on the
line after the closing `---`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from .. import yamlfile
from ..errors import UsageError
from ..model import Locator, Post, Problem
from .fields import build_post, problem_post
from .text import decode

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


def read(path: Path, display: str, data: bytes) -> Iterator[Post]:
    stem = path.stem if path.name != "-" else "stdin"
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
        try:
            data_, node = yamlfile.load(display, text=front)
        except UsageError as exc:
            problems.append(
                Problem("malformed", f"front matter: {exc.message}", (exc.line or 0) + 1)
            )
        else:
            if isinstance(data_, dict):
                fields = {str(k): v for k, v in data_.items()}
                for key_node, _ in node.value:
                    field_lines[str(key_node.value)] = key_node.start_mark.line + 2
            else:
                problems.append(Problem("malformed", "front matter must be a mapping of keys", 2))
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
