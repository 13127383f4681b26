"""Blackout windows from iCalendar files: all-day and timed events, time zones, recurrences."""

from __future__ import annotations

import time
from pathlib import Path

SELECT = ("--select", "schedule.blackout")

OSLO_TZ = """\
BEGIN:VTIMEZONE
TZID:Europe/Oslo
BEGIN:STANDARD
DTSTART:19701025T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
END:VTIMEZONE
"""


def ics(*events: str, timezone: str = OSLO_TZ) -> str:
    body = "".join(f"BEGIN:VEVENT\nUID:{i}@test\nDTSTAMP:20250101T000000Z\n{e.strip()}\nEND:VEVENT\n"
                   for i, e in enumerate(events))
    return ("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//postlint tests//EN\n" + timezone + body
            + "END:VCALENDAR\n").replace("\n", "\r\n")


def post(write, name: str, when: str, text: str = "Big sale, everything must go!") -> str:
    return str(write(name, f"---\nscheduled_at: {when}\n---\n{text}\n"))


def blackouts(run) -> list[str]:
    return [f["message"] for f in run.json["findings"] if f["rule"] == "schedule.blackout"]


def test_all_day_event_covers_the_local_day_of_the_config_timezone(write, check):
    write("cal/crisis.ics", ics("SUMMARY:National day of mourning\nDTSTART;VALUE=DATE:20250310\n"
                                "DTEND;VALUE=DATE:20250311"))
    write(".postlint.yaml", "timezone: Europe/Oslo\nblackout_calendar: cal/crisis.ics\n")
    # 23:30 UTC on the 9th is 00:30 on the 10th in Oslo: inside; 23:30 Oslo on the 10th: inside
    inside = [post(write, "a.txt", "2025-03-09T23:30:00Z"), post(write, "b.txt", "2025-03-10T23:30:00")]
    outside = [post(write, "c.txt", "2025-03-09T22:30:00Z"), post(write, "d.txt", "2025-03-11T00:00:00")]
    for path in inside:
        run = check(*SELECT, path)
        assert run.exit_code == 1
        [message] = blackouts(run)
        assert "National day of mourning" in message
    for path in outside:
        assert blackouts(check(*SELECT, path)) == []


def test_timed_event_with_tzid_is_that_instant(write, check):
    write("crisis.ics", ics("SUMMARY:Press conference\nDTSTART;TZID=Europe/Oslo:20250310T140000\n"
                            "DTEND;TZID=Europe/Oslo:20250310T160000"))
    write(".postlint.yaml", "timezone: America/New_York\nblackout_calendar: [crisis.ics]\n")
    # 14:00-16:00 Oslo = 13:00-15:00 UTC = 09:00-11:00 New York (EDT since 9 March)
    assert blackouts(check(*SELECT, post(write, "in.txt", "2025-03-10T10:59:00")))
    assert blackouts(check(*SELECT, post(write, "z.txt", "2025-03-10T13:30:00Z")))
    assert not blackouts(check(*SELECT, post(write, "end.txt", "2025-03-10T11:00:00")))  # end exclusive
    assert not blackouts(check(*SELECT, post(write, "oslo.txt", "2025-03-10T14:30:00")))  # NY time


def test_weekly_recurrence_with_exdate_and_a_yearly_all_day_event(write, check):
    write("crisis.ics", ics(
        "SUMMARY:Weekly quiet hour\nDTSTART;TZID=Europe/Oslo:20250106T090000\n"
        "DTEND;TZID=Europe/Oslo:20250106T100000\nRRULE:FREQ=WEEKLY;BYDAY=MO\n"
        "EXDATE;TZID=Europe/Oslo:20250113T090000",
        "SUMMARY:Memorial day\nDTSTART;VALUE=DATE:20230722\nRRULE:FREQ=YEARLY",
    ))
    write(".postlint.yaml", "timezone: Europe/Oslo\nblackout_calendar: crisis.ics\n")
    monday = check(*SELECT, post(write, "mon.txt", "2025-06-16T09:15:00"))
    assert ["Weekly quiet hour" in m for m in blackouts(monday)] == [True]
    assert blackouts(check(*SELECT, post(write, "ex.txt", "2025-01-13T09:15:00"))) == []  # EXDATE
    assert blackouts(check(*SELECT, post(write, "tue.txt", "2025-06-17T09:15:00"))) == []
    # an all-day event without DTEND lasts that one day, every year
    [memorial] = blackouts(check(*SELECT, post(write, "m.txt", "2026-07-22T18:00:00")))
    assert "Memorial day" in memorial
    assert blackouts(check(*SELECT, post(write, "m2.txt", "2026-07-23T00:00:00"))) == []


