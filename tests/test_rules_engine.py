"""Rules as YAML data: user rules without Python, validation with file:line, bounded regexes."""

from __future__ import annotations

import json
import os
import time

import pytest

USER_RULE = """\
rules:
  - id: brand.no-cheap
    type: pattern
    category: spelling
    severity: error
    patterns: ['\\bcheap(er|est)?\\b']
    ignorecase: true
    summary: Never call our products cheap.
    message: "\\"{match}\\" undersells the brand; say affordable."
    rationale: Our brand book bans it.
    fix: Use "affordable" or "great value".
"""


def test_user_rule_shows_in_rules_explain_and_check(write, cli, check, tmp_path):
    write("my-rules/brand.yaml", USER_RULE)
    rules_dir = str(tmp_path / "my-rules")
    listing = cli("rules", "--rules", rules_dir)
    assert "brand.no-cheap" in listing.stdout and "Never call our products cheap." in listing.stdout
    explained = cli("explain", "brand.no-cheap", "--rules", rules_dir)
    assert "Our brand book bans it." in explained.stdout and "rules: {disable: [brand.no-cheap]}" in explained.stdout
    post = write("p.txt", "Line one\nThe CHEAPEST latte in town\n")
    run = check("--rules", rules_dir, str(post))
    [finding] = [f for f in run.json["findings"] if f["rule"] == "brand.no-cheap"]
    assert (finding["line"], finding["column"], finding["end_column"]) == (2, 5, 13)
    assert finding["message"] == '"CHEAPEST" undersells the brand; say affordable.'
    assert run.exit_code == 1


def test_user_rule_replaces_builtin_with_same_id(write, cli, tmp_path):
    write("r/p.yaml", """\
        rules:
          - id: platform.too-long
            type: platform
            category: platform
            severity: warning
            measure: length
            limits: {x: 10}
            summary: Custom.
            message: "{count} > {limit}"
        """)
    listing = cli("rules", "--rules", str(tmp_path / "r"), "--category", "platform")
    assert "platform.too-long           platform    warning   Custom." in listing.stdout


def test_rule_file_yaml_syntax_error_exits_2_with_file_and_line(write, cli, tmp_path):
    path = write("r/bad.yaml", "rules:\n  - id: x\n    type: [oops\n")
    for args in (["rules"], ["check", "--quiet", str(path)]):
        run = cli(*args, "--rules", str(tmp_path / "r"))
        assert run.exit_code == 2
        assert f"{path}:" in run.stderr and "invalid YAML" in run.stderr
        assert len(run.stderr.strip().splitlines()) == 1


def test_rule_file_unknown_key_unknown_type_missing_key(write, cli, tmp_path):
    base = "rules:\n  - id: a.b\n    type: {type}\n    category: spelling\n    severity: error\n    summary: s\n    message: m\n"
    write("r1/x.yaml", base.format(type="pattern") + "    patterns: [a]\n    ignorecaes: true\n")
    run = cli("rules", "--rules", str(tmp_path / "r1"))
    assert run.exit_code == 2 and ":9: rule 'a.b': unknown key 'ignorecaes' (did you mean 'ignorecase'?)" in run.stderr
    write("r2/x.yaml", base.format(type="nosuch"))
    run = cli("rules", "--rules", str(tmp_path / "r2"))
    assert run.exit_code == 2 and "unknown type 'nosuch'" in run.stderr and ":3:" in run.stderr
    write("r3/x.yaml", "rules:\n  - id: a.b\n    type: pattern\n")
    run = cli("rules", "--rules", str(tmp_path / "r3"))
    assert run.exit_code == 2 and "needs 'category'" in run.stderr
    write("r4/x.yaml", base.format(type="pattern") + "    patterns: ['(unclosed']\n")
    run = cli("rules", "--rules", str(tmp_path / "r4"))
    assert run.exit_code == 2 and "bad pattern" in run.stderr
    write("r5/x.yaml", "severity: error\n")
    run = cli("rules", "--rules", str(tmp_path / "r5"))
    assert run.exit_code == 2 and "neither a rule file" in run.stderr


