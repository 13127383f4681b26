"""Link checks against a real HTTP server on 127.0.0.1 (never the internet).

Each test writes a draft and a .postlint.yaml (short timeout, private hosts allowed so the
loopback server is reachable), runs the real CLI, and checks findings and what the server
actually received.
"""

from __future__ import annotations

import time

import pytest

from test_links_support import (LinkServer, head_refused, huge_body, redirect, sequence, slow,
                                start, status)

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
    server.routes["/slow"] = slow(3)
    started = time.monotonic()
    r = lint(f"{server.base}/slow\n")
    elapsed = time.monotonic() - started
    [finding] = by_rule(r, "links.broken")
    assert "did not answer within 0.4 seconds" in finding["message"]
    assert elapsed < 2.5


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
    assert server.count["/later"] == 1 and time.monotonic() - started < 2


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


def test_connection_refused_and_dns_failure(lint, server: LinkServer):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = lint(f"http://127.0.0.1:{port}/x and https://no-such-host.invalid/\n")
    messages = [f["message"] for f in by_rule(r, "links.broken")]
    assert any("refused the connection" in m for m in messages)
    assert any("does not exist (DNS lookup failed)" in m for m in messages)


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
    assert elapsed < 3  # one after another: 6 s
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
