"""YAML queues: a list of post mappings under `posts:`.

The node tree gives every field's line; the message scalar's start mark and style let us
map offsets in the text back to the file (block scalars are indented, quoted ones escaped).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import yaml

from .. import yamlfile
from ..errors import UsageError
from ..model import Locator, Post, Problem
from .fields import MESSAGE_KEYS, align, build_post, problem_post
from .text import decode


def has_posts(data: bytes) -> bool:
    """Cheap test used by directory walks: is this YAML file a queue at all?"""
    return any(line.startswith(b"posts:") for line in data.splitlines())


def read(path: Path, display: str, data: bytes) -> Iterator[Post]:
    stem = path.stem
    text, problem = decode(data)
    if problem:
        yield problem_post(display, stem, 0, problem)
        return
    assert text is not None
    try:
        loaded, root = yamlfile.load(display, text=text)
    except UsageError as exc:
        yield problem_post(display, stem, 0, Problem("malformed", exc.message, exc.line or 1))
        return
    posts_node = None
    if isinstance(root, yaml.MappingNode):
        posts_node = next((v for k, v in root.value if k.value == "posts"), None)
    if not isinstance(loaded, dict) or not isinstance(loaded.get("posts"), list) or not isinstance(
        posts_node, yaml.SequenceNode
    ):
        yield problem_post(display, stem, 0,
                           Problem("malformed", "a YAML queue must have a 'posts:' list", 1))
        return
    for number, (item, node) in enumerate(zip(loaded["posts"], posts_node.value), start=1):
        line = node.start_mark.line + 1
        post_id = f"{stem}#{number}"
        if not isinstance(item, dict):
            yield problem_post(display, post_id, number,
                               Problem("malformed", "each post must be a mapping of fields", line))
            continue
        field_lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
        key = next((k for k in MESSAGE_KEYS if isinstance(item.get(k), str)), None)
        message = item[key] if key else ""
        locator = Locator(line, node.start_mark.column + 1)
        if key:
            value_node = next(v for k, v in node.value if k.value == key)
            locator = _scalar_locator(text, value_node, message)
        problems = [] if message.strip() else [Problem("empty", "the post has no message text", line)]
        yield build_post(path=display, post_id=post_id, text=message, fields=item,
                         locator=locator, index=number, field_lines=field_lines, problems=problems)


def _scalar_locator(text: str, node: yaml.Node, message: str) -> Locator:
    mark = node.start_mark
    raw = text[mark.index : node.end_mark.index]
    if raw == message:
        return Locator(mark.line + 1, mark.column + 1)
    index = align(message, raw)
    if index is None:
        return Locator(mark.line + 1, mark.column + 1)
    return Locator(mark.line + 1, mark.column + 1, raw=raw, index=index)