def test_data_files_are_not_rules(write, cli, tmp_path):
    write("r/words.yaml", "kind: something\nwords: [a, b]\n")
    assert cli("rules", "--rules", str(tmp_path / "r")).exit_code == 0


def test_missing_rules_dir(cli):
    run = cli("rules", "--rules", "/nonexistent/rules")
    assert run.exit_code == 2


def test_catastrophic_user_regex_cannot_hang_the_run(write, check, tmp_path):
    write("r/slow.yaml", """\
        rules:
          - id: brand.slow
            type: pattern
            category: spelling
            severity: error
            patterns: ['(x+x+)+y']
            timeout: 0.05
            summary: A pattern that backtracks forever.
            message: matched
        """)
    posts = [str(write(f"p{i}.txt", "x" * 5000 + "\n")) for i in range(3)]
    started = time.monotonic()
    run = check("--rules", str(tmp_path / "r"), "--select", "brand.slow", *posts)
    assert time.monotonic() - started < 5
    slow = [f for f in run.json["findings"] if f["rule"] == "brand.slow"]
    assert len(slow) == 3 and all("was stopped" in f["message"] for f in slow)
    assert run.json["summary"]["posts"] == 3


def test_explain_unknown_rule_suggests(cli):
    run = cli("explain", "schedule.pst")
    assert run.exit_code == 2 and "did you mean 'schedule.past'" in run.stderr


def test_explain_builtin(cli):
    run = cli("explain", "schedule.blackout")
    assert run.exit_code == 0
    assert "Why it matters" in run.stdout and "How to fix" in run.stdout and "rules/schedule.yaml" in run.stdout


def test_rules_category_filter(cli):
    run = cli("rules", "--category", "schedule")
    ids = [line.split()[0] for line in run.stdout.splitlines()]
    assert ids and all(i.startswith("schedule.") for i in ids)


# --- hardening (issue 16): rule files fail on load, with file and line ------------------------

RULE = """\
rules:
  - id: brand.cheap
    type: pattern
    category: spelling
    severity: error
    patterns: [cheap]
"""


def failed_once(run) -> str:
    assert run.exit_code == 2, (run.exit_code, run.stderr)
    [line] = run.stderr.strip().splitlines()
    assert line.startswith("postlint: ") and "Traceback" not in run.stderr
    return line


def test_misspelled_rule_key_is_named_not_reported_missing(write, cli, tmp_path):
    write("r/x.yaml", RULE + "    sumary: Never cheap.\n    message: m\n")
    line = failed_once(cli("rules", "--rules", str(tmp_path / "r")))
    assert line.endswith("x.yaml:7: rule 'brand.cheap': unknown key 'sumary' (did you mean 'summary'?)")
    write("r/x.yaml", RULE.replace("type:", "tpye:") + "    summary: s\n    message: m\n")
    line = failed_once(cli("rules", "--rules", str(tmp_path / "r")))
    assert line.endswith("x.yaml:2: rule 'brand.cheap': unknown key 'tpye' (did you mean 'type'?)")


@pytest.mark.parametrize("template, complaint", [
    ("{mtch} is banned", "message: unknown placeholder {mtch} (did you mean {match}?); "
                         "this rule type fills {match}"),
    ("bad {", "message: Single '{' encountered in format string (write {{ or }} for a literal brace)"),
    ("bad }", "message: Single '}' encountered"),
    ("{match.__class__.__init__}", "placeholder '{match.__class__.__init__}' must be a name like {match}"),
    ("{0} and {}", "placeholder '{0}' must be a name"),
    ("{match!x}", "unknown conversion !x"),
    ("{match:>{width}}", "unknown placeholder {width}"),
])
def test_bad_message_templates_fail_on_load_not_in_a_finding(write, cli, check, tmp_path, template,
                                                              complaint):
    write("r/x.yaml", RULE + f"    summary: s\n    message: {json.dumps(template)}\n")
    line = failed_once(cli("rules", "--rules", str(tmp_path / "r")))
    assert "x.yaml:8: rule 'brand.cheap': " in line and complaint in line, line
    run = check("--rules", str(tmp_path / "r"), str(write("p.txt", "so cheap\n")))
    assert failed_once(run) == line  # exit 2 before any post, not a "could not apply" finding


