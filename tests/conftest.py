"""Shared test helpers: run the real CLI in-process and write real files in tmp_path."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from postlint.cli import main

FIXED_NOW = "2025-01-15T12:00:00Z"


@pytest.fixture(autouse=True)
def _link_cache_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own link cache folder: never the user's cache, never shared."""
    monkeypatch.setenv("POSTLINT_CACHE_DIR", str(tmp_path / ".postlint-cache"))


@pytest.fixture(autouse=True)
def _no_proxy_from_the_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    """Link checks honour HTTP(S)_PROXY; a proxy set on the developer's or CI's machine must
    not send the tests' requests to 127.0.0.1 elsewhere. Proxy tests set their own."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


class Run:
    def __init__(self, result: Any):
        self.exit_code: int = result.exit_code
        self.stdout: str = result.stdout
        self.stderr: str = result.stderr
        self.exception = result.exception

    @property
    def json(self) -> dict:
        return json.loads(self.stdout)

    @property
    def rules(self) -> list[str]:
        return [f["rule"] for f in self.json["findings"]]


@pytest.fixture
def cli():
    """cli('check', 'x.txt', ...) -> Run; `input` feeds stdin."""

    def run(*args: str, input: str | bytes | None = None) -> Run:
        result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=True)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Run(result)

    return run


@pytest.fixture
def check(cli):
    """check(path, *options) -> Run with --format json and a fixed --now."""

    def run(*args: str, input: str | None = None) -> Run:
        return cli("check", "--format", "json", "--now", FIXED_NOW, "--quiet", *args, input=input)

    return run


CORE = ("--offline", "--select", "input", "--select", "platform", "--select", "schedule")


@pytest.fixture
def core(check):
    """check() limited to the foundation's rule categories, offline: for tests of the engine,
    readers and config whose exact findings must not change when content rules are added."""

    def run(*args: str, input: str | None = None) -> Run:
        return check(*CORE, *args, input=input)

    return run


@pytest.fixture
def write(tmp_path: Path):
    """write('a/b.txt', text) -> Path; text is dedented; bytes are written as they are."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        return path

    return _write
