"""`postlint freeze` / `postlint unfreeze`: pause every post under a folder, whatever its config."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

NOW = "2025-03-12T12:00:00Z"
USER_CONFIG = """\
# Acme brand config -- keep this comment
timezone: Europe/Oslo   # Oslo office
blackout: []  # none yet
rules:
  disable: []
"""
FREEZE_FILE = ".postlint-freeze.yaml"


@pytest.fixture
def brand(tmp_path: Path, write, monkeypatch) -> Path:
    """A brand folder with a commented config and a draft in a subfolder; cwd = the subfolder."""
    write("brand/.postlint.yaml", USER_CONFIG)
    write("brand/drafts/a.txt", "---\nscheduled_at: 2025-03-13T10:00:00\n---\nBig sale!\n")
    write("brand/drafts/old.txt", "---\nscheduled_at: 2025-03-12T10:00:00\n---\nBig sale!\n")
    monkeypatch.chdir(tmp_path / "brand" / "drafts")
    return tmp_path / "brand"


def blackouts(check, *paths: str) -> list[tuple[str, str]]:
    run = check("--select", "schedule.blackout", "--now", NOW, *paths)
    assert run.exit_code in (0, 1), run.stderr
    return [(f["post"], f["message"]) for f in run.json["findings"]]


def test_freeze_writes_a_freeze_file_here_and_blacks_out_the_queue(brand, cli, check):
    run = cli("freeze", "--reason", 'Storm "Ingrid" in Bergen', "--now", NOW)
    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith("Froze publishing in the current folder and every folder below it")
    assert (brand / ".postlint.yaml").read_text() == USER_CONFIG  # configs are never edited
    text = (brand / "drafts" / FREEZE_FILE).read_text()
    assert "since: 2025-03-12T13:00:00+01:00" in text  # in the nearest config's timezone
    [(post, message)] = blackouts(check, "a.txt", "old.txt")  # old.txt went out before the freeze
    assert post == "a" and 'Storm "Ingrid" in Bergen' in message and "postlint unfreeze" in message


def test_freeze_until_a_duration_or_a_time_and_refreezing_replaces(brand, cli, check):
    assert cli("freeze", "--reason", "first", "--until", "6h", "--now", NOW).exit_code == 0
    assert blackouts(check, "a.txt") == []  # the freeze ended at 18:00 UTC on the 12th
    run = cli("freeze", "--reason", "second", "--until", "2025-03-14T00:00:00", "--now", NOW)
    assert run.exit_code == 0
    text = (brand / "drafts" / FREEZE_FILE).read_text()
    assert len(re.findall(r"^freeze:", text, re.M)) == 1 and "first" not in text
    assert "until: 2025-03-14T00:00:00+01:00" in text  # naive --until: config timezone
    [(_, message)] = blackouts(check, "a.txt")
    assert "second" in message


def test_unfreeze_deletes_exactly_the_freeze_file(brand, cli, check):
    cli("freeze", "--reason", "crisis", "--now", NOW)
    run = cli("unfreeze")
    assert run.exit_code == 0 and "(crisis)" in run.stdout and "resumes" in run.stdout
    assert sorted(p.name for p in (brand / "drafts").iterdir()) == ["a.txt", "old.txt"]
    assert (brand / ".postlint.yaml").read_text() == USER_CONFIG
    assert blackouts(check, "a.txt") == []
    again = cli("unfreeze")
    assert again.exit_code == 0 and "nothing to do" in again.stdout


def test_freeze_and_unfreeze_leave_no_config_behind(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = cli("freeze", "--reason", "outage", "--now", NOW)
    assert run.exit_code == 0, run.stderr
    assert "since: 2025-03-12T12:00:00+00:00" in (tmp_path / FREEZE_FILE).read_text()
    assert cli("unfreeze").exit_code == 0
    assert [p.name for p in tmp_path.iterdir() if p.name != ".postlint-cache"] == []  # no empty config


def test_freeze_times_have_no_microseconds(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = cli("freeze", "--reason", "now", "--until", "2h")  # the real clock, not --now
    assert run.exit_code == 0, run.stderr
    for text in (run.stdout, (tmp_path / FREEZE_FILE).read_text()):
        times = re.findall(r"\d{4}-\d\d-\d\dT[\d:.]+", text)
        assert len(times) >= 2 and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", t) for t in times)


AGENCY = {
    "brands/acme/.postlint.yaml": "timezone: Europe/Oslo\nbrand: {name: Acme}\n",
    "brands/nordic/.postlint.yaml": "timezone: America/New_York\nbrand: {name: Nordic}\n",
    "brands/acme/drafts/spring.md": "---\nscheduled_at: 2025-03-13T10:00:00\n---\nSpring sale!\n",
    "brands/acme/queue.csv": "id,scheduled_at,message\nq1,2025-03-14T09:00:00Z,Flash sale\n",
    "brands/nordic/posts/ride.txt": "---\nscheduled_at: 2025-03-20T08:00:00\n---\nRide with us\n",
    "shared.yaml": "timezone: UTC\n",
}


@pytest.fixture
def agency(tmp_path: Path, write, monkeypatch) -> Path:
    for name, text in AGENCY.items():
        write(name, text)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def frozen_posts(check, *args: str) -> list[str]:
    run = check("--select", "schedule.blackout", "--now", NOW, *args)
    assert run.exit_code in (0, 1), run.stderr
    return sorted(f["post"] for f in run.json["findings"])


def test_freeze_reaches_every_brand_below_the_folder_whatever_its_config(agency, cli, check):
    configs = {p: (agency / p).read_bytes() for p in AGENCY if p.endswith(".yaml")}
    assert frozen_posts(check, "brands") == []
    run = cli("freeze", "--reason", "Crisis", "brands", "--now", NOW)
    assert run.exit_code == 0, run.stderr
    assert "Froze publishing in brands and every folder below it" in run.stdout
    assert (agency / "brands" / FREEZE_FILE).is_file()
    assert frozen_posts(check, "brands") == ["q1", "ride", "spring"]  # both brands' configs
    assert frozen_posts(check, "--config", "shared.yaml", "brands") == ["q1", "ride", "spring"]
    assert {p: (agency / p).read_bytes() for p in configs} == configs  # no config was edited
    assert cli("unfreeze", "brands").exit_code == 0
    assert frozen_posts(check, "brands") == []
    assert not (agency / "brands" / FREEZE_FILE).exists()


def test_a_freeze_covers_its_folder_only_and_freezes_add_up(agency, cli, check):
    assert cli("freeze", "--reason", "Acme recall", "brands/acme", "--now", NOW).exit_code == 0
    assert frozen_posts(check, "brands") == ["q1", "spring"]  # Nordic goes on publishing
    assert cli("freeze", "--reason", "Storm", "brands", "--now", NOW).exit_code == 0
    run = check("--select", "schedule.blackout", "--now", NOW, "brands/acme/queue.csv")
    assert sorted(f["message"].split('"')[1] for f in run.json["findings"]) == ["Acme recall", "Storm"]
    lifted = cli("unfreeze", "brands/acme")
    assert lifted.exit_code == 0 and "Acme recall" in lifted.stdout
    assert "still frozen by a folder above: `postlint unfreeze brands` lifts 'Storm'" in lifted.stdout
    assert "resumes" not in lifted.stdout
    assert frozen_posts(check, "brands") == ["q1", "ride", "spring"]


def test_a_frozen_and_an_open_folder_sharing_one_config_in_worker_processes(write, cli, check, tmp_path,
                                                                              monkeypatch):
    """Worker processes keep one rule set per config: a freeze must not leak to its siblings."""
    write(".postlint.yaml", "timezone: UTC\n")
    rows = "".join(f"r{i},2025-03-14T{i % 24:02d}:00:00Z,Post {i}\n" for i in range(700))
    write("frozen/q.csv", "id,scheduled_at,message\n" + rows)
    write("open/q.csv", "id,scheduled_at,message\n" + rows)
    monkeypatch.chdir(tmp_path)
    assert cli("freeze", "--reason", "x", "frozen", "--now", NOW).exit_code == 0
    run = check("--select", "schedule.blackout", "--now", NOW, "--jobs", "2", "open/q.csv", "frozen/q.csv")
    assert {f["path"] for f in run.json["findings"]} == {"frozen/q.csv"}
    assert len(run.json["findings"]) == 700


def test_a_broken_freeze_file_fails_the_run_with_file_and_line(agency, check, write):
    write("brands/.postlint-freeze.yaml", "freeze:\n  since: 2025-03-12T12:00:00Z\n  untill: 2d\n")
    run = check("brands/acme/queue.csv")
    assert run.exit_code == 2 and "Traceback" not in run.stderr
    assert ".postlint-freeze.yaml:3: unknown key 'freeze.untill' (did you mean 'freeze.until'?)" in run.stderr
    write("brands/.postlint-freeze.yaml", "freeze: {since: 2025-03-12T12:00:00Z, until: 2025-03-01T00:00:00Z}\n")
    run = check("brands/acme/queue.csv")
    assert run.exit_code == 2 and "freeze: until 2025-03-01T00:00:00+00:00 is not after since" in run.stderr


def test_unfreeze_removes_a_freeze_kept_in_the_config(brand, cli):
    """What older versions (and people, by hand) wrote into a config is still lifted."""
    config = brand / ".postlint.yaml"
    config.write_text(USER_CONFIG + "freeze:\n  since: 2025-03-01T00:00:00Z\n  reason: manual\nlanguages: [en]\n")
    run = cli("unfreeze")
    assert run.exit_code == 0 and "Removed the freeze (manual) from" in run.stdout
    assert config.read_text() == USER_CONFIG + "languages: [en]\n"
    old_block = ("# >>> postlint freeze: written by `postlint freeze`, removed by `postlint unfreeze`\n"
                 "freeze:\n  since: 2025-03-12T13:00:00+01:00\n  reason: \"old\"\n# <<< postlint freeze\n")
    config.write_text(USER_CONFIG + old_block)
    assert cli("unfreeze").exit_code == 0 and config.read_text() == USER_CONFIG
    config.write_text(old_block)  # a config an older `freeze` created: no empty file is left
    assert cli("unfreeze").exit_code == 0 and not config.exists()


def test_bad_input_is_exit_2_and_writes_nothing(brand, cli):
    config = brand / ".postlint.yaml"
    for args in (["--reason", "x", "--until", "next week"], ["--reason", "x", "--until", "2025-01-01"],
                 ["--reason", "  "], ["--reason", "x", "no-such-folder"]):
        run = cli("freeze", *args, "--now", NOW)
        assert run.exit_code == 2 and run.stderr.startswith("postlint: ") and "Traceback" not in run.stderr
        assert len(run.stderr.strip().splitlines()) == 1
        assert config.read_text() == USER_CONFIG and not (brand / "drafts" / FREEZE_FILE).exists()
    assert cli("freeze").exit_code == 2  # --reason is required
    config.write_text("timezone: [broken\n")
    run = cli("freeze", "--reason", "x", "--now", NOW)
    assert run.exit_code == 2 and ".postlint.yaml" in run.stderr
    assert config.read_text() == "timezone: [broken\n"


def test_freeze_entry_in_a_config_is_validated_like_the_rest_of_it(write, check):
    write(".postlint.yaml", "freeze: {since: soon, reason: x}\n")
    run = check(str(write("a.txt", "hi\n")))
    assert run.exit_code == 2 and "freeze.since" in run.stderr and ".postlint.yaml:1" in run.stderr
    write(".postlint.yaml", "freeze: {reason: x}\n")
    run = check(str(write("a.txt", "hi\n")))
    assert run.exit_code == 2 and "freeze.since" in run.stderr


def test_older_config_option_freezes_the_folder_of_the_file(agency, cli, check):
    run = cli("freeze", "--reason", "x", "--config", "brands/nordic/.postlint.yaml", "--now", NOW)
    assert run.exit_code == 0, run.stderr
    assert frozen_posts(check, "brands") == ["ride"]
    assert cli("unfreeze", "--config", "brands/nordic/.postlint.yaml").exit_code == 0
    assert frozen_posts(check, "brands") == []
