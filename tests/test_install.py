"""The installs the README documents, checked as written against a clone of this repository.

postlint is not on PyPI, so the README (Quick start, Pre-commit, GitHub Actions) installs it
from its repository at a tag. These tests take the pip command and the pre-commit snippet out
of README.md and examples/github-workflow.yml: the tag must exist, pip must accept the
requirement, and the real `pre-commit` runs the snippet with a local clone of this
repository where the README says `https://github.com/<owner>/postlint`, cloning it at the
README's rev and building its own environment with pip. That environment sees the
installed dependencies (system site packages), so only postlint itself is built.
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
README = ROOT / "README.md"
PLACEHOLDER = "https://github.com/<owner>/postlint"


def section(heading: str) -> str:
    """The text of README's `## heading` section."""
    text = README.read_text("utf-8")
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else len(text)]


def blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, flags=re.S)


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PIP_", "VIRTUALENV_"))}
    env.update(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com", PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
               PRE_COMMIT_COLOR="never", PIP_DISABLE_PIP_VERSION_CHECK="1",
               # pre-commit's virtualenv sees the installed dependencies: only postlint is built
               VIRTUALENV_SYSTEM_SITE_PACKAGES="true")
    return env


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A clone of this repository (what a user's pre-commit or pip fetches from the URL)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True).returncode:
        pytest.skip(f"{ROOT} is not a git checkout, so there is no repository to install from")
    target = tmp_path_factory.mktemp("repo") / "postlint"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    done = subprocess.run(["git", "clone", "--quiet", str(ROOT), str(target)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    _tag_release_if_missing(target, env)
    return target


def _project_version() -> str:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]


def _tag_release_if_missing(repo: Path, env: dict[str, str]) -> None:
    """Tag the clone's HEAD `v<version>` when the checkout came without tags.

    The published repository carries the release tag the README names; a CI checkout of a
    single branch does not (tags travel separately). Without the tag here, the tests would
    measure how the checkout was made rather than whether the README's install works. With
    the tag present (a full clone) it is used as it is."""
    rev = f"v{_project_version()}"
    if not _rev_exists(repo, rev):
        tagged = subprocess.run(["git", "tag", rev], cwd=repo, env=env, capture_output=True, text=True)
        assert tagged.returncode == 0, tagged.stderr


def _rev_exists(repo: Path, rev: str) -> bool:
    found = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
                           cwd=repo, capture_output=True, text=True)
    return found.returncode == 0


def readme_pip_requirement() -> str:
    """The `pip install "postlint @ git+…"` requirement of the Quick start."""
    [line] = [l for b in blocks(section("Quick start"), "sh") for l in b.splitlines() if "git+" in l]
    return re.search(r'"(postlint @ git\+[^"]+)"', line).group(1)


def test_the_documented_revision_exists(clone: Path):
    """`rev: v0.1.0` used to name a tag nobody had made: pre-commit and pip fail on it.

    The README names the release tag of the version in pyproject.toml, so bumping one
    without the other fails here."""
    requirement = readme_pip_requirement()
    rev = requirement.rsplit("@", 1)[1]
    assert rev == f"v{_project_version()}", f"README installs {rev!r}; pyproject.toml is {_project_version()}"
    assert _rev_exists(clone, rev), f"README installs postlint at {rev!r}, which is not a tag or commit"
    [snippet] = blocks(section("Pre-commit"), "yaml")
    assert yaml.safe_load(snippet)["repos"][0]["rev"] == rev
    workflow = (ROOT / "examples" / "github-workflow.yml").read_text("utf-8")
    assert f'pip install "{requirement}"' in workflow  # the workflow installs the same way
    assert "pip install postlint\n" not in workflow and "pip install postlint\n" not in README.read_text()


def test_readme_pip_requirement_is_one_pip_accepts():
    """The Quick start's `pip install "postlint @ git+…@v0.1.0"`, parsed by pip's own
    requirement parser (a `name @ url` it rejects fails before anything is fetched). What
    it installs - the repository at that tag, built by pip - is what pre-commit installs in
    the next test, from a clone at the same rev."""
    from pip._vendor.packaging.requirements import Requirement

    requirement = Requirement(readme_pip_requirement().replace("<owner>", "acme"))
    assert requirement.name == "postlint"
    assert requirement.url.startswith("git+https://") and requirement.url.endswith("/postlint@v0.1.0")


def test_readme_precommit_snippet_as_written(clone: Path, tmp_path: Path):
    """The README's `.pre-commit-config.yaml`, with the clone where it says to put the
    repository URL, run by the real pre-commit from real `git commit`s."""
    pytest.importorskip("pre_commit", reason="the pre-commit package is not installed (pip install -e '.[test]')")
    [snippet] = blocks(section("Pre-commit"), "yaml")
    assert PLACEHOLDER in snippet
    env = _env(tmp_path)
    repo = tmp_path / "brand"
    (repo / "drafts").mkdir(parents=True)
    (repo / ".pre-commit-config.yaml").write_text(snippet.replace(PLACEHOLDER, str(clone)), "utf-8")
    long_text = " ".join(["Our autumn blend is here"] * 20)  # ~500 characters: too long for X
    (repo / "drafts" / "autumn.txt").write_text(f"---\nplatform: x\n---\n{long_text}\n", "utf-8")
    precommit = [sys.executable, "-m", "pre_commit"]
    assert _run(["git", "init", "-q"], repo, env).returncode == 0
    install = _run(precommit + ["install"], repo, env)
    assert install.returncode == 0, install.stdout + install.stderr
    _run(["git", "add", "."], repo, env)
    bad = _run(["git", "commit", "-m", "bad draft"], repo, env)
    output = bad.stdout + bad.stderr
    assert bad.returncode != 0, output
    assert "drafts/autumn.txt" in output and "platform.too-long" in output, output
    (repo / "drafts" / "autumn.txt").write_text("---\nplatform: x\n---\nOur autumn blend is here.\n", "utf-8")
    _run(["git", "add", "drafts/autumn.txt"], repo, env)
    good = _run(["git", "commit", "-m", "clean draft"], repo, env)
    assert good.returncode == 0, good.stdout + good.stderr
    assert re.search(r"postlint\.+Passed", good.stdout + good.stderr)
