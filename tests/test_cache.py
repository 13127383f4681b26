"""The content-keyed memo of parsed YAML: never stale, never a reason to fail, never code."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from postlint import cache
from postlint.rules import builtin_rules_dir, load_file, rule_files

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
    files = list((cache.cache_dir() / "rules").glob("*"))
    assert len(files) == 1  # the conftest points the cache into this test's tmp_path
    path.write_text(RULE.format(severity="warning"))
    assert str(load_file(path)[0].severity) == "warning"  # new bytes, new key
    for file in (cache.cache_dir() / "rules").glob("*"):
        file.write_bytes(b"not what the cache writes")
    assert str(load_file(path)[0].severity) == "warning"  # corrupt entry: rebuilt silently


def test_unwritable_cache_dir_still_works(tmp_path: Path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("POSTLINT_CACHE_DIR", str(blocker / "sub"))
    assert cache.memo("ns", "k", lambda: 42) == 42


class _Payload:
    """Unpickling this runs a shell command: what a planted cache file would do."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_planted_cache_files_never_run_code(tmp_path: Path, write):
    """CI caches and shared folders can hand anyone's files to the cache folder. Replace every
    entry a run wrote with a pickle that runs a command: the next run must not run it, and
    must still find the same things (the entries are rebuilt)."""
    # spelling only (no spaCy tables to build in the fresh cache folder); "tommorow" needs the
    # two-edit search, so the common-words entries are written and read back too
    draft = write("d.txt", "Tambien we recieve #CofeeTime orders tommorow 🎉 https://acme.com/x\n")
    env = {**os.environ, "POSTLINT_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("POSTLINT_NO_DISK_CACHE", None)
    command = [sys.executable, "-m", "postlint", "check", "--offline", "--format", "json",
               "--quiet", "--lang", "en", "--select", "spelling", str(draft)]
    first = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    entries = [p for ns in ("yaml", "rules", "common-words")
               for p in (tmp_path / "cache" / ns).glob("*") if p.is_file()]
    assert len(entries) > 10 and any(p.parent.name == "common-words" for p in entries)
    marker = tmp_path / "pwned"
    planted = pickle.dumps(_Payload(marker))
    for entry in entries:
        entry.write_bytes(planted)
        entry.with_suffix(".pickle").write_bytes(planted)  # whatever name the memo might read
    second = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert not marker.exists()
    assert second.returncode == first.returncode == 1, second.stderr
    assert json.loads(second.stdout)["findings"] == json.loads(first.stdout)["findings"]


@pytest.mark.parametrize("path", rule_files(builtin_rules_dir()), ids=lambda p: p.name)
def test_every_builtin_rule_file_comes_back_from_the_cache_unchanged(path: Path):
    """JSON has no tuples, dates or integer keys: they must still come back as they went in."""
    from postlint.rules import _items_shape, _validated_items
    from postlint.yamlfile import load

    text = path.read_text("utf-8-sig")
    for namespace, build in (("yaml", lambda: load(path, text=text)[0]),
                             ("rules", lambda: _validated_items(path, text))):
        built = cache.memo(namespace, "k-" + path.name, build)
        again = cache.memo(namespace, "k-" + path.name, lambda: pytest.fail("not read back"))
        assert again == built and type(again) is type(built)
    assert _items_shape(cache.memo("rules", "k-" + path.name, lambda: None))


def test_values_yaml_can_hold_survive_the_round_trip():
    value = {"when": datetime(2025, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=1))),
             "day": date(2025, 3, 1), 3: ("a", 1), True: {"$": "not a tag"}, "raw": b"\x00\xff",
             "set": {1, 2}, "pairs": [("k", "v")], "nan-free": 1.5, None: None}
    assert cache.memo("ns", "mixed", lambda: value) == value
    assert cache.memo("ns", "mixed", lambda: pytest.fail("not read back")) == value


def test_an_entry_of_the_wrong_shape_is_rebuilt(tmp_path: Path):
    path = tmp_path / "r.yaml"
    path.write_text(RULE.format(severity="error"))
    load_file(path)
    [entry] = (cache.cache_dir() / "rules").glob("*")
    entry.write_text(json.dumps([[{"id": "x"}, 1]]))  # valid JSON, not validated rules
    assert [r.id for r in load_file(path)] == ["brand.word"]
