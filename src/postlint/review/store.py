"""The approvals file: `.postlint-approvals.jsonl`, one JSON object per approval and line.

Where: beside the nearest config (the one `check` uses for the post), or, without a config,
in the folder of the checked file. Why JSON Lines: every approval is one line that git can
merge, `approve` only ever appends (each run's lines sorted), and the `.gitattributes` line
`postlint approve` adds (`merge=union`) makes git keep both sides' lines when two branches
approve at once. Concurrent `approve` runs take an exclusive lock and write all their lines
in one `write`, so none is lost or interleaved.

Reading never trusts the file: it is size-bounded, each line is bounded and validated, and
a bad line becomes a `Malformed` (a finding naming file and line) while the others count.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NAME = ".postlint-approvals.jsonl"
MAX_FILE_BYTES = 64 * 1024 * 1024  # about 200,000 approvals
MAX_LINE_BYTES = 64 * 1024
MAX_NOTE = 2000  # characters kept of --note
ATTRIBUTE = f"{NAME} merge=union"
REQUIRED = ("post", "path", "digest", "by", "at")


@dataclass(frozen=True)
class Approval:
    post: str
    path: str  # the post's file, relative to the approvals file's folder, with `/`
    digest: str
    by: str
    at: str  # ISO 8601, UTC
    note: str = ""
    findings: tuple[str, ...] = ()  # rule ids the approver saw, one per finding
    line: int = 0  # in the approvals file (0: not written yet)

    def to_json(self) -> str:
        return json.dumps({"post": self.post, "path": self.path, "digest": self.digest,
                           "by": self.by, "at": self.at, "note": self.note,
                           "findings": list(self.findings)}, ensure_ascii=False, sort_keys=False)


@dataclass(frozen=True)
class Malformed:
    line: int
    problem: str


@dataclass(frozen=True)
class Approvals:
    file: Path
    items: tuple[Approval, ...] = ()
    malformed: tuple[Malformed, ...] = ()

    def for_path(self) -> dict[str, list[Approval]]:
        by_path: dict[str, list[Approval]] = {}
        for item in self.items:
            by_path.setdefault(item.path, []).append(item)
        return by_path


def folder_for(config_path: str | None, post_path: str) -> Path:
    """Beside the config; without one, the folder of the post's file (stdin: here)."""
    if config_path:
        return Path(config_path).resolve().parent
    if post_path in ("-", "<memory>"):
        return Path.cwd().resolve()
    return Path(post_path).resolve().parent


def key_path(post_path: str, folder: Path) -> str:
    """The post's file as the approvals file names it: relative to its folder, `/`-separated,
    so the file means the same in every clone and from every working folder."""
    if post_path in ("-", "<memory>"):
        return post_path
    target = Path(post_path).resolve()
    try:
        return target.relative_to(folder).as_posix()
    except ValueError:
        return Path(os.path.relpath(target, folder)).as_posix()


def read(file: Path) -> Approvals:
    """Every valid approval of `file` (none when it does not exist) and every bad line."""
    try:
        size = file.stat().st_size
    except FileNotFoundError:
        return Approvals(file)
    except OSError as exc:
        return Approvals(file, malformed=(Malformed(1, f"cannot be read ({exc.strerror or exc})"),))
    if size > MAX_FILE_BYTES:
        return Approvals(file, malformed=(Malformed(1, f"is {size // 1_000_000} MB, more than the "
                                                       f"{MAX_FILE_BYTES // 1_000_000} MB postlint reads; "
                                                       "no approval in it was counted"),))
    items: list[Approval] = []
    bad: list[Malformed] = []
    with file.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            approval, problem = parse_line(raw, number)
            if problem:
                bad.append(Malformed(number, problem))
            elif approval is not None:
                items.append(approval)
    return Approvals(file, tuple(items), tuple(bad))


def parse_line(raw: bytes, number: int) -> tuple[Approval | None, str]:
    """(approval, "") or (None, what is wrong) for one line; never echoes the line itself."""
    if len(raw) > MAX_LINE_BYTES:
        return None, f"is longer than {MAX_LINE_BYTES // 1024} KiB"
    try:
        data: Any = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, "is not UTF-8 text"
    except json.JSONDecodeError as exc:
        return None, f"is not valid JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(data, dict):
        return None, "is not a JSON object"
    missing = [key for key in REQUIRED if not isinstance(data.get(key), str) or not data[key].strip()]
    if missing:
        return None, f"has no {', '.join(repr(k) for k in missing)} (text)"
    findings = data.get("findings", [])
    if not isinstance(findings, list) or not all(isinstance(f, str) for f in findings):
        return None, "'findings' must be a list of rule ids"
    note = data.get("note") or ""
    if not isinstance(note, str):
        return None, "'note' must be text"
    return Approval(data["post"], data["path"], data["digest"], data["by"].strip(), data["at"],
                    note, tuple(findings), number), ""


def append(file: Path, approvals: list[Approval]) -> None:
    """Add `approvals` (sorted by file and post) at the end of `file`, under an exclusive lock
    and in one write, so that concurrent runs never lose or interleave lines. Inside a git
    work tree, also make sure `.gitattributes` merges the file by union."""
    lines = sorted(approvals, key=lambda a: (a.path, a.post, a.by))
    payload = "".join(a.to_json() + "\n" for a in lines).encode("utf-8")
    fd = os.open(file, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        with _locked(fd):
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                payload = b"\n" + payload  # a hand edit left the last line open
            _write_all(fd, payload)
            os.fsync(fd)
            _union_merge(file.parent)
    finally:
        os.close(fd)


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


class _locked:
    """An exclusive advisory lock on an open file (fcntl on POSIX, msvcrt on Windows)."""

    def __init__(self, fd: int):
        self.fd = fd

    def __enter__(self) -> None:
        try:
            import fcntl

            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except ImportError:  # Windows
            import msvcrt

            msvcrt.locking(self.fd, msvcrt.LK_LOCK, 1)  # type: ignore[attr-defined]

    def __exit__(self, *exc: object) -> None:
        try:
            import fcntl

            fcntl.flock(self.fd, fcntl.LOCK_UN)
        except ImportError:
            import msvcrt

            msvcrt.locking(self.fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]


def _union_merge(folder: Path) -> None:
    """Add `.postlint-approvals.jsonl merge=union` to the folder's .gitattributes, once, when
    the folder is in a git work tree: git then keeps the lines of both sides of a merge."""
    if not any((parent / ".git").exists() for parent in (folder, *folder.parents)):
        return
    attributes = folder / ".gitattributes"
    try:
        text = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    except (OSError, UnicodeDecodeError):
        return  # not ours to repair; approvals are written all the same
    if any(line.split()[:1] == [NAME] for line in text.splitlines()):
        return
    prefix = "" if not text or text.endswith("\n") else "\n"
    with attributes.open("a", encoding="utf-8") as handle:
        handle.write(f"{prefix}# postlint approve: keep both sides' approvals when branches merge\n"
                     f"{ATTRIBUTE}\n")
