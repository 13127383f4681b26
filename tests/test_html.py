"""`--format html`: one self-contained, escaped page; posts worst first; spans highlighted.

The page is also driven in a real browser in test_html_browser.py; here the markup itself is
checked with the standard library's HTML parser, and the runner's `keep_posts`.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

from postlint.engine import Options
from postlint.runner import Settings, run

NOW = "2025-01-15T12:00:00Z"
# Only the foundation rules: content rules added by other issues must not change these outputs.
CORE = ("--select", "platform", "--select", "schedule.past", "--select", "schedule.blackout",
        "--select", "input", "--offline")
XSS = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2"> & "quoted" \'single\''


class Page(HTMLParser):
    """Collects tags, attributes, the text of <mark> elements and script/style bodies."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.marks: list[str] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._in: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in.append(tag)
        if tag == "mark":
            self.marks.append("")

    def handle_endtag(self, tag):
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data):
        current = self._in[-1] if self._in else ""
        if current == "mark":
            self.marks[-1] += data
        elif current == "script":
            self.scripts.append(data)
        elif current == "style":
            self.styles.append(data)
        self.text.append(data)


def parse(source: str) -> Page:
    page = Page()
    page.feed(source)
    return page


def _report(cli, *paths: str, extra: tuple[str, ...] = ()) -> tuple[str, int]:
    result = cli("check", "--now", NOW, "--quiet", *CORE, "--format", "html", *extra, *paths)
    return result.stdout, result.exit_code


def test_untrusted_text_paths_and_ids_are_escaped(cli, write):
    draft = write("drafts/<b>evil</b>.txt", f"---\nplatform: x\nid: '{XSS}'\n---\n{XSS} " + "x" * 300 + "\n")
    source, code = _report(cli, str(draft))
    assert code == 1
    page = parse(source)
    assert [t for t, _ in page.tags].count("script") == 1  # only our own
    assert not [t for t, _ in page.tags if t in ("img", "b", "iframe", "object", "embed")]
    assert not [(t, k) for t, attrs in page.tags for k in attrs if k.startswith("on")]
    body = "".join(page.text)
    assert XSS in body  # shown as text, exactly
    assert "drafts/<b>evil</b>.txt" in body


def test_page_is_self_contained_with_a_strict_csp(cli, write):
    draft = write("a.txt", "---\nplatform: x\n---\n" + "word " * 70 + "https://example.com/x\n")
    source, _ = _report(cli, str(draft))
    page = parse(source)
    for tag, attrs in page.tags:
        assert tag not in ("link", "iframe", "img", "object"), tag
        assert "src" not in attrs and "style" not in attrs, (tag, attrs)
        assert not (attrs.get("href") or "").startswith(("http", "//")), attrs
    css = "".join(page.styles)
    assert "url(" not in css and "@import" not in css
    csp = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp
    for body, directive in (("".join(page.scripts), "script-src"), (css, "style-src")):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in csp  # the inline blocks are exactly what the CSP allows


def test_posts_are_sorted_worst_first_with_summary_and_filters(cli, write):
    write("brand/.postlint.yaml", """
        blackout:
          - {start: 2025-02-01T00:00:00Z, end: 2025-02-02T00:00:00Z, reason: "crisis"}
        """)
    write("brand/a-old.txt", "---\nplatform: x\nscheduled_at: 2020-01-01T00:00:00Z\n---\nHi\n")
    write("brand/b-long.txt", "---\nplatform: x\n---\n" + "word " * 70 + "\n")
    write("brand/c-dark.txt", "---\nplatform: x\nscheduled_at: 2025-02-01T10:00:00Z\n---\nSale!\n")
    write("brand/d-empty.txt", "")
    write("brand/e-fine.txt", "---\nplatform: x\n---\nAll good.\n")
    source, code = _report(cli, str(Path(write("brand/.keep", "").parent)))
    assert code == 1
    page = parse(source)
    sections = [a for t, a in page.tags if t == "section" and a["class"].startswith("post")]
    assert [s["class"].split()[-1] for s in sections] == ["worst-critical", "worst-error", "worst-warning",
                                                          "worst-warning"]
    titles = re.findall(r'<section class="post[^"]*" id="post-\d+"><h2><span[^>]*>\w+</span>([^<]+)', source)
    assert [Path(t.strip()).name for t in titles] == ["c-dark.txt", "b-long.txt", "a-old.txt", "d-empty.txt"]
    text = "".join(page.text)
    assert "5 posts checked, 4 with findings, 4 findings." in text
    buttons = [(a["data-group"], a["data-value"]) for t, a in page.tags if t == "button"]
    assert buttons == [("severity", "all"), ("severity", "critical"), ("severity", "error"),
                       ("severity", "warning"), ("category", "all"), ("category", "platform"),
                       ("category", "schedule"), ("category", "input")]
    notes = [a for t, a in page.tags if t == "li" and "data-severity" in a]
    assert [n["data-severity"] for n in notes] == ["critical", "error", "warning", "warning"]
    # each rule's help once, at the end, linked from its notes
    helps = [a["id"] for t, a in page.tags if t == "li" and a.get("id", "").startswith("rule-")]
    assert helps == ["rule-input.empty", "rule-platform.too-long", "rule-schedule.blackout", "rule-schedule.past"]
    links = {a["href"] for t, a in page.tags if t == "a" and a.get("class") == "rule"}
    assert links == {"#" + h for h in helps}
    assert source.count("How to silence:") == len(helps)


