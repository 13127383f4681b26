"""A fingerprint of what will be published: if any of it changes, the approval is void.

Text, account, platform, scheduled time and media (each file's own bytes, so replacing a
picture behind an unchanged name counts as a change; a URL by its address). Computed from
the post as written in its file, before run options (`--platform`) fill in defaults, so that
`postlint approve` and `postlint check` agree whatever options each was run with.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..model import Post

CHUNK = 1 << 20


def digest(post: Post) -> str:
    """`sha256:<hex>` of the canonical JSON of the post's published parts."""
    media = [[item.source, item.alt or "", _file_digest(post, item.source) if not item.is_url else ""]
             for item in post.media]
    parts = {
        "text": post.text,
        "account": post.account or "",
        "platform": post.platform or "",
        "scheduled_at": post.scheduled_at.isoformat() if post.scheduled_at else "",
        "media": media,
    }
    canonical = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _file_digest(post: Post, source: str) -> str:
    """SHA-256 of a media file's bytes, read in chunks (a video may be large); "missing" when
    it cannot be read (media.missing says why)."""
    from ..media.probe import resolve

    path: Path = resolve(source, post.path)
    sha = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                sha.update(chunk)
    except OSError:
        return "missing"
    return sha.hexdigest()
