"""Link checks against a real HTTP server on 127.0.0.1 (never the internet).

Each test writes a draft and a .postlint.yaml (short timeout, private hosts allowed so the
loopback server is reachable), runs the real CLI, and checks findings and what the server
actually received.
"""

from __future__ import annotations

import time

import pytest

from test_links_support import (LinkServer, head_refused, huge_body, redirect, sequence, slow,
                                stall, start, status, trickle)

CONFIG = """
links:
  timeout: 0.4
  allow_private_hosts: true
"""


@pytest.fixture
def server():
    srv = start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def lint(check, write, tmp_path):
    """lint(text, *options, config=CONFIG) -> Run, on a draft in a folder with a config."""

    def run(text: str, *options: str, config: str = CONFIG, name: str = "post.txt"):
        write(".postlint.yaml", config)
        path = write(name, text)
        # every URL here is http://127.0.0.1, which links.unsafe rightly flags: not under test
        return check(str(path), "--select", "links", "--ignore", "links.unsafe", *options)

    return run


def by_rule(result, rule: str) -> list[dict]:
    return [f for f in result.json["findings"] if f["rule"] == rule]


def test_200_is_fine(lint, server: LinkServer):
    server.routes["/ok"] = status(200)
    r = lint(f"Spring menu: {server.base}/ok\n")
    assert r.exit_code == 0, r.stdout
    assert by_rule(r, "links.broken") == [] and by_rule(r, "links.redirected") == []
    assert server.methods == [("HEAD", "/ok")]


def test_301_same_site_is_fine(lint, server: LinkServer):
    server.routes["/old"] = redirect("/new")
    server.routes["/new"] = status(200)
    r = lint(f"See {server.base}/old\n")
    assert r.json["findings"] == []
    assert server.count["/new"] == 1


def test_301_elsewhere_is_redirected_with_final_address(lint, server: LinkServer):
    # localhost is another site than 127.0.0.1 (the same server, so nothing leaves the machine)
    server.routes["/campaign"] = redirect(f"http://localhost:{server.port}/partner")
    server.routes["/partner"] = status(200)
    r = lint(f"Deal: {server.base}/campaign\n")
    [finding] = r.json["findings"]
    assert finding["rule"] == "links.redirected" and finding["severity"] == "warning"
    assert f"http://localhost:{server.port}/partner" in finding["message"]
    assert (finding["line"], finding["column"]) == (1, 7)


def test_redirect_to_home_page_is_reported(lint, server: LinkServer):
    server.routes["/spring-sale"] = redirect("/")
    server.routes["/"] = status(200)
    r = lint(f"Sale: {server.base}/spring-sale\n")
    [finding] = by_rule(r, "links.redirected")
    assert "home page" in finding["message"]


@pytest.mark.parametrize("code, words", [(404, "404 Not Found"), (410, "410 Gone"),
                                         (500, "server error 500")])
def test_error_statuses_are_broken(lint, server: LinkServer, code: int, words: str):
    server.routes["/page"] = status(code)
    r = lint(f"Read it:\n{server.base}/page.\n")
    [finding] = by_rule(r, "links.broken")
    assert words in finding["message"]
    assert finding["severity"] == "error" and r.exit_code == 1
    assert finding["match"] == f"{server.base}/page"  # the full stop is not part of the link
    assert (finding["line"], finding["column"], finding["end_column"]) == \
        (2, 1, 1 + len(f"{server.base}/page"))


def test_broken_after_redirect_names_the_final_address(lint, server: LinkServer):
    server.routes["/a"] = redirect("/b")
    r = lint(f"{server.base}/a\n")
    [finding] = by_rule(r, "links.broken")
    assert f"after redirecting to {server.base}/b" in finding["message"]


def test_head_refused_falls_back_to_get(lint, server: LinkServer):
    server.routes["/nohead"] = head_refused(405)
    r = lint(f"{server.base}/nohead\n")
    assert r.json["findings"] == []
    assert server.methods == [("HEAD", "/nohead"), ("GET", "/nohead")]


def test_redirect_loop(lint, server: LinkServer):
    server.routes["/ping"] = redirect("/pong")
    server.routes["/pong"] = redirect("/ping")
    r = lint(f"{server.base}/ping\n")
    [finding] = by_rule(r, "links.broken")
    assert "loop" in finding["message"]
    assert server.total() == 4  # ping pong ping pong, then ping a third time: stop


