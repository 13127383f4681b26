"""postlint's on-disk cache folder, and a content-keyed memo of expensive parsed data.

Parsing the built-in YAML (lexicons, the hashtag knowledge base) on every run would cost
more than the whole check of one draft. Keyed by the files' bytes (and postlint's version),
a cached result can never be stale: editing a rule file changes its key. Any problem with
the cache (unwritable folder, corrupt file) falls back to building, silently: the cache is
an optimisation, never a reason to fail.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Callable, TypeVar

from . import __version__

ENV_DIR = "POSTLINT_CACHE_DIR"
T = TypeVar("T")


def cache_dir() -> Path:
    """$POSTLINT_CACHE_DIR, else the platform's user cache dir (~/.cache/postlint on Linux)."""
    folder = os.environ.get(ENV_DIR)
    if not folder:
        import platformdirs

        folder = platformdirs.user_cache_dir("postlint", appauthor=False)
    return Path(folder)


def content_key(*parts: bytes | str) -> str:
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def memo(namespace: str, key: str, build: Callable[[], T]) -> T:
    """`build()`'s result, pickled under cache_dir()/namespace/key and reused while it exists."""
    if os.environ.get("POSTLINT_NO_DISK_CACHE"):
        return build()
    path = cache_dir() / namespace / f"{key}.pickle"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False) as tmp:
            pickle.dump(value, tmp, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp.name, path)  # atomic: concurrent runs never read a half-written file
    except OSError:
        pass
    return value
