"""Config discovery, extends, validation with file:line, selection of rules."""

from __future__ import annotations

import os

import pytest

LONG_X = "---\nplatform: x\nscheduled_at: 2020-01-01T10:00:00\n---\n" + "z" * 300 + "\n"


def rules_of(run):
    return sorted({f["rule"] for f in run.json["findings"]})


def test_nearest_config_per_folder(write, core, tmp_path):
    write("brand-a/.postlint.yaml", "rules: {disable: [platform]}\n")
    write("brand-b/.postlint.yaml", "rules: {disable: [schedule]}\n")
    a = write("brand-a/drafts/post.txt", LONG_X)
    b = write("brand-b/post.txt", LONG_X)
    run = core(str(a), str(b))
    by_path = {(f["path"], f["rule"]) for f in run.json["findings"]}
    assert (str(a), "schedule.past") in by_path and (str(a), "platform.too-long") not in by_path
    assert (str(b), "platform.too-long") in by_path and (str(b), "schedule.past") not in by_path


def test_explicit_config_for_every_input(write, core):
    cfg = write("other.yaml", "rules: {disable: [platform, schedule]}\n")
    write("brand/.postlint.yaml", "rules: {disable: []}\n")
    post = write("brand/p.txt", LONG_X)
    assert core("--config", str(cfg), str(post)).json["findings"] == []


def test_extends_merges_maps_and_replaces_lists(write, core):
    write("base.yaml", """\
        timezone: Europe/Oslo
        languages: [en, es, pl]
        rules:
          severity: {schedule.past: error}
          disable: [platform]
        """)
    write("brand/.postlint.yaml", "extends: ../base.yaml\nrules:\n  disable: []\n")
    post = write("brand/p.txt", LONG_X)
    run = core(str(post))
    sev = {f["rule"]: f["severity"] for f in run.json["findings"]}
    assert sev["schedule.past"] == "error"  # merged from the base
    assert "platform.too-long" in sev  # the brand's list replaced the base's
    assert "CET" in next(f["message"] for f in run.json["findings"] if f["rule"] == "schedule.past")


def test_unknown_key_suggests_the_nearest(write, core):
    cfg = write("c/.postlint.yaml", "brand:\n  name: Acme\nvocabularly:\n  accept: [x]\n")
    post = write("c/p.txt", "hi\n")
    run = core(str(post))
    assert run.exit_code == 2
    assert run.stderr.strip() == (
        f"postlint: {cfg.resolve()}:3: unknown key 'vocabularly' (did you mean 'vocabulary'?)"
    )


def test_nested_unknown_key_and_wrong_type(write, core):
    write("c/.postlint.yaml", "links:\n  timout: 5\n")
    post = write("c/p.txt", "hi\n")
    run = core(str(post))
    assert run.exit_code == 2 and ":2: unknown key 'links.timout' (did you mean 'links.timeout'?)" in run.stderr
    write("d/.postlint.yaml", "brand:\n  accounts: '@acme'\n")
    run = core(str(write("d/p.txt", "hi\n")))
    assert run.exit_code == 2 and ":2: brand.accounts must be a list" in run.stderr


def test_bad_timezone_blackout_and_yaml(write, core):
    write("a/.postlint.yaml", "timezone: Mars/Olympus\n")
    run = core(str(write("a/p.txt", "hi\n")))
    assert run.exit_code == 2 and ":1: timezone: unknown IANA time zone" in run.stderr
    write("b/.postlint.yaml", "blackout:\n  - {start: soon, end: 2024-01-01}\n")
    run = core(str(write("b/p.txt", "hi\n")))
    assert run.exit_code == 2 and ":2: blackout[0].start: not an ISO 8601" in run.stderr
    write("c/.postlint.yaml", "brand: [unclosed\n")
    run = core(str(write("c/p.txt", "hi\n")))
    assert run.exit_code == 2 and "invalid YAML" in run.stderr and "Traceback" not in run.stderr


def test_unknown_rule_in_config_names_its_line(write, core):
    write("a/.postlint.yaml", "rules:\n  disable:\n    - schedule.pst\n")
    run = core(str(write("a/p.txt", "hi\n")))
    assert run.exit_code == 2 and ":3: rules: no rule or category 'schedule.pst'" in run.stderr


