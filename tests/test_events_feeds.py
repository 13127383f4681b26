"""Live-event feeds served by a real HTTP server on 127.0.0.1: RSS, Atom, JSON Feed, iCalendar,
an events YAML, a broken feed, a slow feed, a trickling feed; the cache, --offline, safety."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

import pytest

from test_links_support import Handler, LinkServer, start

LIVE = ("--select", "schedule.live-event", "--select", "schedule.blackout")
SANDY_DAY = "2012-10-30T10:00:00Z"  # Sandy made landfall on 29 October 2012, 23:30 UTC

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Newsroom</title><language>en-us</language>
<item><title>Hurricane Sandy makes landfall in New Jersey</title>
  <pubDate>Mon, 29 Oct 2012 23:30:00 GMT</pubDate><category>Weather</category>
  <link>https://news.example/sandy</link></item>
<item><title>Sunny spells and light winds for a quiet weekend</title>
  <pubDate>Mon, 29 Oct 2012 06:00:00 GMT</pubDate></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Alerts</title><id>urn:alerts</id>
<updated>2013-04-15T19:00:00Z</updated>
<entry><title>Explosions at the Boston Marathon finish line</title><id>urn:1</id>
  <updated>2013-04-15T18:50:00Z</updated><category term="Boston"/></entry>
</feed>"""

JSON_FEED = json.dumps({
    "version": "https://jsonfeed.org/version/1.1", "title": "Noticias", "language": "es",
    "items": [{"id": "1", "title": "La DANA deja inundaciones históricas en Valencia",
               "date_published": "2024-10-29T18:00:00+01:00", "tags": ["Valencia"],
               "url": "https://noticias.example/dana"}]}).encode()

ICAL = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//alerts//EN\r\nBEGIN:VEVENT\r\nUID:1@a\r\n"
        b"DTSTAMP:20250101T000000Z\r\nSUMMARY:Storm Ingrid: red warning for Bergen\r\n"
        b"CATEGORIES:major\r\nDTSTART:20250312T060000Z\r\nDTEND:20250313T180000Z\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n")


def serve(body: bytes, content_type: str = "application/xml", delay: float = 0.0):
    def route(h: Handler, method: str) -> None:
        if delay:
            time.sleep(delay)
        h.answer(200, {"Content-Type": content_type}, body)
    return route


def trickle(h: Handler, method: str) -> None:
    """Answers at once, then sends one byte every 0.2 s for far longer than any deadline."""
    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    h.end_headers()
    try:
        for _ in range(100):
            h.wfile.write(b" ")
            h.wfile.flush()
            time.sleep(0.2)
    except (BrokenPipeError, ConnectionResetError):
        pass


@pytest.fixture
def server():
    srv = start()
    yield srv
    srv.shutdown()
    srv.server_close()


def config(write, *feeds: str, extra: str = "") -> None:
    lines = "".join(f"    - {f}\n" for f in feeds)
    write(".postlint.yaml", f"languages: [en, es]\nevents:\n  timeout: 0.5\n  allow_private_hosts: true\n"
                            f"{extra}  feeds:\n{lines}")


def draft(write, name: str, text: str, when: str = SANDY_DAY) -> str:
    return str(write(name, f"---\nscheduled_at: {when}\n---\n{text}\n"))


def live(run) -> list[dict]:
    assert run.exit_code in (0, 1), run.stderr
    return [f for f in run.json["findings"] if f["rule"] in ("schedule.live-event", "schedule.blackout")]


def test_rss_item_is_an_event_whose_terms_a_storm_sale_touches(write, check, server: LinkServer):
    server.routes["/news.rss"] = serve(RSS, "application/rss+xml")
    config(write, f"{server.base}/news.rss")
    [finding] = live(check(*LIVE, draft(write, "sale.txt",
                                          "In case you're bored during the storm, 20% off everything!")))
    assert finding["severity"] == "critical" and finding["match"] == "storm"
    assert "Hurricane Sandy makes landfall" in finding["message"]
    [finding] = live(check(*LIVE, draft(write, "thoughts.txt",
                                          "Our thoughts are with everyone in New Jersey tonight.")))
    assert finding["severity"] == "warning" and finding["match"] == "Jersey"


def test_feed_items_are_fetched_once_and_reused_for_events_refresh(write, check, server: LinkServer):
    server.routes["/news.rss"] = serve(RSS)
    config(write, f"{server.base}/news.rss", extra="  refresh: 30m\n")
    path = draft(write, "a.txt", "Hurricane prep: stock up on coffee. 10% off!")
    assert live(check(*LIVE, path)) and live(check(*LIVE, path))
    assert server.count["/news.rss"] == 1


