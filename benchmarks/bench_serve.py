"""`postlint serve` measured as a user meets it, and the README's screenshots.

Starts the real command (`postlint serve examples/ --port 0`) in its own process, then:

- server time per check: POST /api/check of typical posts, once warm (the server's own
  `server_ms`, and the HTTP round trip);
- keystroke to findings in headless Chromium: a key typed into the draft, until the page
  shows the new findings (the 150 ms debounce included, and without it);
- the server's resident memory (VmRSS) after start, after warm-up, and after opening the
  examples/ queue.

    python3 benchmarks/bench_serve.py [--checks 40] [--keys 15] [--screenshots docs/]

With --screenshots, writes serve-compose.png, serve-queue.png and serve-phone.png there
(that is how the README's pictures are made). Needs Playwright and Debian's chromium.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOW = "2026-12-01T08:00:00Z"  # the examples' queue is the first week of December 2026
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
POSTS = [
    ("Good morning! Our autumn blend is here: caramel, hazelnut and a hint of cinnamon. Grab a cup "
     "at any Acme shop this week and tell us what you think #AcmeCoffee https://example.com/autumn"),
    "Flash sale! 50% off every latte today only, shop now before it is gone #CoffeeTime",
    "We are hiring baristas in Oslo and Bergen. Training, fair pay and all the coffee you can drink.",
    "Try our new cinamon latte 😀 and tell us how it went! @acmecoffee #coffeelovers",
]
DRAFT = ("⚡ FLASH SALE! 50% off every latte today only, shop now: https://bit.ly/acme-sale "
         "Our barista's secret is a pinch of cinamon in the foam. #coffeelovers")


def start(path: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "postlint", "serve", str(path), "--port", "0",
                                "--offline", "--now", NOW], stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    return process, line.split(" at ", 1)[1].strip()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def post(url: str, path: str, body: dict) -> tuple[dict, float]:
    data = json.dumps(body).encode()
    request = urllib.request.Request(url + path.lstrip("/"), data=data,
                                     headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        answer = json.loads(response.read())
    return answer, (time.perf_counter() - started) * 1000


def get(url: str, path: str) -> tuple[dict, float]:
    started = time.perf_counter()
    with urllib.request.urlopen(url + path.lstrip("/"), timeout=300) as response:
        answer = json.loads(response.read())
    return answer, (time.perf_counter() - started) * 1000


def wait_until(page, expression: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out: {expression}")
        time.sleep(0.01)


def browser(url: str, keys: int, shots: Path | None) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=FLAGS)
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url)
        wait_until(page, "document.body.dataset.ready === 'true'")
        page.select_option("#c-platform", "x")
        page.fill("#c-account", "@acmecoffee")
        page.fill("#c-text", DRAFT)
        page.dispatch_event("#c-text", "input")
        wait_until(page, "window.postlint.timings.length > 0")
        page.focus("#c-text")
        page.keyboard.press("End")
        for _ in range(keys):
            before = page.evaluate("window.postlint.timings.length")
            page.keyboard.type("a")
            wait_until(page, f"window.postlint.timings.length > {before}")
            page.keyboard.press("Backspace")
            wait_until(page, f"window.postlint.timings.length > {before + 1}")
        timings = page.evaluate("window.postlint.timings")[1:]
        if shots:
            page.locator("#c-preview mark").first.click()
            page.screenshot(path=str(shots / "serve-compose.png"))
            page.set_viewport_size({"width": 390, "height": 844})
            page.screenshot(path=str(shots / "serve-phone.png"), full_page=False)
            page.set_viewport_size({"width": 1280, "height": 900})
            page.click("#tab-queue")
            page.fill("#q-as", "maria@acme.test")  # not this machine's git e-mail in the docs
            page.select_option("#q-path", "queue")
            page.click("#open button")
            wait_until(page, "document.getElementById('q-status').textContent.includes('in queue,')")
            wait_until(page, "document.querySelector('#events-body li') !== null")
            page.screenshot(path=str(shots / "serve-queue.png"))
        chromium.close()
    return {"key_to_findings_ms": statistics.median(t["key_to_shown"] for t in timings),
            "request_to_shown_ms": statistics.median(t["request"] for t in timings),
            "server_ms_in_browser": statistics.median(t["server"] for t in timings), "keys": len(timings)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checks", type=int, default=40)
    parser.add_argument("--keys", type=int, default=15)
    parser.add_argument("--screenshots", type=Path)
    args = parser.parse_args()
    process, url = start(ROOT / "examples")
    try:
        result = {"rss_start_mb": round(rss_mb(process.pid), 1)}
        _, first = post(url, "/api/check", {"text": POSTS[0], "platform": "x"})
        for text in POSTS:  # warm-up: every rule has met a post
            post(url, "/api/check", {"text": text, "platform": "x"})
        result["first_check_ms"] = round(first, 1)
        result["rss_warm_mb"] = round(rss_mb(process.pid), 1)
        server, trip = [], []
        for i in range(args.checks):
            text = POSTS[i % len(POSTS)] + f" {i}"  # a new text every time: no memo answers it whole
            answer, ms = post(url, "/api/check", {"text": text, "platform": "x", "account": "@acmecoffee"})
            server.append(answer["server_ms"])
            trip.append(ms)
        result["server_ms_median"] = round(statistics.median(server), 1)
        result["server_ms_p90"] = round(sorted(server)[int(len(server) * 0.9) - 1], 1)
        result["round_trip_ms_median"] = round(statistics.median(trip), 1)
        queue, ms = get(url, "/api/queue?path=")
        result["queue_posts"] = queue["total"]
        result["queue_open_ms"] = round(ms, 1)
        result["rss_after_queue_mb"] = round(rss_mb(process.pid), 1)
        _, ms = get(url, "/api/queue?path=")  # again: what the page does after approve or save
        result["queue_reopen_ms"] = round(ms, 1)
        if args.screenshots:
            args.screenshots.mkdir(parents=True, exist_ok=True)
        result.update({k: round(v, 1) if isinstance(v, float) else v
                       for k, v in browser(url, args.keys, args.screenshots).items()})
        result["rss_end_mb"] = round(rss_mb(process.pid), 1)
    finally:
        process.terminate()
        process.wait(10)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
