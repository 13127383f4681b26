"""The files under PATH: the only files the page may read or write.

Every path the page sends is relative to the served folder. It is refused when it is absolute,
names `..` or a hidden file or folder, holds a NUL, or resolves (symlinks followed) outside
the folder or into a hidden one; reads are bounded
(a draft is at most `inputs.limits.draft_bytes`, as for `check`). Writing a draft replaces only
its text: the front matter is kept byte for byte, and the file is replaced atomically.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..readers import QUEUE_READERS, not_a_post
from ..readers.draft import split_front_matter
from ..readers.inputs import inputs

DRAFT_SUFFIXES = (".txt", ".md", ".markdown")
# Hidden files are never posts (folder walks skip them) and are where keys and settings live
# (.git/, .ssh/, .env): the page does not open them even under PATH.
HIDDEN = "hidden files and folders are not opened from the page"
MAX_LISTED = 2000  # files and folders offered in the page's picker


class PathError(Exception):
    """A path the page may not use; the message is safe to show to the user."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Entry:
    path: str  # relative to the root, `/`-separated; "" is the root itself
    kind: str  # folder | draft | queue


@dataclass(frozen=True)
class Draft:
    path: str
    front: str  # everything before the text, exactly as in the file (fences included)
    text: str
    sha: str  # of the file's bytes: a save is refused if the file changed meanwhile


@dataclass(frozen=True)
class Workspace:
    root: Path  # resolved, a folder

    @classmethod
    def at(cls, path: Path) -> Workspace:
        return cls(path.resolve())

    def resolve(self, relative: str) -> Path:
        """The existing file or folder `relative` names under the root, or PathError."""
        if not isinstance(relative, str) or "\x00" in relative or "\\" in relative:
            raise PathError("not a valid path")
        pure = PurePosixPath(relative or ".")
        if pure.is_absolute() or ".." in pure.parts:
            raise PathError("only paths inside the served folder can be opened")
        if any(part.startswith(".") for part in pure.parts):
            raise PathError(HIDDEN)
        try:
            target = (self.root / pure).resolve(strict=True)
        except FileNotFoundError:
            raise PathError(f"{relative!s:.80} does not exist", 404) from None
        except (OSError, RuntimeError):  # a link loop, a name the system refuses
            raise PathError("not a valid path") from None
        if target != self.root and not target.is_relative_to(self.root):
            raise PathError("only paths inside the served folder can be opened")
        if any(part.startswith(".") for part in target.relative_to(self.root).parts):
            raise PathError(HIDDEN)  # a link to .git/ or .ssh/ under the folder
        return target

    def display(self, path: Path | str) -> str:
        """A path as the page shows it: relative to the root."""
        try:
            return Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def entries(self) -> list[Entry]:
        """Folders, drafts and queue files under the root that a folder walk would read
        (hidden and never-a-post names skipped), in a stable order, at most MAX_LISTED."""
        found = [Entry("", "folder")]
        for folder, dirs, files in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if not not_a_post(d))
            base = Path(folder)
            if base != self.root:
                found.append(Entry(base.relative_to(self.root).as_posix(), "folder"))
            for name in sorted(files):
                kind = file_kind(Path(name))
                if kind and not not_a_post(name) and (base / name).is_file():
                    found.append(Entry((base / name).relative_to(self.root).as_posix(), kind))
            if len(found) >= MAX_LISTED:
                break
        return found[:MAX_LISTED]

    def read_draft(self, relative: str) -> Draft:
        path = self._draft_path(relative)
        data = _bounded(path)
        text = _decode(data)
        front, body = split_draft(text)
        return Draft(self.display(path), front, body, _sha(data))

    def write_draft(self, relative: str, text: str, base_sha: str | None) -> Draft:
        """Replace the draft's text, keeping its front matter; PathError(409) when the file
        changed since `base_sha` was read (someone else saved it)."""
        path = self._draft_path(relative)
        data = _bounded(path)
        if base_sha and base_sha != _sha(data):
            raise PathError("the file changed since it was opened; reload it before saving", 409)
        old = _decode(data)
        front, _ = split_draft(old)
        newline = "\r\n" if "\r\n" in old else "\n"
        body = text.replace("\r\n", "\n").replace("\n", newline)
        bom = "\ufeff" if old.startswith("\ufeff") else ""
        payload = (bom + front + body).encode("utf-8")
        if len(payload) > inputs().limits.draft_bytes:
            raise PathError("the text is larger than a post can be", 413)
        _replace(path, payload)
        return Draft(self.display(path), front, body, _sha(payload))

    def _draft_path(self, relative: str) -> Path:
        path = self.resolve(relative)
        if not path.is_file() or file_kind(path) != "draft":
            raise PathError("only draft files (.txt, .md) can be edited from the page; a queue "
                            "is edited in the tool that exports it", 400)
        return path


def file_kind(path: Path) -> str | None:
    """draft, queue, or None for a file the page does not offer (it may still be read by a
    folder walk, as `check` reads any text file)."""
    suffix = path.suffix.lower()
    if suffix in QUEUE_READERS:
        return "queue"
    return "draft" if suffix in DRAFT_SUFFIXES else None


def split_draft(text: str) -> tuple[str, str]:
    """(front matter with its fences and the line after them, text), so that front + text is
    the file again. A draft without front matter has an empty front."""
    stripped = text.lstrip("\ufeff")
    front, _, body_line, problem = split_front_matter(stripped)
    if front is None or problem is not None:
        return "", stripped
    cut = 0
    for _ in range(body_line - 1):
        cut = stripped.index("\n", cut) + 1
    return stripped[:cut], stripped[cut:]


def _bounded(path: Path) -> bytes:
    from ..errors import UsageError
    from ..files import read_bytes

    try:
        return read_bytes(path, inputs().limits.draft_bytes, "draft")
    except UsageError as exc:
        raise PathError(str(exc).split(": ", 1)[-1], 400) from None


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise PathError("the file is not UTF-8 text; it cannot be edited here", 400) from None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _replace(path: Path, payload: bytes) -> None:
    """Write beside the file and rename over it: a crash never leaves half a draft."""
    mode = path.stat().st_mode & 0o7777
    fd, temp = tempfile.mkstemp(prefix=".postlint-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
