"""Input readers: every path on the command line becomes a stream of Posts.

One module per format; `reader_for` picks one by file suffix. Readers never raise for bad
content (that becomes a Problem on a post); only a path that cannot be read at all is a
UsageError, which ends the run with status 2 after the other paths are checked.

Only regular files are read (a device such as /dev/zero or a FIFO would never end), each as
a stream with a bound on what is held at once (see `text`). Folders are walked in a stable
order; names that are never posts (rules/inputs.yaml `not_posts`, and the config's `exclude`
globs) are skipped, and a file reached twice (`drafts` and `/abs/drafts`) is read once.
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path, PurePath
from typing import BinaryIO, Callable, Iterator

from ..errors import UsageError
from ..model import Post
from . import csvqueue, draft, jsonqueue, yamlqueue
from .inputs import inputs
from .text import BINARY_SNIFF, looks_binary, open_text

Reader = Callable[[Path, str, BinaryIO], Iterator[Post]]

QUEUE_READERS: dict[str, Reader] = {
    ".csv": csvqueue.read,
    ".jsonl": jsonqueue.read_jsonl,
    ".ndjson": jsonqueue.read_jsonl,
    ".json": jsonqueue.read_json,
    ".yaml": yamlqueue.read,
    ".yml": yamlqueue.read,
}

Note = Callable[[str], None]
OnError = Callable[[UsageError], None]


@dataclass(frozen=True)
class Walk:
    """How paths become files: what to skip, and what an empty path means."""

    # The config's `exclude` globs for a path (folders too); see `runner`.
    excluded: Callable[[Path], bool] = lambda path: False
    force_exclude: bool = False  # skip excluded files even when named on the command line
    allow_empty: bool = False  # a path with no posts is fine (else: exit 2, it is a typo)


@dataclass
class _Seen:
    files: set[tuple[int, int]] = field(default_factory=set)  # (device, inode) already read


def reader_for(path: Path) -> Reader:
    return QUEUE_READERS.get(path.suffix.lower(), draft.read)


def not_a_post(name: str) -> bool:
    """A file or folder name that is never a post (rules/inputs.yaml `not_posts`)."""
    return any(fnmatchcase(name, pattern) for pattern in inputs().not_posts)


def matches_globs(path: Path, root: Path, patterns: tuple[str, ...]) -> bool:
    """Does `path` (a file or folder) match one of `patterns`, relative to `root`?

    A pattern without '/' matches any file or folder name below `root` (`drafts-old`,
    `*.bak`); one with '/' matches the path from `root` (`archive/2023`, `templates/*`,
    where `*` also crosses folders), and a folder it matches excludes everything in it.
    """
    try:
        parts = (path.parent.resolve() / path.name).relative_to(root).parts
    except ValueError:  # not below the config's folder
        return False
    for pattern in patterns:
        pattern = pattern.strip("/")
        if "/" not in pattern:
            if any(fnmatchcase(part, pattern) for part in parts):
                return True
        elif any(fnmatchcase("/".join(parts[:i]), pattern) for i in range(1, len(parts) + 1)):
            return True
    return False


def excluded_path(path: PurePath, walk: Walk) -> bool:
    """Excluded by name (any part of the path as given) or by the config's globs."""
    return any(not_a_post(part) for part in path.parts if part not in (".", "..", path.anchor)) \
        or walk.excluded(Path(path))


def read_posts(paths: list[str], note: Note, error: OnError, walk: Walk = Walk()
               ) -> Iterator[tuple[Path, Post]]:
    """Every post of every input, with the file it came from (for config lookup).

    A path that yields no post at all is an error (a mistyped or empty folder must not pass
    as "no findings") unless `walk.allow_empty`, or unless it was skipped on purpose.
    """
    seen = _Seen()
    failed: list[UsageError] = []

    def report(exc: UsageError) -> None:
        failed.append(exc)
        error(exc)

    for arg in paths:
        found = 0
        on_purpose = False
        failed.clear()
        try:
            if arg == "-":
                found += yield from _read(Path("-"), "-", sys.stdin.buffer)
                continue
            for path, display, handle in _files(arg, note, report, walk, seen):
                if handle is None:  # skipped on purpose, or read already
                    on_purpose = True
                    continue
                with handle:
                    found += yield from _read(path, display, handle)
        except InputError as exc:  # not a config's error: that one ends the run (runner)
            error(exc)
            continue
        if not found and not on_purpose and not failed and not walk.allow_empty:
            error(UsageError("no posts found (an empty folder, or no draft or queue file in it); "
                             "check the path, or pass --allow-empty if that is expected", arg))


