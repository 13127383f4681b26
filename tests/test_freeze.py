"""`postlint freeze` / `postlint unfreeze`: pause a queue by writing the nearest config."""

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


def test_freeze_writes_the_nearest_config_and_blacks_out_the_queue(brand, cli, check):
    run = cli("freeze", "--reason", 'Storm "Ingrid" in Bergen', "--now", NOW)
    assert run.exit_code == 0, run.stderr
    assert str(brand / ".postlint.yaml") in run.stdout
    text = (brand / ".postlint.yaml").read_text()
    assert text.startswith(USER_CONFIG)  # the user's file, comments and all, is untouched
    assert "since: 2025-03-12T13:00:00+01:00" in text  # in the config's timezone
    [(post, message)] = blackouts(check, "a.txt", "old.txt")  # old.txt went out before the freeze
    assert post == "a" and 'Storm "Ingrid" in Bergen' in message and "postlint unfreeze" in message


def test_freeze_until_a_duration_or_a_time_and_refreezing_replaces(brand, cli, check):
    assert cli("freeze", "--reason", "first", "--until", "6h", "--now", NOW).exit_code == 0
    assert blackouts(check, "a.txt") == []  # the freeze ended at 18:00 UTC on the 12th
    run = cli("freeze", "--reason", "second", "--until", "2025-03-14T00:00:00", "--now", NOW)
    assert run.exit_code == 0
    text = (brand / ".postlint.yaml").read_text()
    assert len(re.findall(r"^freeze:", text, re.M)) == 1 and "first" not in text
    assert "until: 2025-03-14T00:00:00+01:00" in text  # naive --until: config timezone
    [(_, message)] = blackouts(check, "a.txt")
    assert "second" in message


def test_unfreeze_restores_the_file_exactly(brand, cli, check):
    cli("freeze", "--reason", "crisis", "--now", NOW)
    run = cli("unfreeze")
    assert run.exit_code == 0 and "resumes" in run.stdout
    assert (brand / ".postlint.yaml").read_text() == USER_CONFIG
    assert blackouts(check, "a.txt") == []
    again = cli("unfreeze")
    assert again.exit_code == 0 and "nothing to do" in again.stdout


def test_unfreeze_removes_a_hand_written_freeze_key(brand, cli):
    config = brand / ".postlint.yaml"
    config.write_text(USER_CONFIG + "freeze:\n  since: 2025-03-01T00:00:00Z\n  reason: manual\nlanguages: [en]\n")
    assert cli("unfreeze").exit_code == 0
    assert config.read_text() == USER_CONFIG + "languages: [en]\n"
    config.write_text("freeze: {since: 2025-03-01T00:00:00Z}  # by hand\n" + USER_CONFIG)
    assert cli("freeze", "--reason", "new", "--now", NOW).exit_code == 0
    text = config.read_text()
    assert len(re.findall(r"^freeze:", text, re.M)) == 1 and "by hand" not in text and text.startswith(USER_CONFIG)


def test_freeze_without_a_config_creates_one_here(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = cli("freeze", "--reason", "outage", "--now", NOW)
    assert run.exit_code == 0 and "Created" in run.stdout
    assert "since: 2025-03-12T12:00:00+00:00" in (tmp_path / ".postlint.yaml").read_text()


def test_bad_input_is_exit_2_and_leaves_the_file_alone(brand, cli, write):
    config = brand / ".postlint.yaml"
    for args in (["--reason", "x", "--until", "next week"], ["--reason", "x", "--until", "2025-01-01"],
                 ["--reason", "  "]):
        run = cli("freeze", *args, "--now", NOW)
        assert run.exit_code == 2 and run.stderr.startswith("postlint: ") and "Traceback" not in run.stderr
        assert config.read_text() == USER_CONFIG
    assert cli("freeze").exit_code == 2  # --reason is required
    config.write_text("timezone: [broken\n")
    run = cli("freeze", "--reason", "x", "--now", NOW)
    assert run.exit_code == 2 and ".postlint.yaml" in run.stderr
    assert config.read_text() == "timezone: [broken\n"


def test_freeze_entry_is_validated_like_the_rest_of_the_config(write, check):
    write(".postlint.yaml", "freeze: {since: soon, reason: x}\n")
    run = check(str(write("a.txt", "hi\n")))
    assert run.exit_code == 2 and "freeze.since" in run.stderr and ".postlint.yaml:1" in run.stderr
    write(".postlint.yaml", "freeze: {reason: x}\n")
    run = check(str(write("a.txt", "hi\n")))
    assert run.exit_code == 2 and "freeze.since" in run.stderr
