"""The foundation's schedule rules: blackout windows from config, posts in the past."""

from __future__ import annotations

CONFIG = """\
timezone: Europe/Oslo
blackout:
  - {start: 2025-01-20T00:00:00, end: 2025-01-21T00:00:00, reason: "national mourning"}
"""


def test_blackout_is_critical_and_names_the_reason(write, core):
    write(".postlint.yaml", CONFIG)
    post = write("p.txt", "---\nplatform: x\nscheduled_at: 2025-01-20T09:00:00\n---\nBig sale today!\n")
    run = core(str(post))
    [finding] = run.json["findings"]
    assert finding["rule"] == "schedule.blackout" and finding["severity"] == "critical"
    assert "national mourning" in finding["message"] and finding["line"] == 3
    assert run.exit_code == 1


def test_naive_times_use_the_config_timezone(write, core):
    write(".postlint.yaml", CONFIG)
    # 23:30 UTC on the 19th is 00:30 in Oslo on the 20th: inside the window
    inside = write("in.txt", "---\nscheduled_at: 2025-01-19T23:30:00Z\n---\nHi\n")
    outside = write("out.txt", "---\nscheduled_at: 2025-01-19T23:30:00\n---\nHi\n")
    assert [f["rule"] for f in core(str(inside)).json["findings"]] == ["schedule.blackout"]
    assert core(str(outside)).json["findings"] == []


def test_past_uses_now(write, core, cli):
    post = write("p.txt", "---\nscheduled_at: 2025-01-10T09:00:00Z\n---\nHi\n")
    [finding] = core(str(post)).json["findings"]  # --now 2025-01-15
    assert finding["rule"] == "schedule.past" and finding["severity"] == "warning"
    run = cli("check", "--format", "json", "--now", "2025-01-01T00:00:00Z", str(post))
    assert run.json["findings"] == []


def test_no_time_no_schedule_finding(write, core):
    write(".postlint.yaml", CONFIG)
    assert core(str(write("p.txt", "Hello\n"))).json["findings"] == []


def test_bad_now_exits_2(cli, write):
    run = cli("check", "--now", "yesterday", str(write("p.txt", "hi")))
    assert run.exit_code == 2 and "ISO 8601" in run.stderr