def test_revisit_after_cookie_redirect_is_not_a_loop(lint, server: LinkServer):
    def article(h, method):
        if "seen=1" in (h.headers.get("Cookie") or ""):
            h.answer(200)
        else:
            h.answer(302, {"Location": "/cookie-check"})

    server.routes["/article"] = article
    server.routes["/cookie-check"] = lambda h, method: h.answer(
        302, {"Location": "/article", "Set-Cookie": "seen=1; Path=/"})
    r = lint(f"{server.base}/article\n")
    assert r.json["findings"] == []
    assert server.count == {"/article": 2, "/cookie-check": 1}


def test_too_many_redirects(lint, server: LinkServer):
    for i in range(15):
        server.routes[f"/hop{i}"] = redirect(f"/hop{i + 1}")
    r = lint(f"{server.base}/hop0\n")
    [finding] = by_rule(r, "links.broken")
    assert "more than 10 times" in finding["message"]
    assert server.total() == 11  # the limit (data file) is respected, not one request more


def test_slow_server_times_out_quickly(lint, server: LinkServer):
    server.routes["/slow"] = slow(20)
    started = time.monotonic()
    r = lint(f"{server.base}/slow\n")
    elapsed = time.monotonic() - started
    [finding] = by_rule(r, "links.broken")
    assert "did not answer within 0.4 seconds" in finding["message"]
    assert elapsed < 10  # the answer takes 20 s (a generous bound: the machine may be loaded)


def test_a_server_trickling_its_answer_is_cut_off_at_the_deadline(lint, server: LinkServer):
    """One byte every 0.1 s: no single read waits 0.4 s, so a per-read timeout never fires and
    the 1 KiB of headers would take 100 s. `links.timeout` bounds the whole request."""
    server.routes["/drip"] = trickle(0.1)
    started = time.monotonic()
    r = lint(f"{server.base}/drip\n")
    elapsed = time.monotonic() - started
    [finding] = by_rule(r, "links.broken")
    assert "did not answer within 0.4 seconds" in finding["message"]
    assert elapsed < 8, elapsed


def test_a_trickled_body_does_not_hold_the_run_once_the_status_is_known(lint, server: LinkServer):
    server.routes["/page"] = trickle(0.1, body=1000)  # small enough to drain: 100 s of it
    started = time.monotonic()
    r = lint(f"{server.base}/page\n")
    assert r.json["findings"] == []  # 200 arrived in time: the link works
    assert time.monotonic() - started < 8
    assert server.methods == [("HEAD", "/page"), ("GET", "/page")]


def test_a_stalled_host_is_not_tried_for_each_of_its_links(lint, server: LinkServer):
    """A host that accepts connections and never answers: once it has timed out without ever
    answering, its other links get the same finding without waiting again."""
    for i in range(600):
        server.routes[f"/p{i}"] = stall()
    text = " ".join(f"{server.base}/p{i}" for i in range(600))
    started = time.monotonic()
    r = lint(text + "\n")
    elapsed = time.monotonic() - started
    broken = by_rule(r, "links.broken")
    assert len(broken) == 600
    assert all("did not answer within 0.4 seconds" in f["message"] for f in broken)
    assert server.total() <= 2 * 16  # at most the first waves of the per-host limit (16)
    assert elapsed < 12, elapsed  # each link waiting its turn: 600 / 16 * 0.4 s = 15 s


def test_the_whole_link_phase_has_a_bound(lint, server: LinkServer, write, tmp_path):
    """`network.run_deadline`: links not checked by then are unverified, not broken."""
    write("rules/links-extra.yaml", "kind: links\nnetwork: {run_deadline: 1, workers: 2, per_host: 2}\n")
    for i in range(60):
        server.routes[f"/p{i}"] = slow(0.5)
    text = " ".join(f"{server.base}/p{i}" for i in range(60))
    started = time.monotonic()
    r = lint(text + "\n", "--rules", str(tmp_path / "rules"),
             config="links: {timeout: 5, allow_private_hosts: true}\n")
    elapsed = time.monotonic() - started
    assert by_rule(r, "links.broken") == []
    unverified = by_rule(r, "links.unverified")
    assert len(unverified) >= 40  # 2 slots had time for a few answers at most
    assert all("ran out of time (1 seconds" in f["message"] for f in unverified)
    assert elapsed < 10, elapsed  # unbounded: 60 / 2 * 0.5 = 15 s


