"""The content-keyed memo of parsed YAML: never stale, never a reason to fail."""

from __future__ import annotations

from pathlib import Path

from postlint import cache
from postlint.rules import load_file

RULE = """\
rules:
  - id: brand.word
    type: pattern
    category: spelling
    severity: {severity}
    patterns: [foo]
    summary: s
    message: m
"""


def test_edit_invalidates_and_corruption_rebuilds(tmp_path: Path):
    path = tmp_path / "r.yaml"
    path.write_text(RULE.format(severity="error"))
    assert str(load_file(path)[0].severity) == "error"
    files = list((cache.cache_dir() / "rules").glob("*.pickle"))
    assert len(files) == 1  # the conftest points the cache into this test's tmp_path
    path.write_text(RULE.format(severity="warning"))
    assert str(load_file(path)[0].severity) == "warning"  # new bytes, new key
    for file in (cache.cache_dir() / "rules").glob("*.pickle"):
        file.write_bytes(b"not a pickle")
    assert str(load_file(path)[0].severity) == "warning"  # corrupt entry: rebuilt silently


def test_unwritable_cache_dir_still_works(tmp_path: Path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("POSTLINT_CACHE_DIR", str(blocker / "sub"))
    assert cache.memo("ns", "k", lambda: 42) == 42
