"""The link cache: reuse across runs, TTL, --no-cache, --offline, corruption, concurrency.

conftest points POSTLINT_CACHE_DIR at a fresh folder per test, so every test starts empty.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_links_support import LinkServer, start, status

CONFIG = "links: {timeout: 0.5, allow_private_hosts: true}\n"


@pytest.fixture
def server():
    srv = start()
    srv.routes["/ok"] = status(200)
    srv.routes["/gone"] = status(410)
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def draft(write, server):
    write(".postlint.yaml", CONFIG)
    return str(write("post.txt", f"New: {server.base}/ok\nOld: {server.base}/gone\n"))


def cache_file() -> Path:
    return Path(os.environ["POSTLINT_CACHE_DIR"]) / "links.sqlite3"


def broken(run) -> list[str]:
    return [f["match"] for f in run.json["findings"] if f["rule"] == "links.broken"]


def lint(check, path: str, *options: str):
    return check(path, "--select", "links.broken", *options)


def test_second_run_makes_no_request(check, draft, server: LinkServer):
    first = lint(check, draft)
    assert server.total() == 2 and cache_file().is_file()
    second = lint(check, draft)
    assert server.total() == 2
    assert broken(first) == broken(second) == [f"{server.base}/gone"]


def test_no_cache_neither_reads_nor_writes(check, draft, server: LinkServer):
    lint(check, draft, "--no-cache")
    assert not cache_file().exists()
    lint(check, draft)
    lint(check, draft, "--no-cache")
    assert server.total() == 6  # the cached run before did not help the --no-cache run


def test_cache_false_in_config_disables_it(check, write, server: LinkServer):
    write(".postlint.yaml", "links: {timeout: 0.5, allow_private_hosts: true, cache: false}\n")
    path = str(write("post.txt", f"{server.base}/ok\n"))
    lint(check, path)
    lint(check, path)
    assert server.total() == 2 and not cache_file().exists()


def test_offline_reports_only_what_the_cache_knows(check, draft, write, server: LinkServer):
    assert broken(lint(check, draft, "--offline")) == [] and server.total() == 0
    lint(check, draft)
    other = str(write("other.txt", f"{server.base}/gone and {server.base}/never-checked\n"))
    server.routes["/never-checked"] = status(404)
    before = server.total()
    assert broken(lint(check, other, "--offline")) == [f"{server.base}/gone"]
    assert server.total() == before


def test_ttl_zero_means_always_recheck(check, write, server: LinkServer):
    write(".postlint.yaml", "links: {timeout: 0.5, allow_private_hosts: true, cache_ttl_hours: 0}\n")
    path = str(write("post.txt", f"{server.base}/ok\n"))
    lint(check, path)
    lint(check, path)
    assert server.count["/ok"] == 2


def test_failures_expire_sooner_than_successes(check, draft, write, tmp_path, server: LinkServer):
    write("rules/links-extra.yaml", "kind: links\nnetwork: {failure_ttl_hours: 0}\n")
    rules = str(tmp_path / "rules")
    lint(check, draft, "--rules", rules)
    lint(check, draft, "--rules", rules)
    assert server.count == {"/ok": 1, "/gone": 2}


def test_corrupted_cache_is_rebuilt_with_a_warning(check, draft, server: LinkServer):
    cache_file().parent.mkdir(parents=True)
    cache_file().write_bytes(b"this is not a database" * 100)
    r = lint(check, draft)
    assert broken(r) == [f"{server.base}/gone"]
    assert "warning: link cache" in r.stderr and "rebuilding" in r.stderr
    with sqlite3.connect(cache_file()) as conn:  # a valid store again, holding the results
        assert conn.execute("SELECT count(*) FROM links_v1").fetchone()[0] == 2


def test_unwritable_cache_folder_is_a_warning_not_a_crash(check, draft, server: LinkServer,
                                                          monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("POSTLINT_CACHE_DIR", str(blocker / "sub"))  # parent is a file
    r = lint(check, draft)
    assert broken(r) == [f"{server.base}/gone"]
    assert "continuing without the link cache" in r.stderr


def test_concurrent_runs_share_the_cache(write, server: LinkServer, tmp_path):
    write(".postlint.yaml", "links: {timeout: 3, allow_private_hosts: true}\n")
    for i in range(60):
        server.routes[f"/p{i}"] = status(200 if i % 3 else 404)
    rows = "\n".join(f"p{i},{server.base}/p{i}" for i in range(60))
    queue = str(write("queue.csv", "id,message\n" + rows + "\n"))
    command = [sys.executable, "-m", "postlint", "check", "--format", "json", "--quiet",
               "--select", "links.broken", queue]
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              cwd=tmp_path) for _ in range(4)]
    outputs = [p.communicate(timeout=60) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 1, err
        assert "warning" not in err and "Traceback" not in err
        messages = [f["message"] for f in json.loads(out)["findings"]]
        assert len(messages) == 20, messages
    with sqlite3.connect(cache_file()) as conn:
        assert conn.execute("SELECT count(*) FROM links_v1").fetchone()[0] == 60
    before = server.total()
    again = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert again.returncode == 1 and server.total() == before


def test_old_entries_are_purged_on_write(tmp_path):
    from postlint.links.cache import LinkCache

    cache = LinkCache(tmp_path / "c.sqlite3", warn=lambda message: None)
    cache.put_many([("p1|http://old.example/", {"url": "x"}, True)], now=1_000.0)
    cache.put_many([("p1|http://new.example/", {"url": "y"}, True)], now=1_000.0 + 31 * 86400,
                   keep_days=30)
    assert list(cache.get_many(["p1|http://old.example/", "p1|http://new.example/"])) == \
        ["p1|http://new.example/"]


BAD_ROWS = [  # URL stands for the row's own URL
    ("not json", "{not json"),
    ("a list", '["ok"]'),
    ("wrong outcome", '{"url": "URL", "outcome": "fine"}'),
    ("wrong types", '{"url": "URL", "outcome": "broken", "cause": 404, "code": "x"}'),
    ("another URL", '{"url": "http://elsewhere.example/", "outcome": "ok"}'),
    ("from the future", None),
    ("ok flag lies", '{"url": "URL", "outcome": "broken", "cause": "not_found", "code": 404}'),
    ("deeply nested", '{"url": "URL", "outcome": "ok", "detail": ' + "[" * 100000 + "]" * 100000 + "}"),
]


@pytest.mark.parametrize("name, result", BAD_ROWS, ids=[n for n, _ in BAD_ROWS])
def test_malformed_cache_rows_are_ignored_and_deleted(check, draft, server: LinkServer, name, result):
    """A row postlint did not write (a bug, a shared or planted folder) is neither trusted nor
    a crash: the URL is checked again and the row replaced."""
    lint(check, draft)  # creates the store and its schema
    url = f"{server.base}/gone"
    with sqlite3.connect(cache_file()) as conn:
        conn.execute("DELETE FROM links_v1")
        if result is None:  # a well-formed "ok" that claims to be checked in 200 years
            conn.execute("INSERT INTO links_v1 VALUES (?, ?, ?, ?)",
                         (f"p1|{url}", time.time() + 200 * 365 * 86400, 1,
                          json.dumps({"url": url, "outcome": "ok"})))
        else:
            ok = 1 if name == "ok flag lies" else 0
            conn.execute("INSERT INTO links_v1 VALUES (?, ?, ?, ?)",
                         (f"p1|{url}", time.time(), ok, result.replace("URL", url)))
    before = server.count["/gone"]
    r = lint(check, draft)
    assert r.exit_code == 1 and "Traceback" not in r.stderr and "warning" not in r.stderr
    assert broken(r) == [url]  # checked again: 410, whatever the row said
    assert server.count["/gone"] == before + 1
    with sqlite3.connect(cache_file()) as conn:
        [(ok, stored)] = conn.execute("SELECT ok, result FROM links_v1 WHERE key = ?", (f"p1|{url}",))
    assert ok == 0 and json.loads(stored)["cause"] == "gone"


def test_a_cache_corrupted_inside_is_rebuilt_not_disabled_every_run(write, server: LinkServer, tmp_path):
    """Corruption found while reading (not at open) used to switch the cache off for the run,
    and for every later run, with a warning each time. Separate processes, as in real use."""
    write(".postlint.yaml", CONFIG)
    draft = str(write("post.txt", f"New: {server.base}/ok\nOld: {server.base}/gone\n"))
    command = [sys.executable, "-m", "postlint", "check", "--format", "json", "--quiet",
               "--select", "links.broken", draft]

    def run() -> subprocess.CompletedProcess:
        return subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=60)

    assert run().returncode == 1
    conn = sqlite3.connect(cache_file())
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = cache_file().read_bytes()
    at = data.index(b'"cause": "gone"') // page * page  # the table page holding the result
    assert at > 0  # not the header page: the file still opens, the row cannot be read
    with cache_file().open("r+b") as handle:
        handle.seek(at)
        handle.write(b"\xff" * page)
    first = run()
    assert first.returncode == 1 and "rebuilding" in first.stderr, first.stderr
    assert [f["match"] for f in json.loads(first.stdout)["findings"]] == [f"{server.base}/gone"]
    before = server.total()
    second = run()
    assert second.returncode == 1 and second.stderr == "", second.stderr
    assert server.total() == before  # the rebuilt store held the results