def test_huge_body_is_not_read(lint, server: LinkServer):
    size = 1024 * 1024 * 1024
    server.routes["/huge"] = huge_body(size)
    r = lint(f"{server.base}/huge\n")
    assert r.json["findings"] == []
    deadline = time.monotonic() + 5
    while server.body_sent == 0 and time.monotonic() < deadline:
        time.sleep(0.02)  # the server notices the hang-up when its socket buffer is full
    assert 0 < server.body_sent < size // 8  # we hung up: only socket buffers were filled


def test_private_address_refused_without_a_request(lint, server: LinkServer):
    server.routes["/ok"] = status(200)
    r = lint(f"{server.base}/ok\n", config="links: {timeout: 0.4}\n")  # allow_private_hosts: false
    [finding] = by_rule(r, "links.broken")
    assert "private or local address (127.0.0.1)" in finding["message"]
    assert server.total() == 0


def test_redirect_hop_to_blocked_address_is_refused(lint, server: LinkServer, write, tmp_path):
    # 127.0.0.2 stands for a metadata service: blocked even with allow_private_hosts: true
    write("rules/links-extra.yaml", "kind: links\nnetwork: {blocked_addresses: [127.0.0.2]}\n")
    server.routes["/to-metadata"] = redirect(f"http://127.0.0.2:{server.port}/latest/meta-data")
    r = lint(f"{server.base}/to-metadata\n", "--rules", str(tmp_path / "rules"))
    [finding] = by_rule(r, "links.broken")
    assert "(127.0.0.2)" in finding["message"]
    assert list(server.count) == ["/to-metadata"]


@pytest.mark.parametrize("address", [
    "::127.0.0.1",          # IPv4-compatible form of loopback
    "::ffff:127.0.0.1",     # IPv4-mapped
    "64:ff9b::7f00:1",      # NAT64 of 127.0.0.1
    "64:ff9b::a00:1",       # NAT64 of 10.0.0.1
    "2002:7f00:1::1",       # 6to4 of 127.0.0.1
    "2002:c0a8:101::1",     # 6to4 of 192.168.1.1
    "fec0::1",              # deprecated site-local
    "64:ff9b:1::a00:1",     # local-use NAT64
])
def test_ipv6_spellings_of_private_addresses_are_refused(lint, address: str):
    r = lint(f"http://[{address}]/admin\n", config="links: {timeout: 0.4}\n")
    [finding] = by_rule(r, "links.broken")
    assert f"private or local address ({address})" in finding["message"], finding["message"]


@pytest.mark.parametrize("address", ["169.254.170.2", "64:ff9b::a9fe:a9fe", "::ffff:169.254.169.254",
                                     "2002:a9fe:a9fe::1", "::169.254.170.2"])
def test_metadata_services_are_refused_even_with_private_hosts_allowed(lint, address: str):
    """AWS ECS task metadata (169.254.170.2) like 169.254.169.254, and IPv6 spellings of both."""
    host = f"[{address}]" if ":" in address else address
    started = time.monotonic()
    r = lint(f"http://{host}/v2/credentials\n")  # CONFIG: allow_private_hosts: true
    [finding] = by_rule(r, "links.broken")
    assert "private or local address" in finding["message"], finding["message"]
    assert time.monotonic() - started < 5


def test_public_addresses_inside_ipv6_forms_are_allowed():
    """NAT64 and 6to4 of a public address are ordinary public addresses."""
    from postlint.links.checker import Policy, address_allowed
    from postlint.links.data import build
    from postlint.rules import builtin_rules_dir

    network = build([(builtin_rules_dir() / "links-data.yaml", None)]).network
    policy = Policy(1.0, False, network)
    for address in ("64:ff9b::808:808", "2002:808:808::1", "8.8.8.8", "2606:4700::1111"):
        assert address_allowed(address, policy), address
    for address in ("64:ff9b::7f00:1", "::ffff:10.1.2.3", "fec0::1", "169.254.170.2", "::1"):
        assert not address_allowed(address, policy), address
    assert not address_allowed("169.254.170.2", Policy(1.0, True, network))


