"""Config discovery, extends, validation with file:line, selection of rules."""

from __future__ import annotations

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
