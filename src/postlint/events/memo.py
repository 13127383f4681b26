"""Parsed data files kept as JSON in the cache folder, keyed by the files' bytes.

Validating the sensitive-date calendars and the term lists with file and line costs more than
checking a draft, so the validated result is kept and reused while the files are unchanged
(editing one changes the key). JSON, never pickle: loading a cache must not execute anything.
Any problem with the cache folder falls back to building: it is an optimisation.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Callable


def json_memo(name: str, paths: list[Any], build: Callable[[], Any]) -> Any:
    """`build()` (a JSON-able value), or its copy from a previous run with the same files."""
    from ..cache import cache_dir, content_key

    if os.environ.get("POSTLINT_NO_DISK_CACHE"):
        return build()
    try:
        key = content_key(name, *(Path(p).read_bytes() for p in paths))
    except OSError:
        return build()
    path = cache_dir() / "events" / f"{name}-{key}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8",
                                         suffix=".tmp") as tmp:
            json.dump(value, tmp, ensure_ascii=False)
        os.replace(tmp.name, path)
    except OSError:
        pass
    return value