def test_floating_time_and_duration_are_read_in_the_config_timezone(write, check):
    write("crisis.ics", ics("SUMMARY:Vigil\nDTSTART:20250201T200000\nDURATION:PT2H", timezone=""))
    write(".postlint.yaml", "timezone: Asia/Tokyo\nblackout_calendar: crisis.ics\n")
    assert blackouts(check(*SELECT, post(write, "a.txt", "2025-02-01T21:59:00+09:00")))
    assert not blackouts(check(*SELECT, post(write, "b.txt", "2025-02-01T21:59:00Z")))


def test_calendar_config_and_blackout_list_combine(write, check):
    write("one.ics", ics("SUMMARY:Storm\nDTSTART;VALUE=DATE:20250310\nDTEND;VALUE=DATE:20250312"))
    write("two.ics", ics("SUMMARY:Election\nDTSTART;VALUE=DATE:20250311\nDTEND;VALUE=DATE:20250312"))
    write(".postlint.yaml", "blackout_calendar: [one.ics, two.ics]\nblackout:\n"
          "  - {start: 2025-03-11T00:00:00Z, end: 2025-03-11T12:00:00Z, reason: tragedy}\n")
    messages = blackouts(check(*SELECT, post(write, "a.txt", "2025-03-11T10:00:00Z")))
    assert sorted(m.split('"')[1] for m in messages) == ["Election", "Storm", "tragedy"]


def test_post_without_time_is_not_checked_against_calendars(write, check):
    write("crisis.ics", ics("SUMMARY:Storm\nDTSTART;VALUE=DATE:20250115\nDTEND;VALUE=DATE:20250116"))
    write(".postlint.yaml", "blackout_calendar: crisis.ics\n")
    run = check(*SELECT, str(write("p.txt", "No time here\n")))
    assert run.exit_code == 0 and run.json["findings"] == []


def test_missing_or_malformed_calendar_fails_the_run_naming_the_file(write, check):
    draft = post(write, "p.txt", "2025-03-10T10:00:00Z")
    write(".postlint.yaml", "blackout_calendar: nowhere.ics\n")
    run = check(*SELECT, draft)
    assert run.exit_code == 2 and "nowhere.ics" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr
    write("bad.ics", "this is not a calendar\n")
    write(".postlint.yaml", "blackout_calendar: [bad.ics]\n")
    run = check(*SELECT, draft)
    assert run.exit_code == 2 and "bad.ics" in run.stderr and "iCalendar" in run.stderr
    write("bad.ics", b"\xff\xfe\x00garbage")
    run = check(*SELECT, draft)
    assert run.exit_code == 2 and "bad.ics" in run.stderr


def test_calendar_is_found_relative_to_the_config_not_the_cwd(write, check, tmp_path, monkeypatch):
    write("brand/cal/crisis.ics", ics("SUMMARY:Storm\nDTSTART;VALUE=DATE:20250310\nDTEND;VALUE=DATE:20250311"))
    write("brand/.postlint.yaml", "blackout_calendar: cal/crisis.ics\n")
    draft = post(write, "brand/drafts/p.txt", "2025-03-10T10:00:00Z")
    monkeypatch.chdir(tmp_path / "brand" / "drafts")
    assert blackouts(check(*SELECT, draft))