def test_extends_missing_and_cycle(write, core):
    write("a/.postlint.yaml", "extends: ../nope.yaml\n")
    run = core(str(write("a/p.txt", "hi\n")))
    assert run.exit_code == 2 and "extends: no such file" in run.stderr
    write("b/.postlint.yaml", "extends: other.yaml\n")
    write("b/other.yaml", "extends: .postlint.yaml\n")
    run = core(str(write("b/p.txt", "hi\n")))
    assert run.exit_code == 2 and "cycle" in run.stderr


def test_select_and_ignore_by_id_and_category(write, check):
    post = str(write("p.txt", LONG_X))
    core = ("--offline", "--select", "platform", "--select", "schedule")
    assert rules_of(check(*core, post)) == ["platform.too-long", "schedule.past"]
    assert rules_of(check("--select", "platform", post)) == ["platform.too-long"]
    assert rules_of(check(*core, "--ignore", "schedule.past", post)) == ["platform.too-long"]
    assert rules_of(check("--select", "schedule", "--ignore", "schedule.past", post)) == []
    run = check("--select", "nosuch", post)
    assert run.exit_code == 2 and "--select nosuch: no rule or category" in run.stderr


def test_per_post_ignore(write, core):
    post = write("p.txt", "---\nplatform: x\nignore: [platform.too-long]\n---\n" + "z" * 300)
    assert rules_of(core(str(post))) == []


def test_severity_override_by_category(write, core):
    write("a/.postlint.yaml", "rules:\n  severity: {platform: info}\n")
    run = core(str(write("a/p.txt", LONG_X)))
    sev = {f["rule"]: f["severity"] for f in run.json["findings"]}
    assert sev == {"platform.too-long": "info", "schedule.past": "warning"}
    assert run.exit_code == 0


def test_init_writes_a_valid_starter(cli, tmp_path, monkeypatch, write):
    monkeypatch.chdir(tmp_path)
    assert cli("init").exit_code == 0
    assert (tmp_path / ".postlint.yaml").read_text().startswith("# postlint configuration")
    run = cli("init")
    assert run.exit_code == 2 and "already exists" in run.stderr
    post = write("p.txt", "Hello from Acme\n")
    assert cli("check", "--quiet", str(post)).exit_code == 0  # the starter config loads


# --- hardening (issue 16): every bad config is one line with file and line, exit 2 ---------


def one_line_error(run, where: str) -> str:
    """The run failed (exit 2) with exactly one line on stderr that contains `where`."""
    assert run.exit_code == 2, (run.exit_code, run.stderr)
    assert "Traceback" not in run.stderr
    [line] = run.stderr.strip().splitlines()
    assert line.startswith("postlint: ") and where in line, line
    return line


@pytest.mark.parametrize("text, line, complaint", [
    ("blackout:\n  - {start: 2025-13-01, end: 2026-01-01}\n", 2, "invalid value '2025-13-01': month"),
    ("blackout:\n  - start: 2025-02-30\n    end: 2025-03-30\n", 2, "invalid value '2025-02-30': day"),
    ("timezone: UTC\nlinks:\n  timeout: !!float x\n", 3, "invalid value 'x'"),
    ("schedule: {max_per_hour: 1" + "0" * 5000 + "}\n", 1, "Exceeds the limit (4300 digits)"),
    ("freeze: {since: !!timestamp soon}\n", 1, "invalid value 'soon': not a valid timestamp"),
], ids=["month-13", "february-30", "float-x", "5000-digits", "timestamp-soon"])
def test_values_the_safe_loader_rejects_after_parsing(write, core, text, line, complaint):
    write("c/.postlint.yaml", text)
    error = one_line_error(core(str(write("c/p.txt", "hi\n"))), f".postlint.yaml:{line}: ")
    assert complaint in error and len(error) < 300  # the 5,000 digits are not echoed


@pytest.mark.parametrize("value", ["1.0e+400", ".inf", ".nan", "1" + "0" * 400],
                         ids=["1e400", "inf", "nan", "400-digits"])
def test_numbers_too_large_to_use_are_refused(write, core, value):
    write("c/.postlint.yaml", f"links:\n  timeout: {value}\n")
    error = one_line_error(core(str(write("c/p.txt", "hi\n"))), ".postlint.yaml:2: ")
    assert "links.timeout must be a number" in error


