"""The public API: a pure function over posts, usable inside a real distributed engine."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

import postlint
from postlint.errors import UsageError

ROOT = Path(__file__).resolve().parents[1]
CORE = ("input", "platform", "schedule")
NOW = postlint.Options(now=datetime(2025, 1, 15, tzinfo=timezone.utc), offline=True)


def test_lint_posts_and_mappings():
    posts = [
        postlint.make_post("a" * 300, id="long", platform="x"),
        {"id": "bad", "text": "hi", "platform": "myspace"},
        {"id": "old", "text": "hi", "scheduled_at": "2020-01-01T00:00:00Z"},
    ]
    findings = postlint.lint(posts, options=NOW, select=CORE)
    # ranked: severity, then file, then the post's position (make_post's index)
    assert [(f.rule, f.post) for f in findings] == [
        ("platform.too-long", "long"), ("input.malformed", "bad"), ("schedule.past", "old")]
    assert findings[0].column == 281


def test_lint_is_pure_and_repeatable(tmp_path):
    cfg_path = tmp_path / ".postlint.yaml"
    cfg_path.write_text("rules: {severity: {platform: warning}}\n")
    config = postlint.load_config(cfg_path)
    posts = [postlint.make_post("b" * 300, id=str(i), platform="x") for i in range(3)]
    first = postlint.lint(posts, config, options=NOW, select=CORE)
    assert first == postlint.lint(posts, config, options=NOW, select=CORE)
    assert {f.severity for f in first} == {postlint.Severity.WARNING}
    assert postlint.lint(posts, config, options=NOW, select=CORE, ignore=["platform"]) == []


def test_dask_example_runs_on_a_real_local_cluster(tmp_path):
    pytest.importorskip("dask.bag", reason="dask is in the test extra; install '.[test]'")
    queue = tmp_path / "archive.jsonl"
    with queue.open("w") as out:
        for i in range(400):
            text = "c" * 300 if i % 4 == 0 else f"Post number {i}"
            out.write(json.dumps({"id": f"p{i}", "platform": "x", "text": text}) + "\n")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "dask_lint.py"), str(queue), "--partitions", "4",
         "--now", "2025-01-15T00:00:00+00:00"],
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    findings = [json.loads(line) for line in proc.stdout.splitlines()]
    too_long = [f for f in findings if f["rule"] == "platform.too-long"]
    assert sorted(f["post"] for f in too_long) == sorted(f"p{i}" for i in range(0, 400, 4))
    assert proc.stderr.strip().endswith(f"{len(findings)} findings")


def test_unknown_languages_are_refused_as_in_the_cli(tmp_path):
    config = tmp_path / ".postlint.yaml"
    config.write_text("languages: [en, englsh]\n")
    with pytest.raises(UsageError, match=r":1: languages: unknown language 'englsh' \(did you mean 'en'\?\)"):
        postlint.lint([postlint.make_post("hi")], postlint.load_config(config), options=NOW)
    options = postlint.Options(now=NOW.now, offline=True, lang="klingon")
    with pytest.raises(UsageError, match="lang: unknown language 'klingon'"):
        postlint.lint([postlint.make_post("hi")], options=options)