def test_no_cache_fetches_every_run(write, check, server: LinkServer):
    server.routes["/news.rss"] = serve(RSS)
    config(write, f"{server.base}/news.rss")
    path = draft(write, "a.txt", "Hurricane prep: stock up on coffee.")
    check(*LIVE, "--no-cache", path)
    check(*LIVE, "--no-cache", path)
    assert server.count["/news.rss"] == 2


def test_offline_uses_the_last_copy_and_says_how_old_it_is(write, check, server: LinkServer, tmp_path):
    server.routes["/news.rss"] = serve(RSS)
    config(write, f"{server.base}/news.rss")
    path = draft(write, "a.txt", "Storm sale! 20% off everything.")
    assert live(check(*LIVE, path))
    [copy] = (tmp_path / ".postlint-cache" / "events").glob("feed-*.json")
    data = json.loads(copy.read_text())
    data["fetched_at"] = (datetime.now(timezone.utc) - timedelta(hours=3, minutes=5)).isoformat()
    copy.write_text(json.dumps(data))
    server.shutdown()
    run = check(*LIVE, "--offline", path)
    assert [f["severity"] for f in live(run)] == ["critical"]
    assert "using the copy of feed" in run.stderr and "fetched 3 h ago" in run.stderr
    assert server.count["/news.rss"] == 1


def test_offline_without_a_copy_is_a_warning_not_a_failure(write, check, server: LinkServer):
    server.routes["/news.rss"] = serve(RSS)
    config(write, f"{server.base}/news.rss")
    run = check(*LIVE, "--offline", draft(write, "a.txt", "Storm sale! 20% off."))
    assert run.exit_code == 0 and live(run) == []
    assert "no copy fetched yet" in run.stderr and server.count["/news.rss"] == 0


def test_atom_feed_and_its_categories(write, check, server: LinkServer):
    server.routes["/alerts.atom"] = serve(ATOM, "application/atom+xml")
    config(write, f"{server.base}/alerts.atom")
    when = "2013-04-16T08:00:00Z"
    [finding] = live(check(*LIVE, draft(write, "a.txt", "Marathon training? Fuel up: 20% off smoothies!", when)))
    assert finding["severity"] == "critical" and finding["match"] == "Marathon"
    # a cheerful breakfast post that does not touch the event: notable events report nothing
    assert live(check(*LIVE, draft(write, "b.txt", "Good morning! Fresh croissants are out.", when))) == []


def test_json_feed_in_spanish_matches_a_spanish_post(write, check, server: LinkServer):
    server.routes["/feed.json"] = serve(JSON_FEED, "application/feed+json")
    config(write, f"{server.base}/feed.json")
    [finding] = live(check(*LIVE, draft(write, "a.txt", "Tras las inundaciones, seguimos abiertos en Valencia.",
                                          "2024-10-30T09:00:00Z")))
    assert finding["severity"] == "warning" and "DANA" in finding["message"]
    # English post, same event: the crisis group brings "flood" in the brand's languages
    [finding] = live(check(*LIVE, draft(write, "b.txt", "Flood of flavours: 20% off today!", "2024-10-30T09:00:00Z")))
    assert finding["severity"] == "critical" and finding["match"] == "Flood"


def test_icalendar_feed_with_a_major_event_pauses_everything(write, check, server: LinkServer):
    server.routes["/alerts.ics"] = serve(ICAL, "text/calendar")
    config(write, f"{server.base}/alerts.ics")
    [finding] = live(check(*LIVE, draft(write, "a.txt", "New pastries this week!", "2025-03-12T12:00:00Z")))
    assert finding["rule"] == "schedule.blackout" and finding["severity"] == "critical"
    assert "Storm Ingrid" in finding["message"]
    assert live(check(*LIVE, draft(write, "b.txt", "New pastries this week!", "2025-03-13T18:00:00Z"))) == []