def test_proxy_from_the_environment_is_used(lint, server: LinkServer, monkeypatch):
    """HTTP_PROXY, as curl reads it: the proxy fetches a site this machine cannot even resolve
    (here the test server plays the proxy: it receives the absolute URL)."""
    server.routes["http://shop.invalid/spring"] = status(200)
    monkeypatch.setenv("HTTP_PROXY", server.base)
    # private hosts are not allowed: the proxy's own address is the user's choice, not the post's
    r = lint("http://shop.invalid/spring\n", config="links: {timeout: 2}\n")
    assert r.json["findings"] == []
    assert server.methods == [("HEAD", "http://shop.invalid/spring")]


def test_no_proxy_hosts_are_reached_directly(lint, server: LinkServer, monkeypatch):
    server.routes["/ok"] = status(200)
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{free_port()}")  # nobody there
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    r = lint(f"{server.base}/ok\n")
    assert r.json["findings"] == []
    assert server.methods == [("HEAD", "/ok")]


def test_behind_a_proxy_private_names_and_addresses_are_still_refused(lint, server: LinkServer,
                                                                      monkeypatch):
    """The proxy connects, so the peer cannot be checked: the name is resolved here first."""
    monkeypatch.setenv("HTTP_PROXY", server.base)
    r = lint(f"http://localhost:{server.port}/admin http://127.0.0.1:8080/x http://[::ffff:10.0.0.1]/\n",
             config="links: {timeout: 2}\n")
    broken = by_rule(r, "links.broken")
    assert len(broken) == 3
    assert all("private or local address" in f["message"] for f in broken), broken
    assert server.total() == 0


@pytest.mark.parametrize("data", ["private_ranges: [fec0::/999]", "blocked_addresses: [169.254.170]",
                                  "ipv4_in_ipv6: {10.0.0.0/8: 96}"])
def test_a_mistyped_address_in_link_data_stops_the_run(lint, write, tmp_path, data):
    """A typo in address data would otherwise let the addresses it meant through."""
    path = write("rules/links-extra.yaml", f"kind: links\nnetwork: {{{data}}}\n")
    r = lint("https://example.com/\n", "--rules", str(tmp_path / "rules"))
    assert r.exit_code == 2 and str(path) in r.stderr and "not an IP address" in r.stderr


def test_rate_limit_retried_once_then_ok(lint, server: LinkServer):
    server.routes["/busy"] = sequence(status(429, Retry_After="0"), status(200))
    r = lint(f"{server.base}/busy\n")
    assert r.json["findings"] == []
    assert server.count["/busy"] == 2


def test_rate_limit_twice_is_unverified_not_broken(lint, server: LinkServer):
    server.routes["/busy"] = status(429, Retry_After="0")
    r = lint(f"{server.base}/busy\n")
    [finding] = r.json["findings"]
    assert finding["rule"] == "links.unverified" and finding["severity"] == "info"
    assert "rate limiting" in finding["message"]
    assert server.count["/busy"] == 2 and r.exit_code == 0


def test_long_retry_after_is_not_waited_for(lint, server: LinkServer):
    server.routes["/later"] = status(503, Retry_After="3600")
    started = time.monotonic()
    r = lint(f"{server.base}/later\n")
    assert [f["rule"] for f in r.json["findings"]] == ["links.unverified"]
    assert server.count["/later"] == 1 and time.monotonic() - started < 30  # not 3,600 s


def test_503_without_retry_after_is_broken(lint, server: LinkServer):
    server.routes["/down"] = status(503)
    r = lint(f"{server.base}/down\n")
    assert [f["rule"] for f in r.json["findings"]] == ["links.broken"]


def test_bot_wall_403_is_unverified(lint, server: LinkServer):
    server.routes["/wall"] = status(403)
    r = lint(f"{server.base}/wall\n")
    [finding] = r.json["findings"]
    assert finding["rule"] == "links.unverified" and "blocks automated clients" in finding["message"]
    assert server.methods == [("HEAD", "/wall"), ("GET", "/wall")]


def canaries(write, tmp_path, *urls: str) -> str:
    """A --rules folder whose `network.canaries` stand in for example.com (no internet here)."""
    listed = ", ".join(f'"{u}"' for u in urls)
    write("canary-rules/links-canary.yaml", f"kind: links\nnetwork: {{canaries: [{listed}]}}\n")
    return str(tmp_path / "canary-rules")


