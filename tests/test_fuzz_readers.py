"""Fuzzing the readers with hypothesis: hostile drafts and queues never crash a run.

Each example is a real file (front matter draft, CSV, JSON Lines, JSON, YAML queue) built
from random structure, the values that used to crash (impossible dates, `!!float x`, huge
numbers, deep nesting, lone surrogates, duplicate keys, years 1 and 9999), and random bytes
spliced in. It is checked by the real CLI in a random output format. Whatever the input:

- no traceback, and the exit status is 0 or 1 (paths are real files, so never 2), and it is 1
  exactly when there is a finding at `error` or above: a crash never passes as "findings";
- no rule failed on a post ("could not apply"), every finding points at a line and column;
- the summary counts every post read: one per draft, one per non-blank JSON Lines line, and,
  for well-formed queues, one per row or list item.

Examples are bounded (MAX_EXAMPLES per test) so the file stays fast; fuzz deeper locally with
POSTLINT_FUZZ=explore POSTLINT_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz_readers.py (CI runs the
same derandomized examples every time).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postlint.cli import main
from postlint.formatters import FORMATS

MAX_EXAMPLES = int(os.environ.get("POSTLINT_FUZZ_EXAMPLES", "40"))
# The same examples on every CI run (a red build must be the change's, not the dice's);
# POSTLINT_FUZZ=explore draws fresh ones, as tests/test_fuzz_config.py does.
EXPLORE = os.environ.get("POSTLINT_FUZZ") == "explore"
SETTINGS = settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, print_blob=True,
                    derandomize=not EXPLORE,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])
# The rules that read what the readers produce: fields, length, times (and whole-queue times).
# Not the text rules (spelling, dates in the text): they would only make each example slower.
CORE = ("--offline", "--allow-empty", "--now", "2025-01-15T12:00:00Z", "--select", "input",
        "--select", "platform", *(x for rule in ("past", "blackout", "burst", "duplicate")
                                  for x in ("--select", f"schedule.{rule}")))

# YAML lines that used to crash a run, or that must be findings.
YAML_VALUES = [
    "scheduled_at: 2025-13-01", "scheduled_at: 2025-02-30", "scheduled_at: 0001-01-01T00:00:00+01:00",
    "scheduled_at: 9999-12-31T23:59:59-05:00", "scheduled_at: 2025-03-01T10:00:00Z", "x-n: !!float x",
    "id: 1" + "2" * 5000, "x-b: !!binary a", "x-t: !!timestamp nope", "x-s: !!set {a, b}",
    "platform: x", "platform: [a, b]", "platform: myspace", "account: {a: 1}", "ignore: {a: b}",
    "ignore: [input, 3]", "language: en", "media: [a.png, {path: b.png, alt: hi}]",
    "schedule_at: 2025-01-01", "Publish Date: 2025-01-01", 'x-u: "\\ud800"', "text: \"\\ud800 x\"",
    "x-deep: " + "[" * 60 + "]" * 60, "x-a: &a [1, 2]", "x-b: *a", "x-c: *undefined", "<<: {platform: x}",
    "<<: 3", "? [a, b]\n: c", "x-dup: 1", "x-dup: 2", "text: hello #tag @someone https://example.com",
]
# Not YAML at all (libyaml refuses a "\ud800" escape): after one, no parser can read on.
YAML_SYNTAX_ERRORS = {'x-u: "\\ud800"', 'text: "\\ud800 x"'}
BOMS_NOT_UTF8 = (b"\xff\xfe", b"\xfe\xff")
JSON_SPECIAL = ['1' + '0' * 5000, '[' * 5000 + ']' * 5000, '"\\ud800"', '"\\udc00 x"', '1e999999',
                '"2025-13-01"', '"0001-01-01T00:00:00+01:00"', '"9999-12-31T23:59:59"', 'NaN', '-0']
KEYS = ["text", "message", "Message", "scheduled_at", "Scheduled At", "publish_at", "platform",
        "account", "id", "ignore", "language", "media", "link", "schedule_at", "x-own", "posts", ""]
BYTES = [b"\x00", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\r", b"\n", b'"', b",", b"\t", b"\xef\xbb\xbf",
         b"---\n", b"\x1b", b"\\", b"\xe2\x80\xa8"]

scalar_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=False) | scalar_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(KEYS), children, max_size=4),
    max_leaves=12)


@st.composite
def spliced(draw, data: bytes) -> bytes:
    """`data` with a few random bytes and byte fragments inserted at random places."""
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(data)))
        piece = draw(st.sampled_from(BYTES) | st.binary(min_size=1, max_size=4))
        data = data[:at] + piece + data[at:]
    return data


def _run(path: Path, fmt: str):
    result = CliRunner().invoke(main, ["check", *CORE, "--format", fmt, str(path)], catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"traceback: {result.exception!r}")
    assert result.exit_code in (0, 1), (result.exit_code, result.stderr)
    assert "could not apply" not in result.stdout and "Traceback" not in result.stderr
    posts = int(re.search(r"Checked (\d+) posts?", result.stderr).group(1))
    if fmt == "json":
        report = json.loads(result.stdout)
        assert report["summary"]["posts"] == posts
        worst = {f["severity"] for f in report["findings"]}
        assert (result.exit_code == 1) == bool(worst & {"error", "critical"})
        for finding in report["findings"]:
            assert finding["line"] >= 1 and finding["column"] >= 1 and finding["path"] == str(path)
    return posts


def _check(name: str, data: bytes, fmt: str) -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return _run(path, fmt)


formats = st.sampled_from(FORMATS)


@SETTINGS
@given(lines=st.lists(st.sampled_from(YAML_VALUES), max_size=6),
       body=st.text(max_size=80).map(lambda t: t.encode("utf-8", "surrogatepass")),
       data=st.data(), fmt=formats)
def test_fuzz_drafts_with_front_matter(lines, body, data, fmt):
    draft = data.draw(spliced(("---\n" + "\n".join(lines) + "\n---\n").encode() + body))
    assert _check("draft.md", draft, fmt) == 1  # a draft is one post, whatever is in it


@SETTINGS
@given(rows=st.lists(st.lists(scalar_text | st.sampled_from(["", "\"", "a,b", "x\ny", "2025-13-01"]),
                              min_size=1, max_size=5), max_size=6),
       header=st.lists(st.sampled_from(KEYS), min_size=1, max_size=5), data=st.data(), fmt=formats)
def test_fuzz_csv_queues(rows, header, data, fmt):
    header = ["message", *header]
    rows = [[cell.replace("\r", "") for cell in row] for row in rows]  # a bare CR is not CSV
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    clean = out.getvalue().encode("utf-8", "surrogatepass")
    expected = sum(1 for row in rows if any(cell.strip() for cell in row))
    assert _check("queue.csv", clean, fmt) == expected
    _check("queue.csv", data.draw(spliced(clean)), fmt)


@SETTINGS
@given(objects=st.lists(json_values | st.sampled_from(JSON_SPECIAL).map(lambda s: {"text": s}), max_size=6),
       special=st.lists(st.sampled_from(JSON_SPECIAL), max_size=3), data=st.data(), fmt=formats)
def test_fuzz_json_lines_queues(objects, special, data, fmt):
    lines = [json.dumps(o) if not isinstance(o, dict) or not isinstance(o.get("text"), str)
             or o["text"] not in JSON_SPECIAL else '{"text": %s, "platform": "x"}' % o["text"]
             for o in objects]
    lines += ['{"text": "hi", "x-v": %s}' % s for s in special]
    jsonl = data.draw(spliced("\n".join(lines).encode("utf-8", "surrogatepass")))
    # one post per line that is not blank (as text: a bad byte is a finding on its line)
    expected = sum(1 for line in jsonl.decode("utf-8", "surrogateescape").lstrip("\ufeff").split("\n")
                   if line.strip())
    posts = _check("queue.jsonl", jsonl, fmt)
    assert posts == expected or jsonl.startswith(BOMS_NOT_UTF8)  # a spliced UTF-16 BOM: other lines


@SETTINGS
@given(items=st.lists(json_values, max_size=6), wrapped=st.booleans(),
       special=st.lists(st.sampled_from(JSON_SPECIAL), max_size=3), data=st.data(), fmt=formats)
def test_fuzz_json_queues(items, wrapped, special, data, fmt):
    elements = [json.dumps(i) for i in items] + ['{"text": "hi", "x-v": %s}' % s for s in special]
    listed = "[" + ",\n".join(elements) + "]"
    text = '{"name": "posts", "tags": ["posts"], "posts": %s}' % listed if wrapped else listed
    clean = text.encode("utf-8", "surrogatepass")
    assert _check("queue.json", clean, fmt) == len(elements) or not elements
    _check("queue.json", data.draw(spliced(clean)), fmt)


@SETTINGS
@given(items=st.lists(st.lists(st.sampled_from(YAML_VALUES), max_size=4), max_size=5),
       duplicate=st.booleans(), data=st.data(), fmt=formats)
def test_fuzz_yaml_queues(items, duplicate, data, fmt):
    body = "".join("  - text: post %d\n" % n + "".join(
        "    " + line.replace("\n", "\n    ") + "\n" for line in lines) for n, lines in enumerate(items))
    text = "posts:\n" + (body or "  []\n")
    if duplicate:
        text += "posts:\n  - text: again\n"
    clean = text.encode("utf-8")
    posts = _check("queue.yaml", clean, fmt)
    # every item is a post (its bad values are findings on it); a second `posts:` adds its own
    if not YAML_SYNTAX_ERRORS.intersection(line for lines in items for line in lines):
        assert posts == len(items) + (2 if duplicate else 0)
    _check("queue.yaml", data.draw(spliced(clean)), fmt)


@pytest.mark.parametrize("name", ["d.txt", "q.csv", "q.jsonl", "q.json", "q.yaml"])
@SETTINGS
@given(data=st.binary(max_size=300))
def test_fuzz_random_bytes_in_every_format(name, data):
    posts = _check(name, data, "json")
    if name == "d.txt":
        assert posts == 1
