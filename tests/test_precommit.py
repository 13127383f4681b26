"""The pre-commit hook, run by the real `pre-commit` package in a throwaway git repository.

The hook definition is this checkout's `.pre-commit-hooks.yaml` (its root is found from this
file, so the test works from any clone). By default it is used as a `repo: local` hook with
every field copied verbatim except `language` (the postlint under test, instead of a fresh
virtualenv), and run from a real `git commit`. With POSTLINT_PRECOMMIT_CLONE=1 pre-commit
instead clones this repository at HEAD and builds the hook's own environment, exactly as a
user's pre-commit does (slower: it pip-installs postlint and all its dependencies).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HOOKS = ROOT / ".pre-commit-hooks.yaml"


def _hook() -> dict:
    return yaml.safe_load(HOOKS.read_text("utf-8"))[0]


def _local_hook() -> dict:
    """Our hook definition as a `repo: local` hook: same fields, the installed postlint."""
    from pre_commit.all_languages import languages

    hook = dict(_hook())
    hook["language"] = "unsupported" if "unsupported" in languages else "system"  # `system` before 4.4
    return hook


def _git_env(home: Path) -> dict[str, str]:
    """A clean environment: no GIT_* from an outer hook, our own pre-commit cache."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(PRE_COMMIT_HOME=str(home), GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com", PRE_COMMIT_COLOR="never")
    return env


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


QUEUE_CONTENT = {".csv": "message\nhi\n", ".json": '[{"text": "hi"}]', ".jsonl": '{"text": "hi"}\n',
                 ".yaml": "posts:\n  - text: hi\n", ".yml": "posts:\n  - text: hi\n"}


@pytest.mark.parametrize("path,passed", [
    ("drafts/launch.txt", True), ("drafts/launch.md", True), ("queue/week.csv", True),
    ("queue/week.jsonl", True), ("queue/week.json", True), ("queue/posts.yaml", True),
    ("README.md", False), ("docs/CHANGELOG.md", False), ("LICENSE.txt", False),
    (".postlint.yaml", False), ("brand/.postlint.yaml", False), (".pre-commit-config.yaml", False),
    (".github/workflows/lint.yml", False), ("requirements.txt", False), ("package.json", False),
    ("mkdocs.yml", False), ("src/tool.py", False), ("logo.png", False),
])
def test_hook_checks_only_drafts_and_queues(path, passed, cli, tmp_path, monkeypatch):
    """What pre-commit selects (`files`, re.search on the repo-relative path), then what the
    hook's own command reads of it: files that are never posts are skipped by postlint
    (--force-exclude), with the same list (rules/inputs.yaml) as when it walks a folder."""
    hook = _hook()
    assert hook["id"] == "postlint" and hook["entry"].split()[:2] == ["postlint", "check"]
    selected = bool(re.search(hook["files"], path)) and not re.search(hook.get("exclude", "^$"), path)
    checked = False
    if selected:
        monkeypatch.chdir(tmp_path)
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(QUEUE_CONTENT.get(target.suffix, "A post about coffee\n"), "utf-8")
        run = cli(*hook["entry"].split()[1:], "--offline", "--format", "json", path)
        assert run.exit_code == 0, run.stdout + run.stderr
        checked = run.json["summary"]["posts"] > 0
    assert checked is passed


def test_real_precommit_blocks_a_bad_draft_and_lets_a_clean_one_through(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    pytest.importorskip("pre_commit", reason="the pre-commit package is not installed (pip install -e '.[test]')")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    if head.returncode != 0:
        pytest.skip(f"{ROOT} is not a git checkout, so pre-commit cannot clone it as a hook repo")
    env = _git_env(tmp_path / "pre-commit-home")
    repo = tmp_path / "brand"
    repo.mkdir()
    precommit = [sys.executable, "-m", "pre_commit"]
    if os.environ.get("POSTLINT_PRECOMMIT_CLONE") == "1":
        config = {"repos": [{"repo": ROOT.as_posix(), "rev": head.stdout.strip(), "hooks": [{"id": "postlint"}]}]}
    else:
        config = {"repos": [{"repo": "local", "hooks": [_local_hook()]}]}
        shim = tmp_path / "bin" / "postlint"  # `postlint` = the package under test, whatever the PATH
        shim.parent.mkdir()
        shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m postlint "$@"\n')
        shim.chmod(0o755)
        env["PATH"] = f"{shim.parent}{os.pathsep}{env['PATH']}"
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), "utf-8")
    (repo / "drafts").mkdir()
    (repo / "queue").mkdir()
    long_text = " ".join(["Our autumn blend is here"] * 20)  # ~500 characters: too long for X
    (repo / "drafts" / "autumn.txt").write_text(f"---\nplatform: x\n---\n{long_text}\n", "utf-8")
    (repo / "queue" / "week.csv").write_text(
        "id,message,platform\nmon,Good morning ☕,x\ntue,Fresh beans today,instagram\n", "utf-8")
    # Not a post: a README far longer than any platform allows must not be passed to the hook.
    (repo / "README.md").write_text("---\nplatform: x\n---\n" + "readme " * 200 + "\n", "utf-8")
    assert _run(["git", "init", "-q"], repo, env).returncode == 0
    install = _run(precommit + ["install"], repo, env)
    assert install.returncode == 0, install.stdout + install.stderr
    _run(["git", "add", "."], repo, env)

    bad = _run(["git", "commit", "-m", "bad draft"], repo, env)
    output = bad.stdout + bad.stderr
    assert bad.returncode != 0, output
    assert "postlint" in output and "Failed" in output
    assert "drafts/autumn.txt" in output and "platform.too-long" in output
    assert "README.md" not in output  # not a post: skipped (--force-exclude), quietly
    log = _run(["git", "log", "--oneline"], repo, env)
    assert log.stdout.strip() == ""  # the commit did not happen

    (repo / "drafts" / "autumn.txt").write_text("---\nplatform: x\n---\nOur autumn blend is here.\n", "utf-8")
    _run(["git", "add", "drafts/autumn.txt"], repo, env)
    good = _run(["git", "commit", "-m", "clean draft"], repo, env)
    output = good.stdout + good.stderr
    assert good.returncode == 0, output
    assert re.search(r"postlint\.+Passed", output), output
    assert _run(["git", "log", "--oneline"], repo, env).stdout.count("\n") == 1