def test_cancelled_events_and_cancelled_occurrences_are_not_blackouts(write, check):
    write("crisis.ics", ics(
        "SUMMARY:Vigil\nSTATUS:CANCELLED\nDTSTART;VALUE=DATE:20250310\nDTEND;VALUE=DATE:20250311",
        "SUMMARY:Daily quiet hour\nDTSTART:20250310T090000Z\nDTEND:20250310T100000Z\nRRULE:FREQ=DAILY;COUNT=5",
        "SUMMARY:Daily quiet hour\nRECURRENCE-ID:20250311T090000Z\nSTATUS:CANCELLED\n"
        "DTSTART:20250311T090000Z\nDTEND:20250311T100000Z",
    ).replace("UID:2@test", "UID:1@test"))
    write(".postlint.yaml", "blackout_calendar: crisis.ics\n")
    assert blackouts(check(*SELECT, post(write, "a.txt", "2025-03-10T09:30:00Z"))) != []  # daily hour
    assert blackouts(check(*SELECT, post(write, "b.txt", "2025-03-10T12:00:00Z"))) == []  # vigil cancelled
    assert blackouts(check(*SELECT, post(write, "c.txt", "2025-03-11T09:30:00Z"))) == []  # one cancelled
    assert blackouts(check(*SELECT, post(write, "d.txt", "2025-03-12T09:30:00Z"))) != []


DATA = Path(__file__).parent / "data" / "schedule"


def test_real_exports_outlook_windows_zone_and_google_x_wr_timezone(write, check):
    """Outlook names zones the Windows way ("W. Europe Standard Time"); Google adds X-WR-TIMEZONE."""
    write(".postlint.yaml", f"timezone: America/New_York\nblackout_calendar:\n"
          f"  - {DATA / 'outlook.ics'}\n  - {DATA / 'google.ics'}\n")
    path = write("q.yaml", """\
        posts:
          - {id: in-cet, scheduled_at: "2025-03-14T12:30:00+01:00", text: hi}
          - {id: in-ny, scheduled_at: "2025-03-14T07:30:00", text: hi}
          - {id: after, scheduled_at: "2025-03-14T09:00:00", text: hi}
          - {id: yearly, scheduled_at: "2027-09-11T10:00:00", text: hi}
          - {id: holiday, scheduled_at: "2025-11-27T23:00:00", text: hi}
          - {id: next-day, scheduled_at: "2025-11-28T00:30:00", text: hi}
        """)
    run = check(*SELECT, str(path))
    assert sorted(f["post"] for f in run.json["findings"]) == ["holiday", "in-cet", "in-ny", "yearly"]
    assert any("Memorial service" in m for m in blackouts(run))


# --- hardening (issue 16): bounded reads, excerpts, bounded recurrence expansion -------------


def one_line(run) -> str:
    assert run.exit_code == 2, (run.exit_code, run.stderr)
    [line] = run.stderr.strip().splitlines()
    assert line.startswith("postlint: ") and "Traceback" not in run.stderr
    return line


def test_a_file_that_is_not_a_calendar_is_not_quoted(write, check, monkeypatch):
    """/proc/self/environ holds CI secrets: the message must not copy them into the log."""
    monkeypatch.setenv("POSTLINT_TEST_SECRET", "hunter2-do-not-print")
    write(".postlint.yaml", "blackout_calendar: /proc/self/environ\n")
    line = one_line(check(*SELECT, post(write, "p.txt", "2025-03-10T10:00:00Z")))
    assert "environ" in line and "not an iCalendar file" in line
    assert "hunter2" not in line and "POSTLINT_TEST_SECRET" not in line


def test_a_broken_calendar_is_quoted_only_as_a_short_excerpt(write, check):
    secret = "TOKEN=" + "s3cr3t" * 50
    write("bad.ics", f"BEGIN:VCALENDAR\r\n{secret}\r\nEND:VCALENDAR\r\n")
    write(".postlint.yaml", "blackout_calendar: bad.ics\n")
    line = one_line(check(*SELECT, post(write, "p.txt", "2025-03-10T10:00:00Z")))
    assert "bad.ics" in line and "s3cr3t" * 10 not in line and len(line) < 400


