"""The `media` field: the pictures and videos that go out with a post.

Written the same way in every format: a list whose items are a path or URL, or a mapping
`{path: …, alt: "…"}`; a single string is `;`-separated (a CSV cell cannot hold a list), and a
CSV `media_alt` column gives the alt texts in the same order. A bad item becomes a message
for a Problem, never an exception, so one bad row never stops a queue.
"""

from __future__ import annotations

import difflib
from typing import Any

from ..model import MediaItem

ITEM_KEYS = ("path", "url", "alt")
MAX_ITEMS = 100  # far above any platform's limit; bounds the work one row can ask for


def split_cell(value: str) -> list[str]:
    """`a.jpg; b.png` -> ["a.jpg", "b.png"] (empty pieces dropped)."""
    return [piece.strip() for piece in value.split(";") if piece.strip()]


def parse(value: Any, alts: Any, line: int) -> tuple[tuple[MediaItem, ...], list[str]]:
    """(items, problems) of a `media` field and an optional `media_alt` field."""
    if value in (None, ""):
        return (), []
    if isinstance(value, str):
        raw: list[Any] = split_cell(value)
    elif isinstance(value, list):
        raw = value
    else:
        return (), ["media must be a list of paths or URLs (or {path, alt} mappings)"]
    items: list[MediaItem] = []
    problems: list[str] = []
    for i, entry in enumerate(raw[:MAX_ITEMS]):
        item, problem = _item(entry, i, line)
        if problem:
            problems.append(problem)
        elif item is not None:
            items.append(item)
    if len(raw) > MAX_ITEMS:
        problems.append(f"media lists {len(raw)} items; only the first {MAX_ITEMS} were read")
    if alts not in (None, ""):
        if not isinstance(alts, str):
            problems.append("media_alt must be text: alt texts separated by ';'")
        else:
            items = _with_alts(items, [a.strip() for a in alts.split(";")])
    return tuple(items), problems


def _item(entry: Any, index: int, line: int) -> tuple[MediaItem | None, str | None]:
    where = f"media[{index}]"
    if isinstance(entry, str):
        return (MediaItem(entry.strip(), None, line), None) if entry.strip() else (None, None)
    if not isinstance(entry, dict):
        return None, f"{where} must be a path, a URL or a mapping {{path: …, alt: …}}"
    for key in entry:
        if str(key) not in ITEM_KEYS:
            close = difflib.get_close_matches(str(key), ITEM_KEYS, n=1, cutoff=0.5)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            return None, f"{where}: unknown key {str(key)!r}{hint}"
    source = entry.get("path", entry.get("url"))
    if not isinstance(source, str) or not source.strip():
        return None, f"{where} needs a `path` (a file relative to the post, or a URL)"
    alt = entry.get("alt")
    if alt is not None and not isinstance(alt, str):
        return None, f"{where}.alt must be text"
    return MediaItem(source.strip(), alt.strip() if alt else None, line), None


def _with_alts(items: list[MediaItem], alts: list[str]) -> list[MediaItem]:
    """Give the i-th item the i-th alt text of a CSV `media_alt` cell, unless it has one."""
    from dataclasses import replace

    return [replace(item, alt=alts[i] or None) if i < len(alts) and not item.alt else item
            for i, item in enumerate(items)]
