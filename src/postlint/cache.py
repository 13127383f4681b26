"""postlint's on-disk cache folder, and a content-keyed memo of expensive parsed data.

Parsing the built-in YAML (lexicons, the hashtag knowledge base) on every run would cost
more than the whole check of one draft. Keyed by the files' bytes (and postlint's version),
a cached result can never be stale: editing a rule file changes its key. Any problem with
the cache (unwritable folder, corrupt file) falls back to building, silently: the cache is
an optimisation, never a reason to fail.

The cache folder is shared ground: CI caches restore it, teams point POSTLINT_CACHE_DIR at
shared folders. So entries are JSON, which cannot run code when read (a pickle can), read
with a size bound, and checked by the caller's `valid` before use; anything else is rebuilt.
JSON has no tuples, sets, dates or non-string keys, which parsed YAML and our own values
use, so those are written as small tagged objects (`{"$": "tuple", "v": [...]}`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, TypeVar

from . import __version__

ENV_DIR = "POSTLINT_CACHE_DIR"
MAX_BYTES = 64 * 1024 * 1024  # our largest entry (a language's common words) is ~3 MB
T = TypeVar("T")


def cache_dir() -> Path:
    """$POSTLINT_CACHE_DIR, else the platform's user cache dir (~/.cache/postlint on Linux)."""
    folder = os.environ.get(ENV_DIR)
    if folder:
        return Path(folder)
    if sys.platform.startswith("linux"):  # platformdirs' own rule, without its ~10 ms import
        base = os.environ.get("XDG_CACHE_HOME", "").strip()
        return Path(base if base else os.path.expanduser("~/.cache")) / "postlint"
    import platformdirs

    return Path(platformdirs.user_cache_dir("postlint", appauthor=False))


def content_key(*parts: bytes | str) -> str:
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def memo(namespace: str, key: str, build: Callable[[], T],
         valid: Callable[[Any], bool] = lambda value: True) -> T:
    """`build()`'s result, kept as JSON under cache_dir()/namespace/key and reused while it
    exists and `valid(value)` accepts what was read back."""
    if os.environ.get("POSTLINT_NO_DISK_CACHE"):
        return build()
    path = cache_dir() / namespace / f"{key}.json"
    found = _read(path)
    if found is not _MISSING and valid(found):
        return found  # type: ignore[return-value]
    value = build()
    _write(path, value)
    return value


_MISSING = object()


def _read(path: Path) -> Any:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return _MISSING
        return json.loads(raw, object_hook=_decode)
    except (OSError, ValueError, RecursionError, TypeError, KeyError):
        return _MISSING  # missing, unreadable, not ours: rebuilt


def _write(path: Path, value: Any) -> None:
    try:
        text = json.dumps(_encode(value), ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        return  # a value JSON cannot hold: built on every run, still correct
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent,
                                         delete=False) as tmp:
            tmp.write(text)
        os.replace(tmp.name, path)  # atomic: concurrent runs never read a half-written file
    except OSError:
        pass


def _encode(value: Any) -> Any:
    """JSON-ready form of `value`; TypeError for what has no faithful form."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value) and "$" not in value:
            return {k: _encode(v) for k, v in value.items()}
        return {"$": "map", "v": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"$": "tuple", "v": [_encode(v) for v in value]}
    if isinstance(value, (set, frozenset)):
        return {"$": type(value).__name__, "v": [_encode(v) for v in value]}
    if isinstance(value, datetime):  # before date: a datetime is a date
        return {"$": "datetime", "v": value.isoformat()}
    if isinstance(value, date):
        return {"$": "date", "v": value.isoformat()}
    if isinstance(value, bytes):
        return {"$": "bytes", "v": base64.b64encode(value).decode("ascii")}
    raise TypeError(f"cannot keep a {type(value).__name__} in the cache")


_DECODERS: dict[str, Callable[[Any], Any]] = {
    "map": lambda v: {k: x for k, x in v},
    "tuple": tuple,
    "set": set,
    "frozenset": frozenset,
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "bytes": lambda v: base64.b64decode(v, validate=True),
}


def _decode(obj: dict[str, Any]) -> Any:
    """Inverse of `_encode` for one JSON object (inner objects are decoded first)."""
    if "$" not in obj:
        return obj
    return _DECODERS[obj["$"]](obj["v"])