def test_spans_are_highlighted_where_the_finding_points_even_in_csv(cli, write):
    message = 'He said ""hi"" to us, ' + "w" * 300
    queue = write("queue.csv", f'id,message,platform\nfirst,"{message}",x\nsecond,short,x\n')
    source, _ = _report(cli, str(queue))
    findings = cli("check", "--now", NOW, "--quiet", *CORE, "--format", "json", str(queue)).json["findings"]
    page = parse(source)
    assert len(findings) == 1 and page.marks == [findings[0]["match"]]
    pre = re.search(r'<pre class="text">(.*?)</pre>', source, re.S).group(1)
    assert pre.startswith("He said &quot;hi&quot; to us, ")  # the text as it will be published
    mark = next(a for t, a in page.tags if t == "mark")
    assert mark["data-findings"] == "f1-0" and "platform.too-long" in mark["title"]


TINY = """
rules:
  - id: platform.tiny
    type: platform
    category: platform
    severity: warning
    measure: length
    limits: {x: 10}
    summary: Over ten characters.
    message: "{count} characters, more than {limit}"
"""


def test_overlapping_spans_split_and_post_level_findings_become_notes(cli, write, tmp_path):
    write("rules/tiny.yaml", TINY)
    # platform.tiny (from offset 10) overlaps platform.too-long (from 280); schedule.past is
    # about the date field: a note quoting the date, nothing highlighted in the text.
    draft = write("d.txt", "---\nplatform: x\nscheduled_at: 2020-01-01T00:00:00Z\n---\n" + "word " * 70 + "\n")
    source, _ = _report(cli, str(draft), extra=("--rules", str(tmp_path / "rules")))
    page = parse(source)
    notes = {a["id"]: a for t, a in page.tags if t == "li" and "data-severity" in a}
    assert [a["data-severity"] for a in notes.values()] == ["error", "warning", "warning"]
    marks = [a for t, a in page.tags if t == "mark"]
    assert [m["class"] for m in marks] == ["sev-warning", "sev-error"]
    assert len(marks[0]["data-findings"].split()) == 1 and len(marks[1]["data-findings"].split()) == 2
    assert page.marks[0] + page.marks[1] == ("word " * 70).strip()[10:]
    assert "platform.too-long" in marks[1]["title"] and "platform.tiny" in marks[1]["title"]
    assert "<q>2020-01-01T00:00:00+00:00</q>" in source


def test_no_findings_page(cli, write):
    source, code = _report(cli, str(write("ok.txt", "---\nplatform: x\n---\nFine.\n")))
    assert code == 0
    assert "No findings" in source and "<section" not in source


def test_runner_keeps_only_posts_with_findings_in_every_mode(write):
    rows = ["id,message,platform"] + [f"r{i},{'x' * (300 if i % 100 == 0 else 10)},x" for i in range(1200)]
    queue = write("big.csv", "\n".join(rows) + "\n")
    for jobs in (1, 2):
        result = run([str(queue)], Settings(select=("platform",), options=Options(offline=True)), jobs=jobs, keep_posts=True)
        assert result.summary.posts == 1200
        assert sorted(p.id for p in result.posts.values()) == sorted(f"r{i}" for i in range(0, 1200, 100))
        assert {(f.path, f.post_index) for f in result.findings} == set(result.posts)
    assert run([str(queue)], Settings(select=("platform",), options=Options(offline=True)), jobs=1).posts == {}


def test_help_says_how_to_silence_a_queue_row_not_front_matter(cli, write):
    queue = write("q.csv", "message,platform\n" + "x" * 300 + ",x\n")
    source, code = _report(cli, str(queue))
    assert code == 1
    [help_item] = re.findall(r'<li id="rule-platform.too-long">.*?</li>', source)
    assert "row&#x27;s <code>ignore</code> column" in help_item or "row's <code>ignore</code> column" in help_item
    assert "front matter" not in help_item
    draft = write("d.txt", "---\nplatform: x\n---\n" + "y" * 300 + "\n")
    source, _ = _report(cli, str(draft))
    [help_item] = re.findall(r'<li id="rule-platform.too-long">.*?</li>', source)
    assert "front matter <code>ignore: [platform.too-long]</code>" in help_item