def free_port() -> int:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_connection_refused_and_dns_failure(lint, server: LinkServer, write, tmp_path):
    server.routes["/canary"] = status(200)  # the web is reachable: these failures are real
    rules = canaries(write, tmp_path, f"{server.base}/canary")
    r = lint(f"http://127.0.0.1:{free_port()}/x and https://no-such-host.invalid/\n", "--rules", rules)
    messages = [f["message"] for f in by_rule(r, "links.broken")]
    assert any("refused the connection" in m for m in messages)
    assert any("does not exist (DNS lookup failed)" in m for m in messages)
    assert server.count["/canary"] == 1


def test_offline_every_link_is_unverified_not_broken(lint, write, tmp_path):
    """No host resolves, nor does the canary: the machine is offline. Each link says it could
    not be checked (info, so the run passes), and nothing is cached about the links."""
    rules = canaries(write, tmp_path, "https://canary.invalid/")
    r = lint("Shop https://acme.invalid/spring and https://news.invalid/\n", "--rules", rules)
    assert by_rule(r, "links.broken") == []
    unverified = by_rule(r, "links.unverified")
    assert [f["match"] for f in unverified] == ["https://acme.invalid/spring", "https://news.invalid/"]
    assert all(f["severity"] == "info" and "no site at all could be reached" in f["message"]
               for f in unverified)
    assert r.exit_code == 0
    import sqlite3

    with sqlite3.connect(tmp_path / ".postlint-cache" / "links.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM links_v1").fetchone()[0] == 0


def test_offline_is_not_concluded_while_some_host_answers(lint, server: LinkServer, write, tmp_path):
    server.routes["/ok"] = status(200)
    rules = canaries(write, tmp_path, "https://canary.invalid/")
    r = lint(f"{server.base}/ok and https://acme.invalid/\n", "--rules", rules)
    [finding] = r.json["findings"]
    assert finding["rule"] == "links.broken" and "DNS lookup failed" in finding["message"]


def test_without_canaries_failures_stay_broken(lint, write, tmp_path):
    rules = canaries(write, tmp_path)  # canaries: [] - never ask anyone else
    r = lint("https://acme.invalid/\n", "--rules", rules)
    assert [f["rule"] for f in r.json["findings"]] == ["links.broken"]


def test_user_agent_is_clear(lint, server: LinkServer):
    seen = {}

    def route(h, method):
        seen["ua"] = h.headers.get("User-Agent")
        h.answer(200)

    server.routes["/ua"] = route
    lint(f"{server.base}/ua\n")
    assert seen["ua"].startswith("postlint/") and "link checker" in seen["ua"]


def test_queue_dedups_urls_across_posts_and_reports_each(lint, check, write, server: LinkServer):
    server.routes["/gone"] = status(410)
    server.routes["/ok"] = status(200)
    write(".postlint.yaml", CONFIG)
    rows = "\n".join(f'p{i},"Post {i} {server.base}/gone and {server.base}/ok"' for i in range(40))
    path = write("queue.csv", "id,message\n" + rows + "\n")
    r = check(str(path), "--select", "links", "--ignore", "links.unsafe")
    assert len(by_rule(r, "links.broken")) == 40
    assert server.count == {"/gone": 1, "/ok": 1}


def test_queue_link_field_is_checked_on_its_line(check, write, server: LinkServer):
    server.routes["/missing"] = status(404)
    write(".postlint.yaml", CONFIG)
    path = write("queue.csv", f'message,link\nHello,{server.base}/missing\n')
    r = check(str(path), "--select", "links", "--ignore", "links.unsafe")
    [finding] = r.json["findings"]
    assert finding["rule"] == "links.broken" and finding["line"] == 2
    assert finding["match"] == f"{server.base}/missing"


def test_checks_run_concurrently(lint, server: LinkServer):
    for i in range(20):
        server.routes[f"/p{i}"] = slow(0.3)
    text = " ".join(f"{server.base}/p{i}" for i in range(20))
    started = time.monotonic()
    r = lint(text + "\n", config="links: {timeout: 2, allow_private_hosts: true}\n")
    elapsed = time.monotonic() - started
    assert r.json["findings"] == []
    assert elapsed < 5  # one after another: 6 s (a busy machine adds seconds to any run)
    assert server.peak > 1