def test_deeply_nested_yaml_is_refused_not_a_crash(write, core):
    write("c/.postlint.yaml", "brand: " + "[" * 50_000 + "]" * 50_000 + "\n")
    assert "nested more than 1000 levels" in one_line_error(core(str(write("c/p.txt", "hi\n"))),
                                                            ".postlint.yaml:1: ")


def test_blackout_that_ends_before_it_starts(write, core):
    write("c/.postlint.yaml", "timezone: Europe/Oslo\nblackout:\n"
          "  - {start: 2025-03-14T00:00:00, end: 2025-03-10T00:00:00, reason: typo}\n")
    error = one_line_error(core(str(write("c/p.txt", "hi\n"))), ".postlint.yaml:3: ")
    assert "blackout[0]: end 2025-03-10T00:00:00+01:00 is not after start" in error


def test_unknown_language_in_config_names_file_line_and_the_code_meant(write, core):
    write("c/.postlint.yaml", "languages:\n  - en\n  - english\n")
    error = one_line_error(core(str(write("c/p.txt", "hi\n"))), ".postlint.yaml:3: ")
    assert error.endswith("languages: unknown language 'english' (did you mean 'en'?)")
    write("d/.postlint.yaml", "languages: [en, xx]\n")
    error = one_line_error(core(str(write("d/p.txt", "hi\n"))), ".postlint.yaml:1: ")
    assert "unknown language 'xx'; known: en, es, nb, pl" in error
    write("e/.postlint.yaml", "languages: [no, nob, en-GB, es_MX]\n")  # aliases and regions
    assert core(str(write("e/p.txt", "hi\n"))).exit_code == 0


def test_language_of_a_base_config_is_checked_unless_the_brand_replaces_the_list(write, core):
    write("base.yaml", "languages: [en, klingon]\n")
    write("a/.postlint.yaml", "extends: ../base.yaml\n")
    assert "base.yaml:1: languages: unknown language 'klingon'" in one_line_error(
        core(str(write("a/p.txt", "hi\n"))), "klingon")
    write("b/.postlint.yaml", "extends: ../base.yaml\nlanguages: [en]\n")
    assert core(str(write("b/p.txt", "hi\n"))).exit_code == 0


def test_language_added_as_data_is_known(write, core, tmp_path):
    write("langs/da.yaml", "kind: languages\nlanguages:\n  da: {name: Danish, detect: false}\n")
    write("c/.postlint.yaml", "languages: [en, da]\n")
    post = str(write("c/p.txt", "hi\n"))
    assert core(post).exit_code == 2
    assert core("--rules", str(tmp_path / "langs"), post).exit_code == 0


def test_lang_option_must_name_a_known_language(write, core):
    post = str(write("p.txt", "hi\n"))
    assert one_line_error(core("--lang", "english", post), "--lang") == (
        "postlint: --lang: unknown language 'english' (did you mean 'en'?)")
    assert core("--lang", "nob", post).exit_code == 0
    assert core("--lang", "en-GB", post).exit_code == 0


