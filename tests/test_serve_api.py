"""`postlint serve` over plain HTTP: the JSON API and its safety, against a real uvicorn server
on 127.0.0.1 (a free port), serving real files in a temporary folder. No mocks: requests go
through the socket, the guard middleware, Starlette and postlint's own checks.

The browser side (typing, filtering, approving, editing in Chromium) is test_serve_browser.py.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="postlint serve needs starlette and uvicorn (dependencies)")

from postlint.serve.server import prepare, start_thread

NOW = "2025-01-15T12:00:00+00:00"


def build_folder(root: Path) -> None:
    """A brand folder: review on, a queue of three posts, a draft, and a secret outside it."""
    files = {
        # one language: a fresh process builds only English's lemma tables (seconds, not a minute)
        ".postlint.yaml": "languages: [en]\n",
        "brand/.postlint.yaml": """
            brand: {name: Acme Coffee, accounts: ["@acmecoffee"]}
            languages: [en]
            review: {required: 1, when: warning}
            """,
        "brand/queue.csv": "id,message,account,platform,scheduled_at\n"
                           "typo,Try our new cinamon latte today,@acmecoffee,x,2025-02-01T09:00:00Z\n"
                           "fine,See you tomorrow at the shop,@acmecoffee,x,2025-02-02T09:00:00Z\n"
                           "old,Happy new year from all of us,@acme_es,x,2024-12-31T23:00:00Z\n",
        "brand/drafts/launch.md": "---\naccount: \"@acmecoffee\"\nplatform: x\n---\nOur new shop opens "
                                  "on Saturday: http://acme.example/bergen\n",
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), "utf-8")
    (root.parent / "secret.txt").write_text("do not read me", "utf-8")


def shared_cache(factory: pytest.TempPathFactory) -> Path:
    """One cache folder for the serve tests of a session (the server is a long-lived process
    whose warm caches are the point), still never the user's own."""
    return factory.getbasetemp() / "serve-cache"


@pytest.fixture(autouse=True)
def _serve_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("POSTLINT_CACHE_DIR", str(shared_cache(tmp_path_factory)))


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    base = tmp_path_factory.mktemp("serve")
    root = base / "site"
    build_folder(root)
    os.environ["POSTLINT_CACHE_DIR"] = str(shared_cache(tmp_path_factory))
    from datetime import datetime

    serving = start_thread(prepare(root, port=0, offline=True, now=datetime.fromisoformat(NOW)))
    yield serving, root
    serving.stop()


