"""`postlint events`: the weekly read-out of what is live and what is coming (real CLI,
real calendar data, a real feed on 127.0.0.1)."""

from __future__ import annotations

import json

from test_events_feeds import RSS, serve
from test_links_support import start

TEAM = """
events:
  - name: Storm Ingrid
    start: 2025-03-10T06:00:00Z
    end: 2025-03-13T00:00:00Z
    terms: [storm, Ingrid]
    level: major
  - name: Trial verdict in the Kongsberg case
    start: 2025-03-20T09:00:00Z
"""


def test_text_readout_lists_live_events_coming_events_and_dates(write, cli, monkeypatch, tmp_path):
    write("brand/team-events.yaml", TEAM)
    write("brand/.postlint.yaml", 'timezone: Europe/Oslo\nmarkets: ["no", pl]\nevents:\n  feeds: [team-events.yaml]\n')
    monkeypatch.chdir(tmp_path / "brand")
    run = cli("events", "--now", "2025-03-11T08:00:00Z")
    assert run.exit_code == 0, run.stderr
    out = run.stdout
    live, coming = out.split("COMING UP")
    assert "Storm Ingrid  [major: every scheduled post is paused]" in live
    assert "until Thu 2025-03-13 01:00" in live and "terms: storm, Ingrid" in live
    assert "Trial verdict in the Kongsberg case (notable, from team-events.yaml)" in coming
    # sensitive dates of the next 14 days, in order: Kielland (no, 27 March) is outside the horizon
    assert "Kielland" not in coming
    order = ["Tue 2025-03-11", "Sat 2025-03-15", "Thu 2025-03-20 10:00", "Sat 2025-03-22", "Mon 2025-03-24"]
    assert [coming.index(day) for day in order] == sorted(coming.index(day) for day in order)
    assert "Tue 2025-03-11        Anniversary of the Tōhoku" in coming      # today counts
    assert "Hercules" in coming and "[no]" in coming                      # 15 March, Norway
    assert "Brussels" in coming and "[international]" in coming           # 22 March
    assert "Ulma family" in coming and "[pl]" in coming                   # 24 March, Poland
    assert "team-events.yaml: events YAML, 2 items, 2 events; read" in out
    assert "Markets: no, pl (+ international)" in out


def test_json_readout_and_a_feed_served_over_http(write, cli):
    server = start()
    try:
        server.routes["/news.rss"] = serve(RSS)
        config = write(".postlint.yaml", f"markets: [us]\nevents:\n  allow_private_hosts: true\n"
                                         f"  feeds: [{server.base}/news.rss]\n")
        run = cli("events", "--config", str(config), "--format", "json", "--now", "2012-10-30T12:00:00Z")
        assert run.exit_code == 0, run.stderr
        data = json.loads(run.stdout)
        assert [e["name"] for e in data["live"]] == ["Sunny spells and light winds for a quiet weekend",
                                                     "Hurricane Sandy makes landfall in New Jersey"]
        assert "sandy" in data["live"][1]["terms"] and data["live"][1]["level"] == "notable"
        assert [d["name"] for d in data["dates"]] == ["Armistice Day / Remembrance Day"]
        assert data["feeds"][0]["state"] == "ok" and data["feeds"][0]["format"] == "RSS"
        # offline, the read-out says how old its copy is
        run = cli("events", "--config", str(config), "--offline", "--now", "2012-10-30T12:00:00Z")
        assert "offline; copy fetched 0 min ago" in run.stdout
        assert server.count["/news.rss"] == 1
    finally:
        server.shutdown()
        server.server_close()


def test_readout_without_events_config_says_so(write, cli):
    config = write(".postlint.yaml", "languages: [en]\n")
    run = cli("events", "--config", str(config))
    assert run.exit_code == 0 and "no `markets` or `events` configured" in run.stderr


def test_readout_with_a_broken_config_fails_with_one_line(write, cli):
    config = write(".postlint.yaml", "markets: [norway]\n")
    run = cli("events", "--config", str(config))
    assert run.exit_code == 2 and "unknown market 'norway'" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