def _read(path: Path, display: str, handle: BinaryIO) -> Iterator[tuple[Path, Post]]:
    """The posts of one file. A reader never raises for bad content; if it raises anyway (a
    bug), that is one line and exit 2 naming the file, and the other files are still read."""
    count = 0
    try:
        for post in reader_for(path)(path, display, handle):
            count += 1
            yield path, post
    except Exception as exc:  # noqa: BLE001 - a bug must not look like "findings" (exit 1)
        if os.environ.get("POSTLINT_DEBUG"):
            raise
        raise InputError(f"could not read the rest of this file (a postlint bug: "
                         f"{type(exc).__name__}: {str(exc)[:100]}); please report it", display) from None
    return count


class InputError(UsageError):
    """A path that cannot be read: reported, and the other paths are still checked."""


class _NotRegular(InputError):
    pass


def _files(arg: str, note: Note, error: OnError, walk: Walk, seen: _Seen
           ) -> Iterator[tuple[Path, str, BinaryIO | None]]:
    """(path, display name, open binary file) of each file under `arg`; None for a file that
    was skipped on purpose. Raises InputError for an argument that cannot be read at all."""
    path = Path(arg)
    try:
        info = os.stat(path)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError):
            raise InputError("no such file or directory", arg) from None
        raise InputError(f"cannot read: {exc.strerror or exc}", arg) from None
    if stat.S_ISDIR(info.st_mode):
        yield from _walk(path, note, error, walk, seen)
        return
    if walk.force_exclude and excluded_path(path, walk):  # silently, as ruff does: a hook's
        yield path, arg, None                                # output is for findings
        return
    handle = _open(path, arg)
    if _first_time(handle, seen):
        yield path, arg, handle
    else:
        handle.close()
        yield path, arg, None


def _walk(root: Path, note: Note, error: OnError, walk: Walk, seen: _Seen
          ) -> Iterator[tuple[Path, str, BinaryIO | None]]:
    def unreadable(exc: OSError) -> None:  # a folder os.walk cannot list: said, not skipped silently
        error(InputError(f"cannot read: {exc.strerror or exc}", exc.filename or str(root)))

    for folder, dirs, files in os.walk(root, onerror=unreadable):
        base = Path(folder)
        dirs[:] = sorted(d for d in dirs if not not_a_post(d) and not walk.excluded(base / d))
        for name in sorted(files):
            path = base / name
            if not_a_post(name) or walk.excluded(path):
                continue
            display = str(path)
            try:
                handle = _open(path, display)
            except _NotRegular:
                note(f"{display}: skipped, not a regular file (a device, pipe or socket)")
                continue
            except InputError as exc:  # unreadable: reported (exit 2), the folder read on
                error(exc)
                continue
            if not _first_time(handle, seen):
                handle.close()
                yield path, display, None
                continue
            reason = _skip_reason(path, handle)
            if reason:
                handle.close()
                note(f"{display}: skipped, {reason}")
                continue
            yield path, display, handle


def _open(path: Path, display: str) -> BinaryIO:
    """The file opened for reading, if it is a regular file.

    Opened without blocking and checked before any byte is read: opening a FIFO for reading
    would wait for a writer forever, and a device such as /dev/zero never ends.
    """
    nonblocking = getattr(os, "O_NONBLOCK", 0)  # POSIX; Windows has no FIFOs to wait on
    try:
        fd = os.open(path, os.O_RDONLY | nonblocking | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", display) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise _NotRegular("not a regular file (a device, pipe or socket); postlint reads files, "
                          "and - for stdin", display)
    if nonblocking:
        os.set_blocking(fd, True)
    return open(fd, "rb")


def _first_time(handle: BinaryIO, seen: _Seen) -> bool:
    info = os.fstat(handle.fileno())
    key = (info.st_dev, info.st_ino)
    if key in seen.files:
        return False
    seen.files.add(key)
    return True


def _skip_reason(path: Path, handle: BinaryIO) -> str | None:
    """Why a file met while walking a folder is not read as posts (None: it is read)."""
    head = handle.peek(BINARY_SNIFF)[:BINARY_SNIFF] if hasattr(handle, "peek") else b""
    if looks_binary(head):
        return "not a text file"
    if path.suffix.lower() in (".yaml", ".yml"):
        text = open_text(handle)
        try:
            queue = yamlqueue.has_posts(text, inputs().limits.row_bytes)
        except UnicodeDecodeError:
            queue = False
        handle = text.detach()
        handle.seek(0)
        if not queue:
            return "a YAML file without a 'posts:' list"
    return None