def test_per_host_limit_is_respected(lint, server: LinkServer, write, tmp_path):
    write("rules/links-extra.yaml", "kind: links\nnetwork: {per_host: 2}\n")
    for i in range(8):
        server.routes[f"/p{i}"] = slow(0.1)
    text = " ".join(f"{server.base}/p{i}" for i in range(8))
    r = lint(text + "\n", "--rules", str(tmp_path / "rules"))
    assert r.json["findings"] == []
    assert server.peak == 2


def test_shortened_link_is_resolved_and_its_target_checked(lint, server: LinkServer, write, tmp_path):
    # Make 127.0.0.1 a "shortener" for this test through a data file in --rules.
    write("rules/links-extra.yaml", "kind: links\nshorteners: [127.0.0.1]\n")
    server.routes["/s/ok"] = redirect(f"http://localhost:{server.port}/landing")
    server.routes["/landing"] = status(200)
    server.routes["/s/dead"] = redirect(f"http://localhost:{server.port}/expired")
    r = lint(f"{server.base}/s/ok {server.base}/s/dead\n", "--rules", str(tmp_path / "rules"))
    [short_ok, short_dead] = by_rule(r, "links.shortened")
    assert f"leads to http://localhost:{server.port}/landing" in short_ok["message"]
    assert short_ok["severity"] == "info"
    [broken] = by_rule(r, "links.broken")
    assert broken["match"] == f"{server.base}/s/dead" and "404" in broken["message"]
    assert by_rule(r, "links.redirected") == []  # a shortener redirecting is its job


def test_ignore_in_front_matter_silences_a_network_rule(lint, server: LinkServer):
    server.routes["/x"] = status(404)
    r = lint(f"---\nignore: [links.broken]\n---\n{server.base}/x\n")
    assert by_rule(r, "links.broken") == []


def test_offline_makes_no_request(lint, server: LinkServer):
    server.routes["/x"] = status(404)
    r = lint(f"{server.base}/x\n", "--offline")
    assert by_rule(r, "links.broken") == [] and server.total() == 0


def test_markdown_link_target_is_checked_at_its_position(lint, server: LinkServer):
    server.routes["/docs"] = status(404)
    r = lint(f"# News\n\nRead [the docs]({server.base}/docs \"Docs\").\n", name="post.md")
    [finding] = by_rule(r, "links.broken")
    assert finding["match"] == f"{server.base}/docs"
    assert (finding["line"], finding["column"]) == (3, len("Read [the docs](") + 1)


def test_untrusted_certificate_is_broken_with_its_own_message(lint, tmp_path):
    """A self-signed certificate: browsers warn, so the link is reported as such."""
    import shutil
    import ssl
    import subprocess
    import threading

    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=30)
    srv = LinkServer()
    srv.routes["/secure"] = status(200)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    srv.socket = context.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        r = lint(f"https://127.0.0.1:{srv.port}/secure\n")
    finally:
        srv.shutdown()
        srv.server_close()
    [finding] = by_rule(r, "links.broken")
    assert "broken HTTPS certificate" in finding["message"]


def test_unreachable_host_is_tried_once_for_all_its_urls():
    import socket

    from postlint.links.checker import Checker, Policy
    from postlint.links.data import Network

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    checker = Checker(Policy(0.5, True, Network(workers=1, per_host=1)))
    results = checker.check_many(f"http://127.0.0.1:{port}/p{i}" for i in range(5))
    assert {r.cause for r in results.values()} == {"refused"}
    assert [r.url for r in results.values()] == [f"http://127.0.0.1:{port}/p{i}" for i in range(5)]
    assert checker.requests_sent == 1


def test_blocks_of_one_run_share_one_link_phase():
    """A streamed queue checks its links block by block: a host found dead in one block is
    not tried again in the next, and the deadline's clock stops between blocks."""
    import socket

    from postlint.links.checker import Checker, Policy
    from postlint.links.data import Network

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    checker = Checker(Policy(0.5, True, Network(workers=1, per_host=1)))
    checker.check_many([f"http://127.0.0.1:{port}/a"])
    ends = checker._run_ends
    time.sleep(0.2)
    later = checker.check_many([f"http://127.0.0.1:{port}/b"], resume=True)
    assert later[f"http://127.0.0.1:{port}/b"].cause == "refused"
    assert checker.requests_sent == 1  # the second block asked nobody
    assert checker._run_ends >= ends + 0.2  # the pause did not count against the deadline
    checker.check_many([f"http://127.0.0.1:{port}/c"])  # a new run forgets
    assert checker.requests_sent == 2
