"""The command line as users and pipelines see it: formats, ranking, exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORE

from postlint import __version__

QUEUE = """\
id,platform,scheduled_at,message
calm,x,2030-01-01T10:00:00Z,All good here
long,x,2030-01-01T14:00:00Z,{long}
old,x,2020-01-01T10:00:00Z,Old but short
dark,x,2030-06-01T10:00:00Z,During the blackout
"""
CONFIG = "blackout:\n  - {start: 2030-06-01T00:00:00Z, end: 2030-06-02T00:00:00Z, reason: crisis}\n"


@pytest.fixture
def queue(write):
    write(".postlint.yaml", CONFIG)
    return str(write("queue.csv", QUEUE.format(long="q" * 300)))


def test_json_matches_the_contract(queue, core):
    run = core(queue)
    doc = run.json
    assert doc["version"] == 1
    assert doc["summary"] == {"posts": 4, "findings": 3,
                              "by_severity": {"critical": 1, "error": 1, "warning": 1, "info": 0}}
    keys = {"path", "post", "rule", "category", "severity", "message", "line", "column",
            "end_line", "end_column", "match", "suggestions"}
    for finding in doc["findings"]:
        assert keys <= set(finding)
    # ranked: most severe first
    assert [f["severity"] for f in doc["findings"]] == ["critical", "error", "warning"]
    assert [f["post"] for f in doc["findings"]] == ["dark", "long", "old"]


def test_fail_on_and_min_severity(queue, core):
    assert core(queue).exit_code == 1
    assert core("--fail-on", "critical", queue).exit_code == 1
    assert core("--ignore", "platform", "--ignore", "schedule.blackout", "--fail-on", "error", queue).exit_code == 0
    assert core("--ignore", "platform", "--ignore", "schedule.blackout", "--fail-on", "warning", queue).exit_code == 1
    hidden = core("--min-severity", "critical", "--fail-on", "warning", queue)
    assert [f["rule"] for f in hidden.json["findings"]] == ["schedule.blackout"]
    assert hidden.json["summary"]["posts"] == 4
    # --min-severity hides but does not change what --fail-on sees
    only_warning = core("--ignore", "platform", "--ignore", "schedule.blackout", "--min-severity", "error", "--fail-on", "warning", queue)
    assert only_warning.json["findings"] == [] and only_warning.exit_code == 1


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_exit_status_is_the_same_in_every_format(queue, cli, fmt):
    args = ["check", *CORE, "--now", "2025-01-01T00:00:00Z", "--quiet", "--format", fmt, queue]
    assert cli(*args).exit_code == 1
    assert cli(*args, "--fail-on", "critical", "--ignore", "schedule.blackout").exit_code == 0


def test_text_output_groups_posts_worst_first_without_colour(queue, cli):
    run = cli("check", *CORE, "--now", "2025-01-01T00:00:00Z", queue)
    out = run.stdout
    assert "\x1b[" not in out  # not a terminal: no colour codes
    assert out.index("[dark]") < out.index("[long]") < out.index("[old]")
    assert "critical  schedule.blackout" in out
    assert run.stderr.strip().endswith("Checked 4 posts: 3 findings (1 critical, 1 error, 1 warning).")
    quiet = cli("check", *CORE, "--quiet", "--now", "2025-01-01T00:00:00Z", queue)
    assert quiet.stderr == ""


def test_github_format_lines(queue, cli):
    run = cli("check", *CORE, "--now", "2025-01-01T00:00:00Z", "--format", "github", queue)
    lines = run.stdout.splitlines()
    assert lines[0].startswith(f"::error file={queue},line=5,endLine=5,col=")
    assert "title=schedule.blackout (critical)::[dark] Scheduled for" in lines[0]
    assert lines[2].startswith("::warning file=")


def test_sarif_lists_every_rule_and_maps_levels(queue, cli):
    run = cli("check", *CORE, "--now", "2025-01-01T00:00:00Z", "--format", "sarif", queue)
    doc = json.loads(run.stdout)
    assert doc["version"] == "2.1.0"
    driver = doc["runs"][0]["tool"]["driver"]
    listed = {r["id"] for r in driver["rules"]}
    assert {"schedule.blackout", "platform.too-long", "input.malformed"} <= listed
    levels = [r["level"] for r in doc["runs"][0]["results"]]
    assert levels == ["error", "error", "warning"]
    region = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 5


def test_jobs_gives_the_same_findings(write, core, tmp_path):
    rows = ["message,platform"] + [("r" * (270 + i % 20)) + ",x" for i in range(1200)]
    path = write("big.csv", "\n".join(rows) + "\n")
    one = core("--jobs", "1", str(path)).json
    two = core("--jobs", "2", str(path)).json
    assert one == two
    assert one["summary"]["posts"] == 1200 and one["summary"]["findings"] == 1200 * 9 // 20  # lengths 281..289


def test_unknown_option_and_format_exit_2(cli, write):
    post = str(write("p.txt", "hi"))
    assert cli("check", "--format", "xml", post).exit_code == 2
    assert cli("check", "--bogus", post).exit_code == 2
    assert cli("check", "--platform", "myspace", post).exit_code == 2
    assert cli("check").exit_code == 2


def test_version_and_help(cli):
    assert cli("--version").stdout.strip() == f"postlint, version {__version__}"
    help_text = cli("check", "--help").stdout
    for option in ("--config", "--format", "--fail-on", "--min-severity", "--offline", "--now",
                   "--quiet", "--platform", "--select", "--ignore", "--rules", "--jobs"):
        assert option in help_text


def _console_script() -> str | None:
    found = shutil.which("postlint")
    if found:
        return found
    candidate = Path(sys.executable).with_name("postlint")
    return str(candidate) if candidate.exists() else None


@pytest.mark.skipif(_console_script() is None, reason="the postlint console script is not installed")
def test_installed_console_script_in_a_real_process(queue, tmp_path):
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run(
        [_console_script(), "check", *CORE, "--format", "json", "--now", "2025-01-01T00:00:00Z", queue],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["summary"]["posts"] == 4
    assert "Checked 4 posts" in proc.stderr
    broken = subprocess.run([_console_script(), "check", str(tmp_path / "missing.txt")],
                            capture_output=True, text=True, timeout=120)
    assert broken.returncode == 2
    assert broken.stderr.startswith("postlint: ") and "Traceback" not in broken.stderr


def test_min_severity_says_what_it_hid(queue, cli):
    """The run fails on findings the report does not show: stderr says so (not with --quiet)."""
    args = ["check", *CORE, "--now", "2025-01-01T00:00:00Z", "--format", "json"]
    run = cli(*args, "--min-severity", "critical", "--fail-on", "warning", queue)
    assert run.exit_code == 1 and [f["rule"] for f in json.loads(run.stdout)["findings"]] == ["schedule.blackout"]
    assert run.stderr.splitlines()[0] == (
        "2 findings below critical hidden by --min-severity (2 of them at or above --fail-on)")
    run = cli(*args, "--min-severity", "error", queue)  # the hidden warning does not fail the run
    assert run.stderr.splitlines()[0] == "1 finding below error hidden by --min-severity"
    assert "hidden" not in cli(*args, queue).stderr  # nothing hidden, nothing said
    assert cli(*args, "--quiet", "--min-severity", "critical", queue).stderr == ""


def test_a_crash_exits_2_with_one_line_not_1_with_a_traceback(write, cli, monkeypatch):
    """A bug anywhere must not look like "findings" (exit 1) to CI. The bug is injected where
    no narrower guard catches it: while the rules are configured for a config."""
    import postlint.runner

    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(postlint.runner, "configure", broken)
    monkeypatch.delenv("POSTLINT_DEBUG", raising=False)
    run = cli("check", "--quiet", str(write("p.txt", "hi\n")))
    assert run.exit_code == 2 and "Traceback" not in run.stderr
    assert run.stderr.strip() == ("postlint: internal error (KeyError: 'boom'); please report it "
                                  "(POSTLINT_DEBUG=1 shows where)")
    monkeypatch.setenv("POSTLINT_DEBUG", "1")
    with pytest.raises(KeyError):
        cli("check", "--quiet", str(write("p.txt", "hi\n")))
