"""The last copy of each fetched feed: JSON in the postlint cache folder, with its fetch time.

Why keep it: `events.refresh` reuses a fresh copy instead of asking the newsroom again for
every `postlint check` (pre-commit runs several at once), and `--offline` runs, or a feed
that is down, use the last copy and say how old it is. JSON, never pickle: the file is data
from the network and loading it must never execute anything. Items are stored, not the raw
body, so a copy stays small and is parsed once. Any problem with the folder is silent: a
cache is an optimisation (the feed is then simply fetched again, or reported missing offline).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import datetime
from pathlib import Path

from .model import Item

FOLDER = "events"
MAX_BYTES = 16 * 1024 * 1024
VERSION = 1


def path_for(source: str) -> Path:
    from ..cache import cache_dir

    digest = hashlib.blake2b(source.encode(), digest_size=12).hexdigest()
    return cache_dir() / FOLDER / f"feed-{digest}.json"


def load(source: str) -> tuple[datetime, str, list[Item]] | None:
    """(fetched at, format, items) of the last copy of `source`, or None."""
    try:
        with path_for(source).open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return None
        data = json.loads(raw.decode("utf-8"))
        if data.get("version") != VERSION or data.get("source") != source:
            return None
        return (datetime.fromisoformat(data["fetched_at"]), str(data.get("format") or ""),
                [Item.from_dict(item) for item in data["items"]])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def save(source: str, fetched_at: datetime, fmt: str, items: list[Item]) -> None:
    path = path_for(source)
    data = {"version": VERSION, "source": source, "fetched_at": fetched_at.isoformat(),
            "format": fmt, "items": [item.to_dict() for item in items]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8",
                                         suffix=".tmp") as tmp:
            json.dump(data, tmp, ensure_ascii=False)
        os.replace(tmp.name, path)  # atomic: a concurrent run never reads half a file
    except OSError:
        pass
