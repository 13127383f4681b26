"""One self-contained HTML page for people who do not read terminal output.

Social media managers review a queue in a browser: a summary, then every post that has
findings (worst first) with its text, the matched spans highlighted, a tooltip and a side note
per finding, and filter buttons by severity and category. Everything (CSS, JS) is inline so the
file can be mailed or attached to a CI run; a Content-Security-Policy allows nothing external
and only this module's own script and style (by hash), and every piece of post text, path,
message and rule field is escaped: post text is untrusted input.

`render` takes an optional `posts` mapping ((path, index) -> Post, see `runner.run(keep_posts=)`)
because findings carry only positions; without it the page still lists every finding.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from html import escape
from pathlib import PurePath
from typing import Any, Iterable, Mapping, Sequence, TextIO

from .. import __version__
from ..model import CATEGORIES, Finding, Post, Severity, Summary
from . import suggestion_label, unsaid_suggestions

SEVERITIES = tuple(sorted(Severity, reverse=True))  # critical first

CSS = """
:root{--critical:#b00020;--error:#d93025;--warning:#b26a00;--info:#1a73e8;--bg:#f7f7f9;
--card:#fff;--ink:#1f2328;--muted:#59636e;--line:#d0d7de}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:var(--ink);background:var(--bg)}
header,main,footer{max-width:1100px;margin:0 auto;padding:16px 20px}
h1{font-size:22px;margin:8px 0}
.meta{color:var(--muted);margin:0 0 12px}
.summary{display:flex;gap:24px;flex-wrap:wrap}
.summary table{border-collapse:collapse;background:var(--card);border:1px solid var(--line)}
.summary caption{text-align:left;font-weight:600;padding:4px 0}
.summary td,.summary th{padding:4px 12px;border-top:1px solid var(--line);text-align:left}
.summary td.n{text-align:right;font-variant-numeric:tabular-nums}
.filters{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin:14px 0 4px}
.filters span{color:var(--muted);margin-right:4px;min-width:70px}
.filters button{font:inherit;font-size:13px;padding:3px 10px;border-radius:14px;cursor:pointer;
border:1px solid var(--line);background:var(--card);color:var(--ink)}
.filters button[aria-pressed=true]{background:var(--ink);color:#fff;border-color:var(--ink)}
#shown{color:var(--muted);margin:6px 0 0}
.post{background:var(--card);border:1px solid var(--line);border-left:6px solid var(--line);
border-radius:6px;margin:14px 0;padding:10px 14px;display:grid;
grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:8px 20px}
.post.worst-critical{border-left-color:var(--critical)}
.post.worst-error{border-left-color:var(--error)}
.post.worst-warning{border-left-color:var(--warning)}
.post.worst-info{border-left-color:var(--info)}
.post h2{grid-column:1/-1;font-size:15px;margin:0;word-break:break-all}
.post h2 .id{color:var(--muted);font-weight:400}
.text{white-space:pre-wrap;word-wrap:break-word;margin:0;padding:8px;background:var(--bg);
border-radius:4px;font:14px/1.55 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.text.missing{color:var(--muted);font-style:italic}
mark{border-radius:2px;padding:0 1px;cursor:help;color:inherit}
mark.sev-critical{background:#f8c7cf;box-shadow:inset 0 -2px var(--critical)}
mark.sev-error{background:#fbd3cf;box-shadow:inset 0 -2px var(--error)}
mark.sev-warning{background:#fde9b8;box-shadow:inset 0 -2px var(--warning)}
mark.sev-info{background:#d6e6fd;box-shadow:inset 0 -2px var(--info)}
mark.off{background:none;box-shadow:none;cursor:auto}
mark:focus,mark.active{outline:2px solid var(--ink)}
ol.findings{list-style:none;margin:0;padding:0}
ol.findings li{border-top:1px solid var(--line);padding:6px 0;font-size:14px}
ol.findings li:first-child{border-top:0}
ol.findings li.active{background:#fff8c5}
.badge{display:inline-block;font-size:11px;font-weight:700;text-transform:uppercase;color:#fff;
border-radius:3px;padding:0 5px;margin-right:4px}
.badge.sev-critical{background:var(--critical)}.badge.sev-error{background:var(--error)}
.badge.sev-warning{background:var(--warning)}.badge.sev-info{background:var(--info)}
.where,.rule{color:var(--muted);font-size:12px}
.rule{font-family:ui-monospace,Menlo,Consolas,monospace}
.suggest{color:#116329}
.rules{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:4px 16px;margin:24px 0}
.rules h2{font-size:16px}.rules ul{padding-left:18px}.rules li{margin:8px 0}.rules p{margin:2px 0;font-size:14px}
.rules li:target{background:#fff8c5}a.rule{color:var(--muted)}
.approvals{grid-column:1/-1;margin:0;padding:6px 10px;list-style:none;background:#eef7ee;
border-radius:4px;font-size:14px}.approvals li.void{color:var(--muted);text-decoration:line-through}
[hidden]{display:none!important}
@media (max-width:760px){.post{grid-template-columns:1fr}}
"""

JS = """
(function () {
  "use strict";
  var state = {severity: "all", category: "all"};
  function matches(el) {
    return (state.severity === "all" || el.getAttribute("data-severity") === state.severity) &&
           (state.category === "all" || el.getAttribute("data-category") === state.category);
  }
  function apply() {
    var posts = document.querySelectorAll("section.post"), shown = 0;
    for (var i = 0; i < posts.length; i++) {
      var post = posts[i], items = post.querySelectorAll("li[data-severity]"), on = {}, any = false;
      for (var j = 0; j < items.length; j++) {
        var ok = matches(items[j]);
        items[j].hidden = !ok;
        if (ok) { on[items[j].id] = true; any = true; }
      }
      var marks = post.querySelectorAll("mark[data-findings]");
      for (var k = 0; k < marks.length; k++) {
        var ids = marks[k].getAttribute("data-findings").split(" "), lit = false;
        for (var m = 0; m < ids.length; m++) { if (on[ids[m]]) { lit = true; } }
        marks[k].classList.toggle("off", !lit);
      }
      post.hidden = !any;
      if (any) { shown++; }
    }
    document.getElementById("shown").textContent =
      shown + " of " + posts.length + " posts with findings shown";
  }
  function choose(button) {
    var group = button.getAttribute("data-group");
    state[group] = button.getAttribute("data-value");
    var peers = document.querySelectorAll("button[data-group='" + group + "']");
    for (var i = 0; i < peers.length; i++) {
      peers[i].setAttribute("aria-pressed", peers[i] === button ? "true" : "false");
    }
    apply();
  }
  function highlight(mark, on) {
    var ids = (mark.getAttribute("data-findings") || "").split(" ");
    mark.classList.toggle("active", on);
    for (var i = 0; i < ids.length; i++) {
      var li = document.getElementById(ids[i]);
      if (li) { li.classList.toggle("active", on); }
    }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-group]");
    if (button) { choose(button); }
  });
  ["mouseover", "focusin"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var mark = event.target.closest("mark[data-findings]");
      if (mark) { highlight(mark, true); }
    });
  });
  ["mouseout", "focusout"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var mark = event.target.closest("mark[data-findings]");
      if (mark) { highlight(mark, false); }
    });
  });
  apply();
})();
"""


def _hash(source: str) -> str:
    """CSP source expression for one inline block, so only our own script and style run."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


CSP = (f"default-src 'none'; style-src {_hash(CSS)}; script-src {_hash(JS)}; "
       "img-src data:; base-uri 'none'; form-action 'none'")


def _e(value: object) -> str:
    """Escape for element content and double-quoted attributes alike."""
    return escape(str(value), quote=True)


def _offset(post: Post, line: int, column: int) -> int | None:
    """The text offset that `post.locate` maps to (line, column), or None if none does.

    Findings carry file positions only; locate() is monotonic in the offset, so a binary search
    inverts it (front matter, CSV quoting and escapes are all handled by the post's locator).
    """
    target = (line, column)
    lo, hi = 0, len(post.text)
    while lo < hi:
        mid = (lo + hi) // 2
        if post.locate(mid) < target:
            lo = mid + 1
        else:
            hi = mid
    return lo if lo < len(post.text) and post.locate(lo) == target else None


def span_of(post: Post, finding: Finding) -> tuple[int, int] | None:
    """Where `finding.match` is in the post's text; None for post-level findings (a date, a length)."""
    if not finding.match:
        return None
    start = _offset(post, finding.line, finding.column)
    if start is None:
        return None
    end = start + len(finding.match)
    return (start, end) if post.text[start:end] == finding.match else None


def _marked_text(post: Post, spans: list[tuple[tuple[int, int], str, Finding]]) -> str:
    """The escaped text with each covered stretch in one <mark>, overlapping spans split up."""
    text = post.text
    cuts = sorted({0, len(text), *(s for (s, _), _, _ in spans), *(e for (_, e), _, _ in spans)})
    parts: list[str] = []
    for start, end in zip(cuts, cuts[1:]):
        piece = _e(text[start:end])
        covering = [(fid, f) for (s, e), fid, f in spans if s <= start and end <= e]
        if not covering:
            parts.append(piece)
            continue
        worst = max(f.severity for _, f in covering)
        tip = "\n".join(f"{f.severity}: {f.message} ({f.rule})" for _, f in covering)
        ids = " ".join(fid for fid, _ in covering)
        parts.append(f'<mark class="sev-{worst}" tabindex="0" data-findings="{_e(ids)}" '
                     f'title="{_e(tip)}">{piece}</mark>')
    return "".join(parts)


def _note(fid: str, finding: Finding, highlighted: bool) -> str:
    """One side note: severity, position, message, suggestions, and a link to the rule's help.

    The help itself is written once per rule at the end of the page (a 100k-post queue would
    otherwise repeat it in every note).
    """
    where = f"{finding.line}:{finding.column}"
    suggestions = ""
    others = unsaid_suggestions(finding)
    if others:
        label = suggestion_label(finding).capitalize()
        suggestions = f' <span class="suggest">{label}: {_e(", ".join(others))}</span>'
    match = ""
    if finding.match and not highlighted:
        match = f' <q>{_e(finding.match[:120])}</q>'
    return (f'<li id="{fid}" data-severity="{finding.severity}" data-category="{_e(finding.category)}">'
            f'<span class="badge sev-{finding.severity}">{finding.severity}</span>'
            f'<span class="where">{_e(where)}</span> {_e(finding.message)}{match}{suggestions}'
            f' <a class="rule" href="#rule-{_e(finding.rule)}">{_e(finding.rule)}</a></li>')


def _rules_help(findings: list[Finding], rules: Mapping[str, object]) -> str:
    """What `postlint explain` says about each rule that has findings here, once per rule."""
    used = sorted({f.rule for f in findings})
    items = []
    for rule_id in used:
        rule = rules.get(rule_id)
        summary = _e(getattr(rule, "summary", "") or "")
        parts = [(title, getattr(rule, attr, "") or "") for title, attr in
                 (("Why it matters", "rationale"), ("How to fix", "fix"))]
        body = "".join(f"<p><strong>{title}:</strong> {_e(text)}</p>" for title, text in parts if text)
        paths = {f.path for f in findings if f.rule == rule_id}
        silence = (f"<p><strong>How to silence:</strong> for one post, {_silence_post(rule_id, paths)}; "
                   f"for a run, <code>--ignore {_e(rule_id)}</code>.</p>")
        items.append(f'<li id="rule-{_e(rule_id)}"><span class="rule">{_e(rule_id)}</span> '
                     f'{summary}{body}{silence}</li>')
    if not items:
        return ""
    return f'<section class="rules"><h2>Rules</h2><ul>{"".join(items)}</ul></section>'


def _approvals(views: Sequence[Any]) -> str:
    """Who approved the post, when, what they saw, and whether it still counts (review on)."""
    if not views:
        return ""
    from .text import approval_line

    items = "".join(f'<li class="{"ok" if v.status == "valid" else "void"}">{_e(approval_line(v))}</li>'
                    for v in views)
    return f'<ul class="approvals" aria-label="approvals">{items}</ul>'


def _approved_only(views: Mapping[tuple[str, int], Sequence[Any]], shown: set[tuple[str, int]]) -> str:
    """Approved posts that have no findings: listed once, after the posts with findings."""
    rest = [(key, v) for key, v in sorted(views.items()) if key not in shown]
    if not rest:
        return ""
    items = "".join(f'<h2>{_e(v[0].path)} <span class="id">{_e(v[0].post)}</span></h2>{_approvals(v)}'
                    for _, v in rest)
    return f'<section class="rules" id="approved"><h2>Approved posts without findings</h2>{items}</section>'


def _silence_post(rule_id: str, paths: set[str]) -> str:
    """Where one post says `ignore`, for the kinds of file this rule's findings are in: a draft's
    front matter, a CSV row's `ignore` column, a JSON or YAML queue post's `ignore` field."""
    rule = _e(rule_id)
    kinds = {_QUEUE_KINDS.get(PurePath(path).suffix.lower().lstrip("."), "draft") for path in paths}
    ways = {
        "draft": f"its front matter <code>ignore: [{rule}]</code>",
        "csv": f"its row's <code>ignore</code> column (<code>{rule}</code>; several: <code>a;b</code>)",
        "json": f'its <code>"ignore": ["{rule}"]</code> field in the queue',
        "yaml": f"its <code>ignore: [{rule}]</code> field in the queue",
    }
    return ", or ".join(ways[kind] for kind in ways if kind in kinds)


_QUEUE_KINDS = {"csv": "csv", "json": "json", "jsonl": "json", "ndjson": "json", "yaml": "yaml",
                "yml": "yaml"}


def _post_section(number: int, key: tuple[str, str, int], items: list[Finding], post: Post | None,
                  views: Sequence[Any] = ()) -> str:
    """One post: title, its text with highlights (or a note that the text is not available), notes."""
    path, post_id, _ = key
    worst = max(f.severity for f in items)
    ids = [f"f{number}-{i}" for i in range(len(items))]
    spans = []
    if post is not None:
        for fid, finding in zip(ids, items):
            span = span_of(post, finding)
            if span is not None and span[0] < span[1]:
                spans.append((span, fid, finding))
    if post is None:
        body = '<div class="text missing">(post text not available)</div>'
    else:
        body = f'<pre class="text">{_marked_text(post, spans)}</pre>' if post.text else \
            '<div class="text missing">(empty post)</div>'
    marked = {fid for _, fid, _ in spans}
    notes = "".join(_note(fid, f, fid in marked) for fid, f in zip(ids, items))
    name = "" if post_id == path else f' <span class="id">{_e(post_id)}</span>'
    return (f'<section class="post worst-{worst}" id="post-{number}">'
            f'<h2><span class="badge sev-{worst}">{worst}</span>{_e(path)}{name}</h2>'
            f'{body}<ol class="findings">{notes}</ol>{_approvals(views)}</section>')


def _summary(summary: Summary, findings: list[Finding], posts_with_findings: int) -> str:
    """Two small tables (by severity, by category) and the run's counts."""
    by_category = Counter(f.category for f in findings)
    known = [c for c in CATEGORIES if by_category[c]] + sorted(c for c in by_category if c not in CATEGORIES)
    sev_rows = "".join(f'<tr><td><span class="badge sev-{s}">{s}</span></td>'
                       f'<td class="n">{summary.by_severity.get(s, 0)}</td></tr>' for s in SEVERITIES)
    cat_rows = "".join(f'<tr><td>{_e(c)}</td><td class="n">{by_category[c]}</td></tr>' for c in known)
    if not cat_rows:
        cat_rows = '<tr><td>none</td><td class="n">0</td></tr>'
    return (f'<p class="meta">{summary.posts} posts checked, {posts_with_findings} with findings, '
            f'{summary.findings} findings.</p><div class="summary">'
            f'<table id="by-severity"><caption>By severity</caption>{sev_rows}</table>'
            f'<table id="by-category"><caption>By category</caption>{cat_rows}</table></div>')


def _filters(findings: list[Finding]) -> str:
    """Buttons; one choice per group, `all` first, only values that occur in this report."""
    present_sev = [str(s) for s in SEVERITIES if any(f.severity == s for f in findings)]
    cats = {f.category for f in findings}
    present_cat = [c for c in CATEGORIES if c in cats] + sorted(cats - set(CATEGORIES))

    def group(name: str, values: Iterable[str]) -> str:
        buttons = [f'<button type="button" data-group="{name}" data-value="all" aria-pressed="true">all</button>']
        buttons += [f'<button type="button" data-group="{name}" data-value="{_e(v)}" '
                    f'aria-pressed="false">{_e(v)}</button>' for v in values]
        return f'<div class="filters" role="group" aria-label="{name}"><span>{name}</span>{"".join(buttons)}</div>'

    return group("severity", present_sev) + group("category", present_cat) + '<p id="shown"></p>'


def _grouped(findings: list[Finding]) -> list[tuple[tuple[str, str, int], list[Finding]]]:
    """Findings per post, worst post first (then most findings, then file order)."""
    groups: dict[tuple[str, str, int], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.path, finding.post, finding.post_index), []).append(finding)
    for items in groups.values():
        items.sort(key=Finding.rank_key)
    return sorted(groups.items(), key=lambda kv: (-max(f.severity for f in kv[1]), -len(kv[1]),
                                                 kv[0][0], kv[0][2]))


def render(findings: Iterable[Finding], summary: Summary, rules: list, out: TextIO,
           posts: Mapping[tuple[str, int], Post] | None = None,
           approvals: Sequence[Any] = ()) -> None:
    findings = list(findings)  # the page's counts and filters come before the posts
    posts = posts or {}
    views: dict[tuple[str, int], list[Any]] = {}
    for view in approvals:
        views.setdefault((view.path, view.post_index), []).append(view)
    by_id = {rule.id: rule for rule in rules}
    groups = _grouped(findings)
    out.write('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
              f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
              '<meta name="viewport" content="width=device-width, initial-scale=1">'
              f'<title>postlint report</title><style>{CSS}</style></head><body>'
              f'<header><h1>postlint report</h1>{_summary(summary, findings, len(groups))}'
              f'{_filters(findings)}</header><main>')
    if not groups:
        out.write('<p class="meta">No findings: every post is ready to publish.</p>')
    for number, (key, items) in enumerate(groups, 1):
        out.write(_post_section(number, key, items, posts.get((key[0], key[2])),
                                views.get((key[0], key[2]), ())))
        out.write("\n")
    out.write(_approved_only(views, {(k[0], k[2]) for k, _ in groups}))
    out.write(_rules_help(findings, by_id))
    out.write(f'</main><footer><p class="meta">postlint {_e(__version__)}</p></footer>'
              f'<script>{JS}</script></body></html>\n')
