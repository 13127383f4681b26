"""The link cache: an SQLite file in the user cache directory, shared by concurrent runs.

Pre-commit starts several postlint processes at once, so the store must tolerate parallel
readers and writers (WAL journal, a busy timeout, one short write transaction per run).
A cache is an optimisation, never trusted blindly and never a reason to fail:
- a corrupted file is rebuilt with a warning, whether the damage shows when it is opened
  or only when a row is read (else it would be switched off again on every run);
- every row is validated (types, a time not in the future, a result the caller accepts);
  a row postlint did not write - a bug, a shared or planted cache folder - is ignored and
  deleted, so its URL is checked again;
- other database trouble (locked, read-only) disables the cache for the run only.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

ENV_DIR = "POSTLINT_CACHE_DIR"
FILE_NAME = "links.sqlite3"
SCHEMA = """CREATE TABLE IF NOT EXISTS links_v1 (
    key TEXT PRIMARY KEY,
    checked_at REAL NOT NULL,
    ok INTEGER NOT NULL,
    result TEXT NOT NULL
)"""
BATCH = 500  # SQLite's limit on host parameters is 999 in old builds
MAX_RESULT = 16384  # characters of one stored result: ours are a few hundred
CLOCK_SKEW = 300  # seconds a row's time may lie ahead of ours (another machine's clock)
CORRUPT = (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB


def _corrupt(exc: sqlite3.Error) -> bool:
    """The file is damaged (as opposed to locked, read-only or full)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in CORRUPT
    return type(exc) is sqlite3.DatabaseError


def default_path() -> Path:
    """$POSTLINT_CACHE_DIR/links.sqlite3, else the platform's user cache dir
    (~/.cache/postlint on Linux, ~/Library/Caches/postlint on macOS)."""
    from ..cache import cache_dir  # the same folder rule, without importing platformdirs

    return cache_dir() / FILE_NAME


def _warn(message: str) -> None:
    print(f"postlint: warning: {message}", file=sys.stderr)


@dataclass(frozen=True)
class Entry:
    result: dict
    checked_at: float
    ok: bool


class LinkCache:
    """Results by key (policy + normalised URL), with their age; `get`/`put` never raise."""

    def __init__(self, path: Path | None = None, warn: Callable[[str], None] = _warn):
        self.path = path or default_path()
        self.warn = warn
        self._conn: sqlite3.Connection | None = None
        self._broken = False

    def _connect(self) -> sqlite3.Connection | None:
        if self._conn is not None or self._broken:
            return self._conn
        try:
            self._conn = self._open()
        except sqlite3.OperationalError as exc:  # locked, unwritable: not corruption
            self._disable(f"cannot open the link cache {self.path} ({exc})")
        except sqlite3.DatabaseError as exc:  # "file is not a database", "malformed" 
            self.warn(f"link cache {self.path} is unreadable ({exc}); rebuilding it")
            self._remove_files()
            try:
                self._conn = self._open()
            except (sqlite3.Error, OSError) as again:
                self._disable(f"cannot rebuild the link cache {self.path} ({again})")
        except (sqlite3.Error, OSError) as exc:
            self._disable(f"cannot open the link cache {self.path} ({exc})")
        return self._conn

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None,
                               check_same_thread=False)
        try:
            conn.execute("PRAGMA busy_timeout = 10000")
            try:
                conn.execute("PRAGMA journal_mode = WAL")
            except sqlite3.OperationalError:
                pass  # e.g. a network file system: the default journal still works
            conn.execute(SCHEMA)
            conn.execute("SELECT count(*) FROM links_v1 LIMIT 1").fetchone()
        except BaseException:
            conn.close()
            raise
        return conn

    def _remove_files(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                Path(str(self.path) + suffix).unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                self.warn(f"cannot remove {self.path}{suffix} ({exc})")

    def _disable(self, message: str) -> None:
        self.warn(message + "; continuing without the link cache")
        self._broken = True
        if self._conn is not None:
            self._conn.close()
        self._conn = None

    def get_many(self, keys: Iterable[str],
                 accept: Callable[[str, Entry], bool] = lambda key, entry: True) -> dict[str, Entry]:
        """The entries stored under `keys`. A row that is not what postlint writes, or that
        `accept(key, entry)` refuses, is left out and deleted."""
        conn = self._connect()
        found: dict[str, Entry] = {}
        if conn is None:
            return found
        keys = list(keys)
        bad: list[str] = []
        now = time.time()
        try:
            for i in range(0, len(keys), BATCH):
                batch = keys[i:i + BATCH]
                marks = ",".join("?" * len(batch))
                rows = conn.execute(
                    f"SELECT key, checked_at, ok, result FROM links_v1 WHERE key IN ({marks})", batch)
                for key, checked_at, ok, result in rows:
                    entry = _entry(checked_at, ok, result, now)
                    if entry is None or not accept(key, entry):
                        bad.append(key)
                    else:
                        found[key] = entry
        except sqlite3.Error as exc:
            self._trouble("read", exc)
            return {}
        if bad:
            self._delete(bad)
        return found

    def _delete(self, keys: list[str]) -> None:
        conn = self._connect()
        if conn is None:
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
            for i in range(0, len(keys), BATCH):
                batch = keys[i:i + BATCH]
                conn.execute(f"DELETE FROM links_v1 WHERE key IN ({','.join('?' * len(batch))})", batch)
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback(conn)
            self._trouble("clean", exc)

    def _trouble(self, doing: str, exc: sqlite3.Error) -> None:
        """A damaged file is rebuilt (the next run would only meet it again); anything else
        (locked, read-only, disk full) switches the cache off for this run."""
        if _corrupt(exc):
            self.warn(f"link cache {self.path} is unreadable ({exc}); rebuilding it")
            self.close()
            self._remove_files()
            try:
                self._conn = self._open()
            except (sqlite3.Error, OSError) as again:
                self._disable(f"cannot rebuild the link cache {self.path} ({again})")
            return
        self._disable(f"cannot {doing} the link cache {self.path} ({exc})")

    @staticmethod
    def _rollback(conn: sqlite3.Connection) -> None:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    def put_many(self, items: Iterable[tuple[str, dict, bool]], now: float | None = None,
                 keep_days: float | None = None) -> None:
        """Store results in one short transaction; entries older than `keep_days` go, so the
        file does not grow forever with links of long-gone campaigns."""
        conn = self._connect()
        if conn is None:
            return
        now = time.time() if now is None else now
        rows = [(key, now, int(ok), json.dumps(result)) for key, result, ok in items]
        if not rows:
            return
        for attempt in range(2):  # again once on a store rebuilt after damage
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany("INSERT OR REPLACE INTO links_v1 VALUES (?, ?, ?, ?)", rows)
                if keep_days is not None:
                    conn.execute("DELETE FROM links_v1 WHERE checked_at < ?", (now - keep_days * 86400,))
                conn.execute("COMMIT")
                return
            except sqlite3.Error as exc:
                self._rollback(conn)
                self._trouble("write", exc)
                conn = self._conn
                if conn is None or attempt:
                    return

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _entry(checked_at: object, ok: object, result: object, now: float) -> Entry | None:
    """A stored row as an Entry, or None when it is not what `put_many` writes."""
    if not isinstance(checked_at, (int, float)) or isinstance(checked_at, bool):
        return None
    if not 0 <= checked_at <= now + CLOCK_SKEW:  # NaN fails this too
        return None
    if ok not in (0, 1) or not isinstance(result, str) or len(result) > MAX_RESULT:
        return None
    try:
        data = json.loads(result)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    return Entry(data, float(checked_at), bool(ok))