def test_broken_feed_is_a_warning_and_other_feeds_still_work(write, check, server: LinkServer):
    server.routes["/broken.rss"] = serve(b"<html><body>502 Bad Gateway</body><html", "text/html")
    server.routes["/gone.rss"] = lambda h, m: h.answer(404)
    server.routes["/news.rss"] = serve(RSS)
    config(write, f"{server.base}/broken.rss", f"{server.base}/gone.rss", f"{server.base}/news.rss")
    run = check(*LIVE, draft(write, "a.txt", "Storm sale! 20% off."))
    assert run.exit_code == 1 and [f["match"] for f in live(run)] == ["Storm"]
    warnings = [line for line in run.stderr.splitlines() if "warning: feed" in line]
    assert len(warnings) == 2 and "HTTP 404" in warnings[1] and "Traceback" not in run.stderr
    assert all("502 Bad Gateway" not in w for w in warnings)  # the body is never echoed


def test_slow_feed_times_out_as_a_warning(write, check, server: LinkServer):
    server.routes["/slow.rss"] = serve(RSS, delay=15.0)
    config(write, f"{server.base}/slow.rss")
    started = time.monotonic()
    run = check(*LIVE, draft(write, "a.txt", "Storm sale! 20% off."))
    assert time.monotonic() - started < 10  # timeout 0.5 s; generous for a loaded CI machine
    assert run.exit_code == 0 and "timed out" in run.stderr


def test_trickling_feed_hits_the_overall_deadline(write, check, server: LinkServer):
    server.routes["/trickle.rss"] = trickle
    config(write, f"{server.base}/trickle.rss")
    started = time.monotonic()
    run = check(*LIVE, draft(write, "a.txt", "Storm sale! 20% off."))
    assert time.monotonic() - started < 10  # 3 x timeout 0.5 s, plus the run; the server trickles 20 s
    assert run.exit_code == 0 and "overall deadline" in run.stderr


def test_oversized_feed_is_refused(write, check, server: LinkServer):
    server.routes["/huge.rss"] = serve(b"<rss>" + b" " * (5 * 1024 * 1024) + b"</rss>")
    config(write, f"{server.base}/huge.rss")
    run = check(*LIVE, draft(write, "a.txt", "Storm sale! 20% off."))
    assert run.exit_code == 0 and "larger than 4 MiB" in run.stderr


def test_private_addresses_are_refused_unless_allowed(write, check, server: LinkServer):
    server.routes["/news.rss"] = serve(RSS)
    write(".postlint.yaml", f"events:\n  timeout: 0.5\n  feeds: [{server.base}/news.rss]\n")
    run = check(*LIVE, draft(write, "a.txt", "Storm sale! 20% off."))
    assert run.exit_code == 0 and "private or local address" in run.stderr
    assert server.total() == 0
    # the link checker's switch counts for feeds too
    write(".postlint.yaml", f"links: {{allow_private_hosts: true}}\nevents:\n  feeds: [{server.base}/news.rss]\n")
    assert live(check(*LIVE, draft(write, "b.txt", "Storm sale! 20% off.")))


def test_redirect_to_a_private_address_is_refused(write, check, server: LinkServer):
    # localhost resolves to loopback too: the hop is checked like the first request
    server.routes["/moved.rss"] = lambda h, m: h.answer(302, {"Location": f"http://localhost:{server.port}/news.rss"})
    server.routes["/news.rss"] = serve(RSS)
    write(".postlint.yaml", f"events:\n  timeout: 0.5\n  feeds: [{server.base}/moved.rss]\n")
    run = check(*LIVE, draft(write, "a.txt", "Storm sale! 20% off."))
    assert "private or local address" in run.stderr and server.count["/news.rss"] == 0


def test_newsroom_feed_with_filter_crisis_keeps_only_crises(write, check, server: LinkServer):
    server.routes["/news.rss"] = serve(RSS)
    sunny = "Sunny weekend ahead: iced lattes 20% off!"
    config(write, f"{server.base}/news.rss")
    assert [f["match"] for f in live(check(*LIVE, draft(write, "a.txt", sunny)))] == ["Sunny"]
    # the weather forecast is not a crisis: with `filter: crisis` it is no event
    config(write, f"{{url: '{server.base}/news.rss', filter: crisis}}")
    assert live(check(*LIVE, "--no-cache", draft(write, "b.txt", sunny))) == []
    assert live(check(*LIVE, "--no-cache", draft(write, "c.txt", "Storm sale! 20% off.")))


