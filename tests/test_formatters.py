"""Every output format gives the same exit status for the same run (the contract's exit codes).

Formatters never decide the exit status; these tests hold every format in `FORMATS`, html
included, to that, for each `--fail-on` level, with `--min-severity` hiding findings, and for
runs that fail (status 2).
"""

from __future__ import annotations

import json
import re

import pytest

from postlint.formatters import FORMATS

NOW = "2025-01-15T12:00:00Z"
CORE = ("--select", "platform", "--select", "schedule.past", "--select", "schedule.blackout",
        "--select", "input", "--offline")
LEVELS = ("info", "warning", "error", "critical")


@pytest.fixture
def brand(write):
    """One post per severity: critical (blackout), error (too long), warning (past), info."""
    write("brand/.postlint.yaml", """
        blackout:
          - {start: 2025-02-01T00:00:00Z, end: 2025-02-02T00:00:00Z, reason: "crisis"}
        rules:
          severity: {platform.too-many-hashtags: info}
        """)
    write("brand/dark.txt", "---\nplatform: x\nscheduled_at: 2025-02-01T10:00:00Z\n---\nSale today!\n")
    write("brand/long.txt", "---\nplatform: x\n---\n" + "word " * 70 + "\n")
    write("brand/old.txt", "---\nplatform: x\nscheduled_at: 2020-01-01T00:00:00Z\n---\nHi\n")
    write("brand/tags.txt", "---\nplatform: threads\n---\n#one #two\n")
    return str(write("brand/.keep", "").parent)


def test_html_is_a_listed_format():
    assert FORMATS == ("text", "json", "sarif", "github", "html")


@pytest.mark.parametrize("fmt", FORMATS)
def test_fail_on_gives_the_same_status_in_every_format(fmt, brand, cli):
    def status(*options: str) -> int:
        run = cli("check", "--now", NOW, "--quiet", *CORE, "--format", fmt, *options, brand)
        assert run.stdout.strip() or fmt in ("text", "github"), "no output"
        return run.exit_code

    # worst present severity, from info only up to critical: status 1 exactly when worst >= fail-on
    # (checked at the boundary: --fail-on the worst level, and the level above it)
    keep = {"info": ("platform.too-many-hashtags",), "warning": ("schedule.past",),
            "error": ("platform.too-long",), "critical": ("schedule.blackout",)}
    for worst_index, worst in enumerate(LEVELS):
        ignored = [rule for level in LEVELS[worst_index + 1:] for rule in keep[level]]
        options = [x for rule in ignored for x in ("--ignore", rule)]
        assert status(*options, "--fail-on", worst) == 1, (fmt, worst)  # at the threshold
        if worst != "critical":  # just below the threshold
            assert status(*options, "--fail-on", LEVELS[worst_index + 1]) == 0, (fmt, worst)
    # --min-severity hides findings from the output, never from --fail-on
    assert status("--min-severity", "critical", "--ignore", "schedule.blackout") == 1
    assert status("--min-severity", "critical", "--ignore", "schedule.blackout", "--fail-on", "critical") == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_failed_runs_exit_2_with_one_message_in_every_format(fmt, write, cli):
    good = str(write("ok.txt", "---\nplatform: x\n---\nFine.\n"))
    missing = cli("check", "--quiet", *CORE, "--format", fmt, good, "nope.txt")
    assert missing.exit_code == 2 and "nope.txt" in missing.stderr
    bad = write("bad/.postlint.yaml", "rules:\n  disabel: [x]\n")
    post = str(write("bad/post.txt", "hello\n"))
    broken = cli("check", "--quiet", *CORE, "--format", fmt, "--config", str(bad), post)
    assert broken.exit_code == 2 and str(bad) in broken.stderr
    assert len(broken.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_clean_run_exits_0_in_every_format(fmt, write, cli):
    run = cli("check", "--quiet", *CORE, "--format", fmt, str(write("ok.txt", "---\nplatform: x\n---\nFine.\n")))
    assert run.exit_code == 0
    if fmt == "json":
        assert json.loads(run.stdout)["findings"] == []
    if fmt == "sarif":
        assert json.loads(run.stdout)["runs"][0]["results"] == []
    if fmt == "github":
        assert run.stdout == ""


def test_json_report_is_one_object_with_one_finding_per_line(brand, cli):
    run = cli("check", "--now", NOW, "--quiet", *CORE, "--format", "json", brand)
    report = json.loads(run.stdout)
    assert report["version"] == 1 and report["summary"]["findings"] == len(report["findings"]) >= 4
    lines = run.stdout.splitlines()
    finding_lines = [line for line in lines if line.lstrip().startswith('{"path"')]
    assert [json.loads(line.strip().rstrip(",")) for line in finding_lines] == report["findings"]

def test_json_report_without_findings_is_valid(write, cli):
    clean = write("clean.txt", "Fresh coffee every morning.\n")
    run = cli("check", "--quiet", *CORE, "--format", "json", str(clean))
    assert json.loads(run.stdout)["findings"] == [] and run.exit_code == 0


def test_text_report_does_not_repeat_the_suggestion_its_message_names(write, cli):
    path = write("d.txt", "---\nlanguage: en\n---\nWe love teh beans.\n")
    run = cli("check", "--offline", "--quiet", "--select", "spelling.unknown-word", str(path))
    [line] = [line for line in run.stdout.splitlines() if "spelling.unknown-word" in line]
    said, rest = line.split("Did you mean 'the'?")
    assert not re.search(r"\bthe\b", rest), line  # once in the message, not again after it
    assert "suggestion" not in rest or "other suggestions:" in rest