def test_good_templates_still_load(write, check, tmp_path):
    write("r/x.yaml", RULE + "    summary: s\n    message: '{{{match!r:>10}}} is {{banned}}'\n")
    run = check("--rules", str(tmp_path / "r"), "--select", "brand", str(write("p.txt", "so cheap\n")))
    assert [f["message"] for f in run.json["findings"]] == ["{   'cheap'} is {banned}"]


def test_each_type_checks_the_placeholders_it_fills(write, cli, tmp_path):
    write("r/x.yaml", """\
        rules:
          - id: schedule.blackout
            type: schedule
            category: schedule
            severity: critical
            check: blackout
            summary: s
            message: "inside {reason} from {start} to {end} ({when})"
            freeze_message: "frozen: {reasn}"
        """)
    line = failed_once(cli("rules", "--rules", str(tmp_path / "r")))
    assert line.endswith(":9: rule 'schedule.blackout': freeze_message: unknown placeholder {reasn} "
                         "(did you mean {reason}?); this rule type fills {end}, {match}, {now}, "
                         "{reason}, {source}, {start}, {when}")
    write("r/x.yaml", """\
        rules:
          - id: links.broken
            type: links
            category: links
            severity: error
            check: broken
            summary: s
            message: "{url} is broken"
            messages:
              not_found: "{url} is gone ({status})"
        """)
    line = failed_once(cli("rules", "--rules", str(tmp_path / "r")))
    assert ":10: rule 'links.broken': messages.not_found: unknown placeholder {status}" in line


@pytest.mark.parametrize("value, complaint", [
    ("2025-02-30", "invalid value '2025-02-30': day is out of range for month"),
    ("!!float x", "invalid value 'x': could not convert string to float"),
    ("1" + "0" * 5000, "Exceeds the limit (4300 digits) for integer string conversion"),
], ids=["february-30", "float-x", "5000-digits"])
def test_rule_file_values_the_loader_rejects_name_file_and_line(write, cli, tmp_path, value, complaint):
    write("r/x.yaml", RULE + f"    summary: s\n    message: m\n    timeout: {value}\n")
    line = failed_once(cli("rules", "--rules", str(tmp_path / "r")))
    assert "x.yaml:9: " in line and complaint in line and len(line) < 400


def test_rule_files_that_are_not_regular_files_or_too_large_are_not_read(write, cli, tmp_path):
    write("r/big.yaml", "rules: []\n" + "# padding\n" * 110_000)
    assert "big.yaml: rule file is larger than 1 MB" in failed_once(
        cli("rules", "--rules", str(tmp_path / "r")))
    (tmp_path / "r" / "big.yaml").unlink()
    os.mkfifo(tmp_path / "r" / "pipe.yaml")  # reading it would block the run forever
    assert "pipe.yaml: rule file is not a regular file" in failed_once(
        cli("rules", "--rules", str(tmp_path / "r")))


def test_rule_and_data_file_messages_quote_only_an_excerpt(write, cli, check, tmp_path):
    secret = "(" + "s3cr3t" * 500
    write("r/x.yaml", RULE.replace("[cheap]", json.dumps([secret])) + "    summary: s\n    message: m\n")
    line = failed_once(cli("rules", "--rules", str(tmp_path / "r")))  # patterns compile on load
    assert "bad pattern" in line and "s3cr3t" * 11 not in line
    write("r/x.yaml", f"kind: promotion\ncues:\n  {'k' * 3000}:\n    - {{label: x}}\n")
    line = failed_once(check("--rules", str(tmp_path / "r"), str(write("p.txt", "Shop now!\n"))))
    assert "x.yaml" in line and len(line) < 600
