"""Sensitive dates: the built-in market calendars (real data in rules/events/), user calendars,
moving dates, market time zones, and what is (not) reported: only promotional posts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from postlint.events.dates import Calendar, load_markets
from postlint.rules import builtin_rules_dir

SELECT = ("--select", "schedule.sensitive-date")
SALE = "Flash sale: 30% off all mugs, shop now!"
MARKETS = ("us", "es", "pl", "no", "international")


def post(write, name: str, when: str, text: str = SALE) -> str:
    return str(write(name, f"---\nscheduled_at: {when}\n---\n{text}\n"))


def messages(run) -> list[str]:
    assert run.exit_code in (0, 1), run.stderr
    return [f["message"] for f in run.json["findings"] if f["rule"] == "schedule.sensitive-date"]


def market_files() -> dict[str, Path]:
    return {yaml.safe_load(p.read_text())["market"]: p for p in (builtin_rules_dir() / "events").glob("dates-*.yaml")}


def test_every_market_has_at_least_15_dates_each_with_a_source_and_a_meaning():
    files = market_files()
    assert set(files) == set(MARKETS)
    for market, path in files.items():
        text = path.read_text()
        data = yaml.safe_load(text)
        assert len(data["dates"]) >= 15, market
        # the comment line right above every entry names its source
        lines = text.splitlines()
        entries = [i for i, line in enumerate(lines) if line.startswith("  - {name:")]
        assert len(entries) == len(data["dates"])
        for i in entries:
            assert re.match(r"\s+# source: https://\S+$", lines[i - 1]), (path.name, lines[i])
        assert all(d["meaning"].strip() for d in data["dates"])


def test_issue_examples_are_in_their_markets():
    markets = load_markets([(p, None) for p in market_files().values()])
    wanted = {"us": ["09-11", "12-07"], "es": ["03-11"], "pl": ["08-01", "09-01", "04-10"],
              "no": ["07-22"], "international": ["01-27"]}
    for code, days in wanted.items():
        have = {f"{d.month_day[0]:02d}-{d.month_day[1]:02d}" for d in markets[code].dates if d.month_day}
        assert set(days) <= have, code


def test_moving_dates_memorial_day_and_good_friday():
    markets = load_markets([(p, None) for p in market_files().values()])
    calendar = Calendar([markets["us"], markets["pl"]], "UTC")
    from datetime import datetime, timezone

    names = lambda y, m, d: {x.name for x in calendar.on(datetime(y, m, d, 15, tzinfo=timezone.utc))}
    assert "Memorial Day" in names(2025, 5, 26)      # last Monday of May 2025
    assert "Memorial Day" not in names(2025, 5, 19)
    assert "Memorial Day" in names(2026, 5, 25)
    assert "Wielki Piątek" in names(2025, 4, 18)      # Easter 2025: 20 April
    assert "Wielki Piątek" in names(2026, 4, 3)       # Easter 2026: 5 April
    assert "Martin Luther King Jr. Day" in names(2025, 1, 20)  # third Monday of January


def test_promotional_post_on_a_sensitive_date_is_a_warning_naming_it(write, check):
    write(".postlint.yaml", "markets: [us]\n")
    [message] = messages(check(*SELECT, post(write, "a.txt", "2025-09-11T14:00:00Z")))
    assert "11 September" in message and "3,000" in message and "flash sale" in message.lower()
    run = check(*SELECT, post(write, "b.txt", "2025-09-11T14:00:00Z"))
    assert run.json["findings"][0]["severity"] == "warning"


def test_respectful_and_plain_posts_on_a_remembrance_day_are_not_reported(write, check):
    write(".postlint.yaml", "markets: [us, \"no\"]\n")
    assert messages(check(*SELECT, post(write, "r.txt", "2025-09-11T14:00:00Z",
                                        "Today we remember the lives lost on 9/11."))) == []
    assert messages(check(*SELECT, post(write, "p.txt", "2025-07-22T10:00:00Z",
                                        "Vi minnes ofrene fra 22. juli."))) == []
    assert messages(check(*SELECT, post(write, "q.txt", "2025-09-11T14:00:00Z",
                                        "Our autumn menu: pumpkin and cinnamon."))) == []


def test_ordinary_day_and_unscheduled_post_are_not_reported(write, check):
    write(".postlint.yaml", "markets: [us, es, pl, \"no\"]\n")
    assert messages(check(*SELECT, post(write, "a.txt", "2025-09-10T14:00:00Z"))) == []
    assert messages(check(*SELECT, str(write("b.txt", SALE + "\n")))) == []


def test_dates_are_local_days_of_the_market(write, check):
    # 9/11 in New York: 04:00 UTC on the 12th is still the 11th there; 03:00 UTC on the 11th is the 10th
    write(".postlint.yaml", "markets: [us]\n")
    assert messages(check(*SELECT, post(write, "a.txt", "2025-09-12T03:30:00Z")))
    assert messages(check(*SELECT, post(write, "b.txt", "2025-09-11T03:30:00Z"))) == []
    # 22 July in Oslo (UTC+2 in summer): 22:30 UTC on the 21st is already the 22nd
    write(".postlint.yaml", "markets: [\"no\"]\n")
    [message] = messages(check(*SELECT, post(write, "c.txt", "2025-07-21T22:30:00Z")))
    assert "22. juli" in message and "Utøya" in message


def test_international_dates_come_with_any_market_in_the_config_timezone(write, check):
    write(".postlint.yaml", "timezone: Asia/Tokyo\nmarkets: [es]\n")
    # 27 January in Tokyo starts at 15:00 UTC on the 26th
    [message] = messages(check(*SELECT, post(write, "a.txt", "2025-01-26T16:00:00Z")))
    assert "Holocaust" in message
    assert messages(check(*SELECT, post(write, "b.txt", "2025-01-26T14:00:00Z"))) == []


def test_anniversaries_start_the_year_after_the_event(write, check):
    write(".postlint.yaml", "markets: [\"no\"]\n")
    assert messages(check(*SELECT, post(write, "a.txt", "2011-07-22T10:00:00Z"))) == []
    assert messages(check(*SELECT, post(write, "b.txt", "2012-07-22T10:00:00Z")))


def test_user_calendar_adds_dates_on_top_without_markets(write, check):
    write("our-dates.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\n"
          "UID:1@t\r\nDTSTAMP:20250101T000000Z\r\nSUMMARY:Anniversary of our founder's death\r\n"
          "DESCRIPTION:Anna Berg died on this day in 2019.\r\nDTSTART;VALUE=DATE:20200304\r\n"
          "RRULE:FREQ=YEARLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    write(".postlint.yaml", "timezone: Europe/Oslo\nevents:\n  calendars: [our-dates.ics]\n")
    [message] = messages(check(*SELECT, post(write, "a.txt", "2025-03-04T08:00:00")))
    assert "founder" in message and "Anna Berg" in message
    assert messages(check(*SELECT, post(write, "b.txt", "2025-03-05T08:00:00"))) == []
    # no markets: the built-in calendars stay out (11 September is an ordinary day here)
    assert messages(check(*SELECT, post(write, "c.txt", "2025-09-11T12:00:00"))) == []


@pytest.mark.parametrize("markets, expected", [
    ("[usa]", "unknown market 'usa' (did you mean 'us'?)"),
    ("[us, no]", 'write "no" in quotes'),
    ("[es, pol]", "(did you mean 'pl'?)"),
    ("us", "markets must be a list"),
])
def test_market_typos_stop_the_run_with_file_line_and_hint(write, check, markets, expected):
    config = write(".postlint.yaml", f"languages: [en]\nmarkets: {markets}\n")
    run = check(*SELECT, post(write, "a.txt", "2025-09-11T14:00:00Z"))
    assert run.exit_code == 2, run.stdout
    assert expected in run.stderr and f"{config}:2" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr


def test_broken_user_calendar_stops_the_run_naming_it(write, check):
    write("bad.ics", "not a calendar\n")
    write(".postlint.yaml", "events:\n  calendars: bad.ics\n")
    run = check(*SELECT, post(write, "a.txt", "2025-09-11T14:00:00Z"))
    assert run.exit_code == 2 and "bad.ics" in run.stderr and "iCalendar" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_config_without_markets_or_events_never_imports_the_events_package(write, tmp_path):
    import subprocess
    import sys

    write(".postlint.yaml", "languages: [en]\n")
    draft = post(write, "a.txt", "2025-09-11T14:00:00Z")
    code = ("import sys; from postlint.cli import main\n"
            "try:\n    main(['check', '--offline', '--quiet', '--now', '2025-01-01T00:00:00Z', sys.argv[1]])\n"
            "except SystemExit: pass\n"
            "print([m for m in sys.modules if m.startswith(('postlint.events', 'feedparser', 'dateutil.rrule'))])")
    out = subprocess.run([sys.executable, "-c", code, draft], capture_output=True, text=True, cwd=tmp_path,
                         timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stderr