def test_missing_config_option_is_named_plainly(write, core, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    post = str(write("p.txt", "hi\n"))
    assert one_line_error(core("--config", "nope.yaml", post), "nope") == (
        "postlint: config file 'nope.yaml' not found")
    write(".postlint.yml", "languages: [en]\n")
    assert one_line_error(core("--config", ".postlint.yaml", post), "not found").endswith(
        "config file '.postlint.yaml' not found (did you mean '.postlint.yml'?)")


def test_configs_that_are_not_regular_files_or_too_large_are_not_read(write, core, tmp_path):
    post = str(write("p.txt", "hi\n"))
    assert "not a regular file" in one_line_error(core("--config", "/dev/zero", post), "/dev/zero")
    os.mkfifo(tmp_path / "fifo.yaml")  # opening a FIFO for reading blocks until a writer comes
    assert "not a regular file" in one_line_error(core("--config", str(tmp_path / "fifo.yaml"), post),
                                                  "fifo.yaml")
    for target in ("fifo.yaml", "/dev/zero"):
        write("c/.postlint.yaml", f"timezone: UTC\nextends: {'../' + target if target[0] != '/' else target}\n")
        error = one_line_error(core(str(write("c/p.txt", "hi\n"))), ".postlint.yaml:2: ")
        assert "is not a regular file" in error
    write("big/.postlint.yaml", "# padding\n" * 110_000)
    assert "larger than 1 MB" in one_line_error(core(str(write("big/p.txt", "hi\n"))), ".postlint.yaml")


def test_messages_quote_at_most_an_excerpt_of_the_file(write, core):
    secret = "A" * 5000
    for text in (f"{secret}: 1\n", f"timezone: {secret}\n", f"rules:\n  disable: [{secret}]\n",
                 f"blackout:\n  - {{start: '{secret}', end: 2025-01-01}}\n", f"extends: {secret}\n"):
        write("c/.postlint.yaml", text)
        error = one_line_error(core(str(write("c/p.txt", "hi\n"))), ".postlint.yaml")
        assert "A" * 61 not in error, error


@pytest.mark.parametrize("text, complaint", [
    ("timezone: UTC\nbrand: {name: \"Acme\x1f\"}\n", ":2: invalid YAML: character #x001f is not allowed"),
    ("blackout_calendar: ['']\n", "is not a regular file"),  # the config's own folder
    ("blackout_calendar: \"crisis\\0.ics\"\n", ":1: blackout_calendar: not a valid file name: 'crisis\\x00.ics'"),
    ("extends: \"base\\0.yaml\"\n", ":1: extends: 'base\\x00.yaml' is not a valid file name"),
], ids=["control-character", "empty-calendar-path", "nul-in-calendar", "nul-in-extends"])
def test_odd_characters_and_paths_are_one_line(write, core, text, complaint):
    """Found by the fuzz tests: a two-line YAML reader message, and tracebacks for a calendar
    path that is the config's folder or holds a NUL byte."""
    write("c/.postlint.yaml", text)
    assert complaint in one_line_error(core(str(write("c/p.txt", "hi\n"))), "postlint: ")


def test_names_the_system_refuses_are_one_line(write, cli, core):
    """pathlib's exists() raises for a name too long for the file system: not a traceback."""
    post = str(write("p.txt", "hi\n"))
    long = "a" * 5000
    assert "config file 'aaaa" in one_line_error(core("--config", long, post), "not found")
    assert "rules directory not found" in one_line_error(core("--rules", long, post), "aaaa")
    for command in (["freeze", "--reason", "x", long], ["unfreeze", long]):
        run = cli(*command)
        assert "no such folder" in one_line_error(run, "aaaa") and len(run.stderr) < 400


@pytest.mark.parametrize("name, text, line", [
    (".postlint.yaml", "languages: [en]\nlanguages: [es]\n", 2),
    ("rules/r.yaml", "rules:\n  - id: brand.words\n    type: lexicon\n    category: sensitive\n"
                     "    severity: warning\n    summary: s\n    message: m\n"
                     "    terms: {en: [a]}\n    terms: {en: [b]}\n", 9),
])
def test_a_key_written_twice_is_an_error_with_both_lines(write, cli, name, text, line):
    """A YAML loader keeps the last of two equal keys silently: the first list would vanish."""
    path = write(name, text)
    post = write("p.txt", "Hello")
    option = ("--config", str(path)) if name.endswith(".postlint.yaml") else ("--rules", str(path.parent))
    run = cli("check", "--offline", *option, str(post))
    assert run.exit_code == 2
    assert f"{path}:{line}: duplicate key" in run.stderr and f"(first on line {line - 1})" in run.stderr


def test_an_alias_bomb_or_a_recursive_alias_is_checked_in_linear_time(write, tmp_path):
    """Checking a file for duplicate keys visits each YAML node once: an alias is the same
    node again, so nine levels of nine aliases (9^9 paths) or `&a [*a]` end at once."""
    import subprocess
    import sys

    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    bomb = write("bomb.yaml", "\n".join(levels) + "\n")
    loop = write("loop.yaml", "rules: &r {disable: [*r]}\n")
    post = write("p.txt", "Hello")
    for config in (bomb, loop):
        done = subprocess.run([sys.executable, "-m", "postlint", "check", "--offline", "--config",
                               str(config), str(post)], capture_output=True, text=True, timeout=120)
        assert done.returncode == 2 and str(config) in done.stderr and "Traceback" not in done.stderr