def test_events_yaml_from_a_file_with_written_terms_and_levels(write, check):
    write("crisis-events.yaml", """
        events:
          - name: Hurricane Sandy
            start: 2012-10-28T00:00:00Z
            end: 2012-11-06T00:00:00Z
            terms: [storm, hurricane, Sandy, "#Sandy", "#frankenstorm"]
            level: notable
        """)
    write(".postlint.yaml", "events:\n  feeds: [crisis-events.yaml]\n")
    found = live(check(*LIVE, draft(write, "a.txt", "Beat the #Frankenstorm blues: free shipping today!")))
    assert [(f["match"], f["severity"]) for f in found] == [("#Frankenstorm", "critical")]
    # the written terms are all there is: "landfall" is not one of them
    assert live(check(*LIVE, draft(write, "b.txt", "Landfall of flavour: new menu!"))) == []


def test_events_yaml_typo_is_a_warning_with_file_line_and_hint(write, check):
    write("crisis-events.yaml", "events:\n  - name: Storm\n    start: 2012-10-28T00:00:00Z\n    levle: major\n")
    write("levels.yaml", "events:\n  - name: Storm\n    start: 2012-10-28T00:00:00Z\n    level: majr\n")
    write(".postlint.yaml", "events:\n  feeds: [crisis-events.yaml, levels.yaml, missing.yaml]\n")
    run = check(*LIVE, draft(write, "a.txt", "Storm sale!"))
    assert run.exit_code == 0, run.stderr
    assert "crisis-events.yaml:4: unknown key 'events[0].levle' (did you mean 'events[0].level'?)" in run.stderr
    assert "levels.yaml:2: level 'majr' is not major or notable (did you mean 'major'?)" in run.stderr
    assert "feed missing.yaml cannot be read" in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize("feeds, expected", [
    ("[{url: a.yaml, level: majr}]", "did you mean 'major'?"),
    ("[{url: a.yaml, lvl: major}]", "did you mean 'events.feeds[0].level'?"),
    ("[ftp://example.org/a.rss]", "only http(s) URLs and paths"),
])
def test_feed_config_mistakes_stop_the_run(write, check, feeds, expected):
    write(".postlint.yaml", f"events:\n  lasts: 72h\n  feeds: {feeds}\n")
    run = check(*LIVE, draft(write, "a.txt", "Storm sale!"))
    assert run.exit_code == 2 and expected in run.stderr, run.stderr
    write(".postlint.yaml", "events:\n  lasts: three days\n")
    run = check(*LIVE, draft(write, "a.txt", "Storm sale!"))
    assert run.exit_code == 2 and "events.lasts" in run.stderr and ":2:" in run.stderr


def test_a_major_category_makes_an_rss_item_a_major_event(write, check, server: LinkServer):
    body = RSS.replace(b"<category>Weather</category>", b"<category>major</category>")
    server.routes["/news.rss"] = serve(body)
    config(write, f"{server.base}/news.rss")
    found = live(check(*LIVE, draft(write, "a.txt", "New pastries this week!")))
    assert [(f["rule"], f["severity"]) for f in found] == [("schedule.blackout", "critical")]
    assert "Hurricane Sandy makes landfall" in found[0]["message"]


def test_entity_expansion_bomb_is_harmless(write, check, server: LinkServer):
    lol = b"".join(b'<!ENTITY l%d "&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;">' % ((i,) + (i - 1,) * 10)
                   for i in range(1, 10))
    body = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">' + lol + b']>'
            b'<rss version="2.0"><channel><title>x</title><item><title>&l9;</title>'
            b'<pubDate>Mon, 29 Oct 2012 23:30:00 GMT</pubDate></item></channel></rss>')
    server.routes["/lol.rss"] = serve(body)
    config(write, f"{server.base}/lol.rss")
    started = time.monotonic()
    run = check(*LIVE, draft(write, "a.txt", "lol sale! 20% off."))
    assert time.monotonic() - started < 10 and run.exit_code == 0 and "Traceback" not in run.stderr
    assert "declares entities" in run.stderr


def test_a_tampered_cache_copy_is_ignored(write, check, server: LinkServer, tmp_path):
    server.routes["/news.rss"] = serve(RSS)
    config(write, f"{server.base}/news.rss")
    path = draft(write, "a.txt", "Storm sale! 20% off.")
    check(*LIVE, path)
    [copy] = (tmp_path / ".postlint-cache" / "events").glob("feed-*.json")
    data = json.loads(copy.read_text())
    data["items"][0]["start"] = "yesterday-ish"
    copy.write_text(json.dumps(data))
    run = check(*LIVE, "--offline", path)
    assert run.exit_code == 0 and live(run) == [] and "Traceback" not in run.stderr
    copy.write_text("{not json")
    run = check(*LIVE, "--offline", path)
    assert run.exit_code == 0 and "no copy fetched yet" in run.stderr
