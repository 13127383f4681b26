"""Input readers: every path on the command line becomes a stream of Posts.

One module per format. `iter_files` expands directories; `read_file` picks the reader by
file suffix. Readers never raise for bad content (that becomes a Problem on a post); only a
missing or unreadable path is a UsageError, which ends the run with status 2.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable, Iterator

from ..errors import UsageError
from ..model import Post
from . import csvqueue, draft, jsonqueue, yamlqueue
from .text import looks_binary

Reader = Callable[[Path, str, bytes], Iterator[Post]]

QUEUE_READERS: dict[str, Reader] = {
    ".csv": csvqueue.read,
    ".jsonl": jsonqueue.read_jsonl,
    ".ndjson": jsonqueue.read_jsonl,
    ".json": jsonqueue.read_json,
    ".yaml": yamlqueue.read,
    ".yml": yamlqueue.read,
}
# Files that live next to drafts but are never posts.
NOT_POSTS = {".postlint.yaml", ".pre-commit-config.yaml", ".pre-commit-hooks.yaml"}
NOT_POST_SUFFIXES = {".ics"}

Note = Callable[[str], None]
OnError = Callable[[UsageError], None]


def reader_for(path: Path) -> Reader:
    return QUEUE_READERS.get(path.suffix.lower(), draft.read)


def iter_files(paths: list[str], note: Note, error: OnError) -> Iterator[tuple[Path, str, bytes]]:
    """(path, display name, bytes) of every input file, in a stable order.

    An unreadable path is reported through `error` and skipped, so the rest is still checked.
    """
    for arg in paths:
        if arg == "-":
            yield Path("-"), "-", sys.stdin.buffer.read()
            continue
        path = Path(arg)
        try:
            if path.is_dir():
                yield from _walk(path, note, error)
            elif path.exists():
                yield path, arg, _read_bytes(path, arg)
            else:
                raise UsageError("no such file or directory", arg)
        except UsageError as exc:
            error(exc)


def _walk(root: Path, note: Note, error: OnError) -> Iterator[tuple[Path, str, bytes]]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name in NOT_POSTS:
                continue
            path = Path(folder) / name
            if path.suffix.lower() in NOT_POST_SUFFIXES:
                continue
            display = str(path)
            try:
                data = _read_bytes(path, display)
            except UsageError as exc:
                error(exc)
                continue
            if looks_binary(data):
                note(f"{display}: skipped, not a text file")
                continue
            if path.suffix.lower() in (".yaml", ".yml") and not yamlqueue.has_posts(data):
                note(f"{display}: skipped, a YAML file without a 'posts:' list")
                continue
            yield path, display, data


def _read_bytes(path: Path, display: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read: {exc.strerror or exc}", display) from None


def read_posts(paths: list[str], note: Note, error: OnError) -> Iterator[tuple[Path, Post]]:
    """Every post of every input, with the file it came from (for config lookup)."""
    for path, display, data in iter_files(paths, note, error):
        for post in reader_for(path)(path, display, data):
            yield path, post
