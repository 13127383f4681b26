"""`--format github`: every line is a workflow command the Actions runner parses back exactly.

The parser below follows the runner's own (actions/runner, ActionCommand.TryParseV2):
`::name key=value,key=value::data`, properties split on `,` then on the first `=`, and the
unescaping of `%0D`, `%0A`, `%3A`, `%2C` (properties only) and finally `%25`.
"""

from __future__ import annotations

import re

from postlint.formatters.github import escape_data, escape_property

# Only the foundation rules: content rules added by other issues must not change these outputs.
CORE = ("--select", "platform", "--select", "schedule.past", "--select", "schedule.blackout",
        "--select", "input", "--offline")
LEVELS = {"critical": "error", "error": "error", "warning": "warning", "info": "notice"}
LINE = re.compile(r"^::(error|warning|notice) [^\r\n]*::[^\r\n]*$")

RULES = r'''
rules:
  - id: platform.tiny
    type: platform
    category: platform
    severity: warning
    measure: length
    limits: {x: 10}
    summary: Posts over ten characters, to exercise escaping.
    message: "100% sure: {count} chars, not {limit}\r\nsecond line"
'''


def unescape_property(value: str) -> str:
    for token, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ",")):
        value = value.replace(token, char)
    return value.replace("%25", "%")


def unescape_data(value: str) -> str:
    return value.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def parse(line: str) -> tuple[str, dict[str, str], str]:
    """(command, properties, data) as the runner reads one line."""
    assert line.startswith("::")
    end = line.index("::", 2)
    info, data = line[2:end], line[end + 2:]
    name, _, props = info.partition(" ")
    properties = {}
    for pair in filter(None, props.strip().split(",")):
        key, sep, value = pair.partition("=")
        assert sep, f"property without '=': {pair!r} in {line!r}"
        properties[key] = unescape_property(value)
    return name, properties, unescape_data(data)


def test_escaping_round_trips_every_special_character():
    nasty = "50% off: a,b\r\nnext::line %0A literal"
    assert unescape_property(escape_property(nasty)) == nasty
    assert unescape_data(escape_data(nasty)) == nasty
    assert escape_property("a:b,c%d\re\nf") == "a%3Ab%2Cc%25d%0De%0Af"
    assert escape_data("a:b,c%d\re\nf") == "a:b,c%25d%0De%0Af"  # ':' and ',' are fine in data


def test_every_line_is_a_workflow_command_matching_the_json_findings(cli, write, tmp_path):
    write("rules/tiny.yaml", RULES)
    draft = write("drafts/a,b:c%d.txt", "---\nplatform: x\nscheduled_at: 2020-01-01T00:00:00Z\n---\nHello there, world\n")
    args = ["check", "--now", "2025-01-15T12:00:00Z", "--quiet", *CORE, "--rules", str(tmp_path / "rules"), str(draft)]
    run = cli(*args, "--format", "github")
    reference = cli(*args, "--format", "json").json["findings"]
    assert run.exit_code == 0  # only warnings, default --fail-on error
    lines = run.stdout.split("\n")
    assert lines[-1] == "" and len(lines) - 1 == len(reference) == 2
    for line, finding in zip(lines, reference):
        assert LINE.match(line), repr(line)
        name, props, data = parse(line)
        assert name == LEVELS[finding["severity"]]
        assert props == {
            "file": finding["path"], "line": str(finding["line"]), "endLine": str(finding["end_line"]),
            "col": str(finding["column"]), "endColumn": str(finding["end_column"]),
            "title": f"{finding['rule']} ({finding['severity']})",
        }
        assert data == f"[{finding['post']}] {finding['message']}"
    tiny = parse(lines[[f["rule"] for f in reference].index("platform.tiny")])
    assert tiny[1]["file"].endswith("a,b:c%d.txt")  # ',' ':' '%' in a property survive
    assert tiny[2].startswith("[a,b:c%d] 100% sure: 18 chars, not 10\r\nsecond line")
    raw = lines[[f["rule"] for f in reference].index("platform.tiny")]
    assert "a%2Cb%3Ac%25d.txt" in raw and "100%25 sure: 18 chars, not 10%0D%0Asecond line" in raw


def test_levels_map_to_error_warning_notice(cli, write):
    write(".postlint.yaml", "rules:\n  severity: {schedule.past: info}\n")
    draft = write("late.txt", "---\nplatform: x\nscheduled_at: 2020-01-01T00:00:00Z\n---\n" + "long " * 80)
    run = cli("check", "--now", "2025-01-15T12:00:00Z", "--quiet", *CORE, "--format", "github", str(draft))
    commands = [parse(line)[0] for line in run.stdout.splitlines()]
    assert commands == ["error", "notice"]
    assert run.exit_code == 1


def test_example_workflow_steps_run_as_written(tmp_path, write):
    """The README's workflow (examples/github-workflow.yml): its `run:` steps, executed by bash -e
    as the Actions runner does, in a repository with a bad draft; then with a broken config."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    import yaml

    workflow = yaml.safe_load((Path(__file__).resolve().parents[1] / "examples" / "github-workflow.yml").read_text())
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["postlint"]["steps"]
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif"))
    runs = [s["run"] for s in steps if "postlint check" in s.get("run", "")]
    assert len(runs) == 3 and runs[-1].startswith("postlint check --format github")
    shim = tmp_path / "bin" / "postlint"  # the console script, whichever Python runs the tests
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m postlint "$@"\n')
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{shim.parent}{os.pathsep}{os.environ['PATH']}"}
    write("drafts/launch.txt", "---\nplatform: x\n---\n" + "Launch day " * 40 + "\n")
    write("queue/week.csv", "message,platform\nSee you Monday,x\n")

    def step(command: str) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", command],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)

    sarif, html, gate = (step(command) for command in runs)
    assert sarif.returncode == 0 and html.returncode == 0, sarif.stderr + html.stderr
    document = json.loads((tmp_path / upload["with"]["sarif_file"]).read_text())
    assert any(r["ruleId"] == "platform.too-long" for r in document["runs"][0]["results"])
    assert (tmp_path / "postlint-report.html").read_text().startswith("<!DOCTYPE html>")
    assert gate.returncode == 1
    assert any(line.startswith("::error file=drafts/launch.txt,") for line in gate.stdout.splitlines())
    write(".postlint.yaml", "vocabularly: {}\n")  # a broken config must fail the report steps too
    broken = step(runs[0])
    assert broken.returncode != 0 and "unknown key 'vocabularly'" in broken.stderr  # the step fails