def test_calendars_that_are_not_regular_files_or_too_large_are_not_read(write, check, tmp_path):
    draft = post(write, "p.txt", "2025-03-10T10:00:00Z")
    write(".postlint.yaml", "blackout_calendar: /dev/urandom\n")
    assert "not a regular file" in one_line(check(*SELECT, draft))
    with open(tmp_path / "huge.ics", "wb") as handle:  # sparse: 11 MB on paper, nothing on disk
        handle.write(b"BEGIN:VCALENDAR\r\n")
        handle.truncate(11 * 1024 * 1024)
    write(".postlint.yaml", "blackout_calendar: huge.ics\n")
    assert "larger than 10 MB" in one_line(check(*SELECT, draft))


def test_a_per_second_event_without_end_is_refused_quickly(write, check):
    write("tick.ics", ics("SUMMARY:Tick\nDTSTART:20250101T000000Z\nDTEND:20250101T000001Z\n"
                          "RRULE:FREQ=SECONDLY"))
    write(".postlint.yaml", "blackout_calendar: tick.ics\n")
    started = time.monotonic()
    line = one_line(check(*SELECT, post(write, "p.txt", "2025-03-10T10:00:00Z")))
    assert time.monotonic() - started < 10  # was 409 s and 6 GB
    assert "tick.ics" in line and "'Tick' (FREQ=SECONDLY from 2025-01-01)" in line
    assert "over the limit of 200,000" in line


def test_a_rule_that_expands_into_every_minute_of_the_year_is_refused(write, check):
    minutes = ",".join(map(str, range(60)))
    hours = ",".join(map(str, range(24)))
    days = ",".join(map(str, range(1, 32)))
    months = ",".join(map(str, range(1, 13)))
    write("cal.ics", ics(f"SUMMARY:Always\nDTSTART:20240101T000000Z\nDURATION:PT1M\nRRULE:FREQ=YEARLY;"
                         f"BYMONTH={months};BYMONTHDAY={days};BYHOUR={hours};BYMINUTE={minutes}"))
    write(".postlint.yaml", "blackout_calendar: cal.ics\n")
    assert "'Always' (FREQ=YEARLY" in one_line(check(*SELECT, post(write, "p.txt", "2025-03-10T10:00:00Z")))


def test_bounded_fine_recurrences_still_work_months_apart(write, check):
    """An hourly quiet slot, and a per-second rule with an UNTIL: within the bound, exact."""
    write("cal.ics", ics(
        "SUMMARY:Top of the hour\nDTSTART:20250101T000000Z\nDTEND:20250101T000500Z\nRRULE:FREQ=HOURLY",
        "SUMMARY:Countdown\nDTSTART:20250310T115900Z\nDTEND:20250310T115901Z\n"
        "RRULE:FREQ=SECONDLY;UNTIL=20250310T120000Z"))
    write(".postlint.yaml", "blackout_calendar: cal.ics\n")
    path = write("q.yaml", """\
        posts:
          - {id: march, scheduled_at: "2025-03-10T10:02:00Z", text: hi}
          - {id: free, scheduled_at: "2025-03-10T10:07:00Z", text: hi}
          - {id: september, scheduled_at: "2025-09-30T23:04:59Z", text: hi}
          - {id: countdown, scheduled_at: "2025-03-10T11:59:30Z", text: hi}
        """)
    run = check(*SELECT, str(path))
    assert run.exit_code == 1, run.stderr
    assert sorted(f["post"] for f in run.json["findings"]) == ["countdown", "march", "september"]


def test_a_missing_calendar_names_the_config_line_that_wants_it(write, check):
    write(".postlint.yaml", "timezone: UTC\nblackout_calendar: [crisis.ics]\n")
    line = one_line(check(*SELECT, post(write, "p.txt", "2025-03-10T10:00:00Z")))
    assert line.endswith(".postlint.yaml:2: blackout_calendar: no such file 'crisis.ics'")