def request(port: int, method: str, path: str, body: object = None, headers: dict | None = None,
            raw: bytes | None = None, timeout: float = 60) -> tuple[int, dict, dict]:
    """(status, JSON body, headers) of one request; Host is 127.0.0.1:port unless given."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    sent = {"Host": f"127.0.0.1:{port}"}
    payload = raw
    if body is not None:
        payload = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    sent.update(headers or {})
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for key, value in sent.items():
            conn.putheader(key, value)
        if payload is not None and "Content-Length" not in sent:
            conn.putheader("Content-Length", str(len(payload)))
        conn.endheaders(payload)
        response = conn.getresponse()
        data = response.read()
        kind = response.getheader("Content-Type", "")
        return response.status, (json.loads(data) if "json" in kind else {"body": data.decode()}), \
            dict(response.getheaders())
    finally:
        conn.close()


def test_page_and_assets_come_from_the_server_itself(served):
    serving, _ = served
    status, page, headers = request(serving.port, "GET", "/")
    assert status == 200 and "<textarea" in page["body"]
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "http" not in page["body"].replace('href="/static', "").split("<body")[0].lower().replace(
        'http-equiv', '')  # no external stylesheet or script
    for name in ("app.css", "app.js"):
        status, asset, _ = request(serving.port, "GET", f"/static/{name}")
        assert status == 200 and len(asset["body"]) > 1000
    status, data, _ = request(serving.port, "GET", "/static/../../etc/passwd")
    assert status == 404 and "error" in data


def test_info_lists_platforms_files_and_review(served):
    serving, _ = served
    status, info, _ = request(serving.port, "GET", "/api/info")
    assert status == 200, info
    assert {"name": "x", "limit": 280} in info["platforms"]
    paths = {e["path"]: e["kind"] for e in info["entries"]}
    assert paths[""] == "folder" and paths["brand/queue.csv"] == "queue"
    assert paths["brand/drafts/launch.md"] == "draft"
    assert ".postlint.yaml" not in " ".join(paths)  # hidden files are not offered


def test_check_a_typed_draft(served):
    serving, _ = served
    text = "Try our new cinamon latte 😀 today: https://bit.ly/abc"
    status, data, _ = request(serving.port, "POST", "/api/check", {"text": text, "platform": "x"})
    assert status == 200
    typo = next(f for f in data["findings"] if f["rule"] == "spelling.unknown-word")
    assert text[typo["start"]:typo["end"]] == "cinamon" and "cinnamon" in typo["message"]
    assert typo["help"]["fix"]  # the explanation comes with it
    link = next(f for f in data["findings"] if f["rule"] == "links.shortened")
    # spans are in UTF-16 code units (what JavaScript indexes): the emoji counts 2
    assert link["start"] == text.index("https") + 1
    x = next(row for row in data["lengths"] if row["platform"] == "x")
    assert x["limit"] == 280 and x["count"] == len(text) - len("https://bit.ly/abc") + 23 + 1  # URL 23, emoji 2
    assert data["language"] == "en"


def test_check_answers_fast_once_warm(served):
    serving, _ = served
    body = {"text": "Our autumn blend is here! Caramel, hazelnut and a hint of cinnamon. "
                    "Grab a cup at any Acme shop this week #AcmeCoffee", "platform": "instagram"}
    request(serving.port, "POST", "/api/check", body)
    times = sorted(request(serving.port, "POST", "/api/check", body)[1]["server_ms"] for _ in range(5))
    assert times[2] < 150, times  # the bound, for a typical post once warm


def test_bad_field_is_a_finding_not_an_error(served):
    serving, _ = served
    status, data, _ = request(serving.port, "POST", "/api/check",
                              {"text": "Hello", "scheduled_at": "2025-13-45"})
    assert status == 200 and any(f["category"] == "input" for f in data["findings"])


def test_queue_worst_first_with_approvals_and_clean_posts(served):
    serving, _ = served
    status, data, _ = request(serving.port, "GET", "/api/queue?path=brand")
    assert status == 200
    ids = [p["id"] for p in data["posts"]]
    assert data["total"] == 4 and set(ids) == {"typo", "fine", "old", "launch"}
    assert data["posts"][0]["worst"] == "error" and ids[-1] == "fine"  # the clean post last
    typo = next(p for p in data["posts"] if p["id"] == "typo")
    assert typo["review"] and not typo["editable"] and typo["path"] == "brand/queue.csv"
    assert {"review.unapproved", "spelling.unknown-word"} <= {f["rule"] for f in typo["findings"]}
    launch = next(p for p in data["posts"] if p["id"] == "launch")
    assert launch["editable"] and launch["text"].startswith("Our new shop")


def test_approve_writes_the_same_record_as_the_cli(served):
    serving, root = served
    status, done, _ = request(serving.port, "POST", "/api/approve",
                              {"path": "brand/queue.csv", "post": "typo", "as": "maria@acme.test",
                               "note": "cinamon is the product name"})
    assert status == 200, done
    assert done["by"] == "maria@acme.test" and "spelling.unknown-word" in done["saw"]
    line = json.loads((root / "brand/.postlint-approvals.jsonl").read_text().splitlines()[-1])
    assert line["post"] == "typo" and line["path"] == "queue.csv" and line["digest"].startswith("sha256:")
    assert line["note"] == "cinamon is the product name"
    _, data, _ = request(serving.port, "GET", "/api/queue?path=brand/queue.csv")
    typo = next(p for p in data["posts"] if p["id"] == "typo")
    assert "review.unapproved" not in {f["rule"] for f in typo["findings"]}
    assert typo["approvals"][0]["by"] == "maria@acme.test" and typo["approvals"][0]["status"] == "valid"
    status, error, _ = request(serving.port, "POST", "/api/approve",
                               {"path": "brand/queue.csv", "post": "typp", "as": "maria@acme.test"})
    assert status == 400 and "did you mean 'typo'" in error["error"]


def test_edit_a_draft_keeps_its_front_matter(served):
    serving, root = served
    draft = root / "brand/drafts/launch.md"
    status, got, _ = request(serving.port, "GET", "/api/draft?path=brand/drafts/launch.md")
    assert status == 200 and got["front"].startswith("---\n")
    status, saved, _ = request(serving.port, "POST", "/api/draft",
                               {"path": "brand/drafts/launch.md", "text": "Opening Saturday!\n",
                                "sha": got["sha"]})
    assert status == 200, saved
    assert draft.read_text() == got["front"] + "Opening Saturday!\n"
    # a save based on the old copy is refused: someone saved in between
    status, error, _ = request(serving.port, "POST", "/api/draft",
                               {"path": "brand/drafts/launch.md", "text": "x", "sha": got["sha"]})
    assert status == 409 and "changed" in error["error"]
    status, error, _ = request(serving.port, "POST", "/api/draft",
                               {"path": "brand/queue.csv", "text": "x"})
    assert status == 400 and "draft" in error["error"]


@pytest.mark.parametrize("path", ["../secret.txt", "/etc/passwd", "brand/../../secret.txt",
                                  "link-out/secret.txt", "link-out", "nul\x00x", "brand\\..\\x",
                                  ".hidden/key.txt", "brand/.postlint.yaml", "to-hidden/key.txt"])
def test_paths_outside_the_folder_are_refused(served, path):
    serving, root = served
    link = root / "link-out"
    if not link.exists():
        link.symlink_to(root.parent, target_is_directory=True)
        (root / ".hidden").mkdir()
        (root / ".hidden/key.txt").write_text("do not read me", "utf-8")
        (root / "to-hidden").symlink_to(root / ".hidden", target_is_directory=True)
    from urllib.parse import quote

    for method, url, body in (("GET", f"/api/queue?path={quote(path)}", None),
                              ("GET", f"/api/draft?path={quote(path)}", None),
                              ("POST", "/api/draft", {"path": path, "text": "pwned"})):
        status, data, _ = request(serving.port, method, url, body)
        assert status in (400, 403), (url, status, data)
        assert "error" in data and "Traceback" not in json.dumps(data)
    assert (root.parent / "secret.txt").read_text() == "do not read me"
    assert (root / ".hidden/key.txt").read_text() == "do not read me"


def test_dns_rebinding_host_is_refused(served):
    serving, _ = served
    for host in ("evil.example", f"evil.example:{serving.port}", "127.0.0.1:1"):
        status, data, _ = request(serving.port, "GET", "/api/info", headers={"Host": host})
        assert status == 421 and "Host" in data["error"]
    status, _, _ = request(serving.port, "GET", "/api/info", headers={"Host": f"localhost:{serving.port}"})
    assert status == 200


def test_other_origins_are_refused(served):
    serving, _ = served
    body = {"path": "brand/queue.csv", "post": "fine", "as": "evil@example.com"}
    for origin in ("http://evil.example", "null", f"http://localhost:{serving.port + 1}"):
        status, data, _ = request(serving.port, "POST", "/api/approve", body, headers={"Origin": origin})
        assert status == 403 and "Origin" in data["error"]
    status, data, _ = request(serving.port, "POST", "/api/approve", body,
                              headers={"Sec-Fetch-Site": "cross-site"})
    assert status == 403
    # a cross-site form can only send form encodings: refused before anything is done
    status, data, _ = request(serving.port, "POST", "/api/approve", raw=b"path=brand/queue.csv",
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 415
    # the page's own origin works
    status, _, _ = request(serving.port, "POST", "/api/check", {"text": "hi"},
                           headers={"Origin": f"http://127.0.0.1:{serving.port}"})
    assert status == 200


def test_oversized_and_malformed_bodies(served):
    serving, _ = served
    big = {"text": "a" * (3 * 1024 * 1024)}
    status, data, _ = request(serving.port, "POST", "/api/check", big)
    assert status == 413 and "larger" in data["error"]
    # a lying Content-Length is no way around the cap either
    status, data, _ = request(serving.port, "POST", "/api/check", raw=b"{}",
                              headers={"Content-Type": "application/json", "Content-Length": "99999999999"})
    assert status == 413
    status, data, _ = request(serving.port, "POST", "/api/check", raw=b"{not json",
                              headers={"Content-Type": "application/json"})
    assert status == 400 and data["error"] == "the request body is not valid JSON"
    status, data, _ = request(serving.port, "POST", "/api/check", {"text": 42})
    assert status == 400 and "'text' must be a string" in data["error"]
    status, data, _ = request(serving.port, "GET", "/api/nothing-here")
    assert status == 404 and data["error"]
    status, data, _ = request(serving.port, "DELETE", "/api/check")
    assert status in (405, 415) and data["error"]


def test_token_required_beyond_loopback(tmp_path):
    root = tmp_path / "site"
    build_folder(root)
    serving = start_thread(prepare(root, host="0.0.0.0", port=0, offline=True))
    try:
        assert serving.token and f"?token={serving.token}" in serving.url
        status, data, _ = request(serving.port, "GET", "/api/info")
        assert status == 401 and "token" in data["error"]
        status, _, _ = request(serving.port, "GET", "/api/info", headers={"X-Postlint-Token": "wrong"})
        assert status == 401
        status, _, headers = request(serving.port, "GET", f"/?token={serving.token}")
        assert status == 200 and "HttpOnly" in headers["set-cookie"]
        cookie = headers["set-cookie"].split(";")[0]
        status, _, _ = request(serving.port, "GET", "/api/info", headers={"Cookie": cookie})
        assert status == 200
    finally:
        serving.stop()


def test_cli_prints_its_address_and_serves(tmp_path, tmp_path_factory):
    """The real command in its own process: `postlint serve PATH --port 0`."""
    root = tmp_path / "site"
    build_folder(root)
    env = {**os.environ, "POSTLINT_CACHE_DIR": str(shared_cache(tmp_path_factory))}
    process = subprocess.Popen([sys.executable, "-m", "postlint", "serve", str(root), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = process.stdout.readline()
        assert line.startswith(f"postlint serve: {root.resolve()} at http://127.0.0.1:"), line
        port = int(line.rsplit(":", 1)[1].strip(" /\n"))
        status, info, _ = request(port, "GET", "/api/info")
        assert status == 200 and info["root"] == str(root.resolve())
    finally:
        process.terminate()
        process.wait(10)


def test_cli_refuses_a_missing_path(cli, tmp_path):
    result = cli("serve", str(tmp_path / "nope"))
    assert result.exit_code == 2 and "is not a folder or a file" in result.stderr


def test_cli_port_in_use_is_one_clear_line(cli, tmp_path):
    import socket

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        result = cli("serve", str(tmp_path), "--port", str(taken.getsockname()[1]))
    finally:
        taken.close()
    assert result.exit_code == 2
    assert result.stderr.startswith("postlint: cannot listen on 127.0.0.1:") and "Traceback" not in result.stderr


def test_check_never_imports_the_web_stack(tmp_path):
    """`postlint check` starts as fast as before: starlette and uvicorn load only for `serve`."""
    draft = tmp_path / "a.txt"
    draft.write_text("Hello there", "utf-8")
    code = ("import sys\nfrom postlint.cli import main\n"
            f"try:\n    main(['check', '--offline', '--quiet', '--select', 'platform', {str(draft)!r}])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('starlette', 'uvicorn', 'postlint.serve') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stderr


def test_assets_are_package_data():
    """The page, its CSS and its JavaScript are read from the installed package (the wheel
    ships every file under src/postlint), never from the network."""
    from importlib import resources

    static = resources.files("postlint.serve").joinpath("static")
    names = {entry.name for entry in static.iterdir()}
    assert {"index.html", "app.css", "app.js"} <= names
    page = static.joinpath("index.html").read_text("utf-8")
    assert "https://" not in page and "http://" not in page


def test_serving_the_repositorys_examples():
    """What the README shows: `postlint serve examples/` has a queue with review on, and the
    sensitive dates of its markets; the example script beside the drafts is not a post.
    (The examples post in English and Spanish: a fresh process builds Spanish's lemma tables
    on the first open, which takes a while on a loaded machine.)"""
    from datetime import datetime

    examples = Path(__file__).resolve().parents[1] / "examples"
    serving = start_thread(prepare(examples, port=0, offline=True,
                                   now=datetime.fromisoformat("2026-12-01T08:00:00+00:00")))
    try:
        status, data, _ = request(serving.port, "GET", "/api/queue?path=", timeout=300)
        assert status == 200
        paths = {p["path"] for p in data["posts"]}
        assert {"draft.txt", "queue/week.csv", "queue/drafts/launch.md"} <= paths
        assert "dask_lint.py" not in paths
        flash = next(p for p in data["posts"] if p["id"] == "flash-sale")
        assert flash["review"] and "schedule.sensitive-date" in {f["rule"] for f in flash["findings"]}
        status, events, _ = request(serving.port, "GET", "/api/events?path=queue")
        assert events["configured"] and any("Pearl Harbor" in d["name"] for d in events["dates"])
    finally:
        serving.stop()


def test_a_queue_file_as_path_serves_its_folder(tmp_path):
    root = tmp_path / "site"
    build_folder(root)
    serving = start_thread(prepare(root / "brand" / "queue.csv", port=0, offline=True))
    try:
        status, info, _ = request(serving.port, "GET", "/api/info")
        assert status == 200 and info["root"] == str((root / "brand").resolve())
        assert info["initial"] == "queue.csv"
    finally:
        serving.stop()


def test_a_broken_config_is_one_clear_message(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    (root / ".postlint.yaml").write_text("vocabularly: {accept: [Acme]}\n", "utf-8")
    (root / "a.txt").write_text("Hello", "utf-8")
    serving = start_thread(prepare(root, port=0, offline=True))
    try:
        for method, path, body in (("GET", "/api/info", None), ("POST", "/api/check", {"text": "Hi"}),
                                   ("GET", "/api/queue?path=", None)):
            status, data, _ = request(serving.port, method, path, body)
            assert status == 400, (path, data)
            assert "unknown key 'vocabularly' (did you mean 'vocabulary'?)" in data["error"]
    finally:
        serving.stop()
