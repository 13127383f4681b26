"""The HTML report in a real headless Chromium (Playwright, driving the system's browser).

No browser is downloaded: Playwright is pointed at Debian's /usr/bin/chromium (or
$POSTLINT_CHROMIUM). Skipped, with the reason, only where no Chromium is installed; `.ci/run`
installs it. The screenshot goes to tmp_path, or to $POSTLINT_SCREENSHOT when set (that is
how docs/html-report.png is made).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

NOW = "2025-01-15T12:00:00Z"
CORE = ("--select", "platform", "--select", "schedule.past", "--select", "schedule.blackout",
        "--select", "input", "--offline")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
XSS = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'
XSS_CSV = XSS.replace('"', '""')  # quotes doubled inside a CSV cell


def _chromium() -> str:
    for candidate in (os.environ.get("POSTLINT_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.skip("no Chromium installed (apt-get install chromium, or set POSTLINT_CHROMIUM)")


def build_demo(write) -> None:
    """A small brand folder with findings of every severity and several categories."""
    write("acme/.postlint.yaml", """
        brand: {name: Acme Coffee}
        blackout:
          - {start: 2025-02-01T00:00:00Z, end: 2025-02-02T00:00:00Z, reason: "election night"}
        rules:
          severity: {platform.too-many-hashtags: info}
        """)
    write("acme/drafts/flash-sale.md", """
        ---
        platform: x
        scheduled_at: 2025-02-01T10:00:00Z
        ---
        ⚡ Flash sale! 50% off every latte today only.
        """)
    write("acme/drafts/autumn.txt", "---\nplatform: x\n---\nGood morning! ☕ Our new autumn blend is "
          "here: caramel, hazelnut and a hint of cinnamon. Grab a cup at any Acme shop this week, "
          "bring a friend, and tell us what you think. We roasted it slowly in small batches so every "
          "cup tastes like a walk in the park on a crisp October morning. #AcmeCoffee #Autumn\n")
    write("acme/queue/threads.csv", "id,message,platform,scheduled_at\n"
          f"reminder,\"Last call for our \"\"latte art\"\" class {XSS_CSV} #coffee #barista\",threads,2025-03-01T09:00:00Z\n"
          "old,Happy new year from all of us!,threads,2024-12-31T23:00:00Z\n"
          "fine,See you tomorrow,threads,2025-03-02T09:00:00Z\n")
    write("acme/drafts/empty.txt", "")


def test_report_in_headless_chromium(cli, write, tmp_path, monkeypatch):
    executable = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")
    monkeypatch.chdir(tmp_path)  # relative paths in the report, as in a real repository
    build_demo(write)
    result = cli("check", "--now", NOW, "--quiet", *CORE, "--format", "html", "acme")
    assert result.exit_code == 1
    report = tmp_path / "report.html"
    report.write_text(result.stdout, "utf-8")

    problems: list[str] = []
    requests: list[str] = []
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=executable, headless=True, args=FLAGS,
            viewport={"width": 1100, "height": 1000})
        try:
            page = context.new_page()
            page.set_default_timeout(5000)
            page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
                    if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(report.as_uri())
            page.wait_for_load_state("load")
            posts = page.locator("section.post")
            visible = page.locator("section.post:visible")
            assert posts.count() == 5
            assert page.locator("#shown").inner_text() == "5 of 5 posts with findings shown"
            # worst first: the blackout post, then the errors
            assert "flash-sale.md" in posts.nth(0).locator("h2").inner_text()
            assert posts.nth(0).get_attribute("class").endswith("worst-critical")

            page.get_by_role("button", name="critical", exact=True).click()
            assert visible.count() == 1
            assert page.locator("#shown").inner_text() == "1 of 5 posts with findings shown"
            assert page.locator("li[data-severity]:visible").evaluate_all(
                "els => els.map(e => e.dataset.severity)") == ["critical"]

            page.get_by_role("button", name="info", exact=True).click()
            assert visible.count() == 1
            assert "reminder" in visible.first.locator("h2").inner_text()

            page.locator("button[data-group=severity][data-value=all]").click()
            page.get_by_role("button", name="input", exact=True).click()
            assert visible.count() == 1 and "empty.txt" in visible.first.inner_text()
            page.get_by_role("button", name="warning", exact=True).click()
            assert visible.count() == 1
            page.get_by_role("button", name="error", exact=True).click()
            assert visible.count() == 0
            assert page.locator("#shown").inner_text() == "0 of 5 posts with findings shown"
            page.get_by_role("button", name="platform", exact=True).click()
            assert visible.count() == 1 and "autumn.txt" in visible.first.inner_text()
            # highlights of hidden findings are switched off, the others stay lit
            assert page.locator("mark.off").count() >= 1
            for group in ("severity", "category"):
                page.locator(f"button[data-group={group}][data-value=all]").click()
            assert visible.count() == 5 and page.locator("mark.off").count() == 0

            # a highlight has a tooltip and lights up its side note
            mark = page.locator("mark[data-findings]").first
            assert "platform.too-long" in mark.get_attribute("title")
            mark.hover()
            note_id = mark.get_attribute("data-findings").split()[0]
            assert "active" in page.locator(f"li#{note_id}").get_attribute("class")

            # untrusted text is text: nothing ran, nothing was fetched
            assert page.evaluate("window.pwned") is None
            assert XSS in page.locator("section.post", has_text="reminder").locator(
                "pre").inner_text()
            screenshot = Path(os.environ.get("POSTLINT_SCREENSHOT") or tmp_path / "html-report.png")
            page.screenshot(path=str(screenshot))  # the first screen: summary, filters, worst posts
            assert screenshot.stat().st_size > 10_000
        finally:
            context.close()
    assert problems == []
    assert all(url.startswith(("file:", "data:", "about:")) for url in requests), requests
