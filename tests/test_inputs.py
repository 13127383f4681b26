"""Hardened inputs (issue 16): field spellings, bounds, hostile values, walking, empty paths.

Every test writes real files and runs the real CLI; each is about one way input used to be
misread silently or crash the run.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from postlint.formatters import FORMATS

BLACKOUT = """
    blackout:
      - {start: 2025-02-01T00:00:00Z, end: 2025-02-02T00:00:00Z, reason: "crisis"}
    """


def by_rule(run, rule):
    return [f for f in run.json["findings"] if f["rule"] == rule]


def rules_of(run):
    return sorted(f["rule"] for f in run.json["findings"])


# --- 1. field names: typos reported, common spellings read -----------------------------------

def test_misspelt_front_matter_key_is_reported_with_the_key_it_meant(write, core):
    write("brand/.postlint.yaml", BLACKOUT)
    path = write("brand/d.txt", "---\nplatform: x\nschedule_at: 2025-02-01T10:00:00Z\n---\nSale!\n")
    run = core(str(path))
    [finding] = by_rule(run, "input.malformed")
    assert finding["line"] == 3
    assert "unknown key 'schedule_at' (did you mean 'scheduled_at'?)" in finding["message"]
    assert run.exit_code == 1


@pytest.mark.parametrize("column", ["Scheduled At", "publish_at", "Publish Date", "Date",
                                    "SCHEDULED-AT", "publish date", "send_at"])
def test_common_spellings_of_the_date_column_are_read(write, core, column):
    write("brand/.postlint.yaml", BLACKOUT)
    path = write("brand/q.csv", f"Message,{column},Platform\nSale today!,2025-02-01T10:00:00Z,X\n")
    run = core(str(path))
    [finding] = by_rule(run, "schedule.blackout")
    assert finding["post"] == "q#1" and finding["line"] == 2
    assert not by_rule(run, "input.malformed")


@pytest.mark.parametrize("key", ["publish-at", "Scheduled At", "PUBLISH_DATE"])
def test_common_spellings_of_fields_in_json_and_yaml_queues(write, core, key):
    write("brand/.postlint.yaml", BLACKOUT)
    row = {"Text": "Sale today!", key: "2025-02-01T10:00:00Z", "Network": "x"}
    jsonl = write("brand/q.jsonl", json.dumps(row) + "\n")
    yaml_queue = write("brand/q.yaml", "posts:\n" + "".join(
        f"  {'-' if i == 0 else ' '} {json.dumps(k)}: {json.dumps(v)}\n" for i, (k, v) in enumerate(row.items())))
    run = core(str(jsonl), str(yaml_queue))
    assert sorted(f["path"] for f in by_rule(run, "schedule.blackout")) == [str(jsonl), str(yaml_queue)]
    assert not by_rule(run, "input.malformed")


def test_unknown_csv_column_is_reported_once_on_the_header(write, core):
    path = write("q.csv", "message,platform,Publsh Date,x-campaign,media\n"
                          "one,x,2030-01-01,spring,a.png\ntwo,x,2030-01-02,spring,\n")
    run = core(str(path))
    [finding] = by_rule(run, "input.malformed")
    assert finding["line"] == 1 and finding["post"] == "q#1"
    assert "unknown column 'Publsh Date' (did you mean 'scheduled_at'?)" in finding["message"]
    assert run.json["summary"]["posts"] == 2  # `x-campaign` is the user's own; `media` is known


def test_unknown_key_does_not_stop_the_other_checks(write, core):
    path = write("q.jsonl", json.dumps({"text": "a" * 300, "platform": "x", "campain": "spring"}) + "\n")
    run = core(str(path))
    assert rules_of(run) == ["input.malformed", "platform.too-long"]
    assert "unknown key 'campain'" in by_rule(run, "input.malformed")[0]["message"]


def test_a_field_that_must_be_one_value_is_not_a_list(write, core):
    path = write("d.txt", "---\naccount: [a, b]\nplatform: {name: x}\n---\nHello\n")
    run = core(str(path))
    found = sorted((f["line"], f["message"]) for f in by_rule(run, "input.malformed"))
    assert [line for line, _ in found] == [2, 3]
    assert "account must be one value, not a list" in found[0][1]


# --- 6. a path without posts -------------------------------------------------------------------

def test_an_empty_or_mistyped_folder_exits_2_unless_allowed(write, cli, tmp_path):
    (tmp_path / "drafts").mkdir()
    write("docs/README.md", "# Not a post\n")
    write("queue/week.csv", "message,platform\n")  # a header and no rows
    good = write("ok.txt", "Fine post\n")
    for empty in ("drafts", "docs", "queue/week.csv"):
        run = cli("check", "--offline", str(tmp_path / empty), str(good))
        assert run.exit_code == 2, (empty, run.stderr)
        assert f"{tmp_path / empty}: no posts found" in run.stderr
        assert "--allow-empty" in run.stderr
        assert "Checked 1 post" in run.stderr  # the other path was still checked
    run = cli("check", "--offline", "--allow-empty", str(tmp_path / "drafts"))
    assert run.exit_code == 0, run.stderr


# --- 7. names that are never posts, and the config's `exclude` ---------------------------------

def test_a_folder_walk_skips_project_files_and_the_configs_excludes(write, check, tmp_path):
    write("repo/.postlint.yaml", "exclude: [templates, 'archive/2023', '*.draft.md']\n")
    for name in ("README.md", "CHANGELOG.md", "package.json", "docs/LICENSE.txt", "requirements.txt",
                 "templates/promo.txt", "archive/2023/old.txt", "sub/wip.draft.md"):
        write(f"repo/{name}", "x" * 400 + "\n")
    write("repo/archive/2024/new.txt", "A post\n")
    write("repo/news.md", "A post about our news\n")  # lower case: a draft, not a NEWS file
    run = check("--offline", "--select", "platform", "--platform", "x", str(tmp_path / "repo"))
    assert run.exit_code == 0, run.stdout
    assert run.json["summary"]["posts"] == 2


def test_exclude_is_validated_like_every_config_key(write, cli):
    write("brand/.postlint.yaml", "exlude: [templates]\n")
    path = write("brand/a.txt", "Hello\n")
    run = cli("check", "--offline", str(path))
    assert run.exit_code == 2
    assert "unknown key 'exlude' (did you mean 'exclude'?)" in run.stderr


def test_force_exclude_skips_named_files_as_the_pre_commit_hook_does(write, cli, tmp_path):
    write(".postlint.yaml", "exclude: [templates]\n")
    readme = write("README.md", "x" * 400 + "\n")
    template = write("templates/a.txt", "x" * 400 + "\n")
    draft = write("drafts/a.txt", "A post\n")
    args = ("check", "--offline", "--format", "json", "--platform", "x")
    named = cli(*args, str(readme), str(template))
    assert named.json["summary"]["posts"] == 2  # named on purpose: checked
    forced = cli(*args, "--force-exclude", str(readme), str(template), str(draft))
    assert forced.json["summary"]["posts"] == 1 and forced.exit_code == 0
    assert "README" not in forced.stderr  # skipped quietly: a hook's output is for findings
    only = cli(*args, "--force-exclude", str(readme))
    assert only.exit_code == 0 and only.json["summary"]["posts"] == 0  # nothing to do is fine


def test_the_same_folder_named_twice_is_checked_once(write, core, tmp_path, monkeypatch):
    write("drafts/a.txt", "---\nplatform: x\n---\n" + "k" * 300 + "\n")
    monkeypatch.chdir(tmp_path)
    run = core("drafts", str(tmp_path / "drafts"), "drafts/a.txt")
    assert run.json["summary"]["posts"] == 1
    assert len(by_rule(run, "platform.too-long")) == 1
    assert run.exit_code == 1


# --- 10. YAML values the safe loader rejects after parsing -------------------------------------

HOSTILE_VALUES = [
    ("scheduled_at: 2025-13-01", "month must be in 1..12"),
    ("scheduled_at: 2025-02-30", "day is out of range"),
    ("x-price: !!float x", "could not convert"),
    ("id: 1" + "2" * 5000, "too many digits"),
    ("x-data: !!binary a", "YAML cannot read this value"),
]


@pytest.mark.parametrize("line,reason", HOSTILE_VALUES)
def test_a_value_yaml_cannot_build_is_a_finding_in_front_matter(write, core, line, reason):
    path = write("d.txt", f"---\nplatform: x\n{line}\n---\n" + "a" * 300 + "\n")
    other = write("ok.txt", "---\nplatform: x\n---\n" + "b" * 300 + "\n")
    run = core(str(path), str(other))
    [finding] = by_rule(run, "input.malformed")
    assert finding["path"] == str(path) and finding["line"] == 3
    assert reason in finding["message"]
    assert [f["path"] for f in by_rule(run, "platform.too-long")] == [str(other)]


@pytest.mark.parametrize("line,reason", HOSTILE_VALUES)
def test_a_value_yaml_cannot_build_is_a_finding_on_that_queue_post(write, core, line, reason):
    path = write("q.yaml", "posts:\n  - {platform: x, text: " + "a" * 300 + "}\n"
                           f"  - text: bad\n    {line}\n"
                           "  - {platform: x, text: " + "c" * 300 + "}\n")
    run = core(str(path))
    [finding] = by_rule(run, "input.malformed")
    assert (finding["post"], finding["line"]) == ("q#2", 4)
    assert reason in finding["message"]
    assert sorted(f["post"] for f in by_rule(run, "platform.too-long")) == ["q#1", "q#3"]
    assert run.json["summary"]["posts"] == 3


@pytest.mark.parametrize("front", [
    "platform: " + "[" * 100_000 + "]" * 100_000,  # crashed the C loader (stack overflow)
    "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(9)) + "id: *j",
])
def test_deep_nesting_and_alias_bombs_are_findings(write, core, front):
    path = write("d.txt", f"---\n{front}\n---\nHello\n")
    run = core(str(path))
    [finding] = by_rule(run, "input.malformed")
    assert "nested more than" in finding["message"] or "aliases expanded" in finding["message"]


def test_a_deep_yaml_post_is_skipped_and_one_too_deep_to_skip_ends_the_file(write, core):
    def queue(depth: int):
        return write("q.yaml", "posts:\n  - text: deep\n    x-v: " + "[" * depth + "]" * depth + "\n"
                               "  - {platform: x, text: " + "t" * 300 + "}\n")
    run = core(str(queue(100)))
    [deep] = by_rule(run, "input.malformed")
    assert (deep["post"], deep["line"]) == ("q#1", 3) and "nested more than 32" in deep["message"]
    assert [f["post"] for f in by_rule(run, "platform.too-long")] == ["q#2"]
    # libyaml checks every open level for each token: skipping 500,000 levels would take hours
    run = core(str(queue(500_000)))
    [deep] = by_rule(run, "input.malformed")
    assert deep["post"] == "q#1" and "the rest of the file was not read" in deep["message"]
    assert run.json["summary"]["posts"] == 1


def test_yaml_merge_keys_still_work(write, core):
    path = write("q.yaml", 'defaults: &d {platform: x, account: "@acme"}\n'
                           "posts:\n  - {<<: *d, text: short}\n  - {<<: *d, text: " + "m" * 300 + "}\n")
    run = core(str(path))
    assert [f["post"] for f in by_rule(run, "platform.too-long")] == ["q#2"]
    assert not by_rule(run, "input.malformed")


# --- 11. JSON rows json cannot parse --------------------------------------------------------------

@pytest.mark.parametrize("bad", ['{"text": "x", "n": 1' + "0" * 5000 + "}",
                                 '{"text": ' + "[" * 5000 + "]" * 5000 + "}",
                                 '{"text": "x", "deep": ' + "[" * 100 + "]" * 100 + "}"])
def test_a_json_row_too_big_to_parse_is_a_finding_on_that_row(write, core, bad):
    good = json.dumps({"platform": "x", "text": "d" * 300})
    jsonl = write("q.jsonl", f"{good}\n{bad}\n{good}\n")
    listed = write("l.json", f"[{good},\n{bad},\n{good}]")
    run = core(str(jsonl), str(listed))
    assert sorted((f["path"], f["post"], f["line"]) for f in by_rule(run, "input.malformed")) == [
        (str(listed), "l#2", 2), (str(jsonl), "q#2", 2)]
    assert len(by_rule(run, "platform.too-long")) == 4
    assert run.json["summary"]["posts"] == 6


def test_a_broken_element_of_a_json_list_does_not_stop_the_list(write, core):
    path = write("q.json", '[{"text": oops},\n {"platform": "x", "text": "' + "e" * 300 + '"}]')
    run = core(str(path))
    assert [(f["post"], f["line"]) for f in by_rule(run, "input.malformed")] == [("q#1", 1)]
    assert [(f["post"], f["line"]) for f in by_rule(run, "platform.too-long")] == [("q#2", 2)]


# --- 12. {"posts": ...} found by parsing -------------------------------------------------------

def test_the_posts_member_is_found_by_parsing_not_by_text_search(write, core):
    posts = [{"id": f"p{i}", "platform": "x", "text": f"post {i} " + "z" * 300} for i in range(3)]
    text = json.dumps({"name": "posts", "tags": ["a", "b"], "posts": posts}, indent=2)
    path = write("q.json", text)
    run = core(str(path))
    assert run.json["summary"]["posts"] == 3
    found = by_rule(run, "platform.too-long")
    assert [f["post"] for f in found] == ["p0", "p1", "p2"]
    lines = text.split("\n")
    assert all(f"post {i} " in lines[f["line"] - 1] for i, f in enumerate(found))
    assert not by_rule(run, "input.malformed")


# --- 13. one bad byte, one bad row; UTF-16 -------------------------------------------------------

def test_an_invalid_byte_or_nul_affects_only_its_csv_row(write, core):
    path = write("q.csv", b"message,platform\nfine,x\ncaf\xe9 con leche,x\nnul \x00 here,x\n"
                          + b"f" * 300 + b",x\n")
    run = core(str(path))
    found = sorted((f["line"], f["column"], f["message"]) for f in by_rule(run, "input.encoding"))
    assert [(line, column) for line, column, _ in found] == [(3, 4), (4, 5)]
    assert "0xe9" in found[0][2] and "NUL" in found[1][2]
    assert [f["line"] for f in by_rule(run, "platform.too-long")] == [5]
    assert run.json["summary"]["posts"] == 4


def test_an_invalid_byte_affects_only_its_jsonl_row(write, core):
    path = write("q.jsonl", b'{"text": "ok"}\n{"text": "caf\xe9"}\n{"platform": "x", "text": "'
                            + b"g" * 300 + b'"}\n')
    run = core(str(path))
    [bad] = by_rule(run, "input.encoding")
    assert (bad["post"], bad["line"], bad["column"]) == ("q#2", 2, 14)
    assert [f["post"] for f in by_rule(run, "platform.too-long")] == ["q#3"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_files_with_a_bom_are_read(write, core, tmp_path, encoding):
    bom = {"utf-16-be": b"\xfe\xff"}.get(encoding, b"")
    write("in/d.txt", bom + ("---\nplatform: x\n---\nCafé " + "h" * 300 + "\n").encode(encoding))
    write("in/q.csv", bom + ("message,platform\nñandú " + "i" * 300 + ",x\n").encode(encoding))
    run = core(str(tmp_path / "in"))
    assert sorted((f["path"][-5:], f["line"]) for f in by_rule(run, "platform.too-long")) == [
        ("d.txt", 4), ("q.csv", 2)]
    assert not by_rule(run, "input.encoding")


# --- 14. duplicate keys -----------------------------------------------------------------------

def test_a_duplicate_posts_key_is_a_finding_and_both_lists_are_checked(write, core):
    path = write("q.yaml", "posts:\n  - {platform: x, text: " + "a" * 300 + "}\n"
                           "posts:\n  - {platform: x, text: " + "b" * 300 + "}\n")
    run = core(str(path))
    [dup] = by_rule(run, "input.malformed")
    assert dup["line"] == 3 and "duplicate key 'posts' (first on line 1)" in dup["message"]
    assert sorted(f["post"] for f in by_rule(run, "platform.too-long")) == ["q#1", "q#2"]


def test_a_duplicate_posts_member_in_json_is_a_finding_too(write, core):
    path = write("q.json", '{"posts": [{"text": "one"}],\n "posts": [{"text": "two"}]}')
    run = core(str(path))
    [dup] = by_rule(run, "input.malformed")
    assert dup["line"] == 2 and "duplicate key 'posts'" in dup["message"]
    assert run.json["summary"]["posts"] == 3  # two posts, and the file's own finding


def test_a_duplicate_front_matter_key_is_a_finding(write, core):
    path = write("d.txt", "---\nplatform: x\nscheduled_at: 2030-01-01T10:00:00Z\n"
                          "scheduled_at: 2025-02-01T10:00:00Z\n---\nHello\n")
    run = core(str(path))
    [dup] = by_rule(run, "input.malformed")
    assert dup["line"] == 4 and "duplicate key 'scheduled_at' (first on line 3)" in dup["message"]


# --- 15. instants out of range ----------------------------------------------------------------

@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00",
                                  "0001-01-01", "9999-12-31T23:59:59"])
def test_an_instant_out_of_range_is_a_finding_not_a_crash(write, core, when):
    path = write("q.yaml", "posts:\n"
                           f"  - {{text: one, scheduled_at: '{when}'}}\n"
                           "  - {text: two, scheduled_at: '2030-01-01T10:00:00Z'}\n"
                           "  - {text: three, scheduled_at: '2030-01-01T10:01:00Z'}\n")
    run = core(str(path))
    assert "could not apply" not in run.stdout
    [finding] = by_rule(run, "input.malformed")
    assert finding["post"] == "q#1" and "scheduled_at out of range" in finding["message"]
    assert [f["post"] for f in by_rule(run, "schedule.burst")] == ["q#3"]  # the rest still checked


# --- 17. only regular files, and never more than a bound ---------------------------------------

@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_named_on_the_command_line_exits_2_with_one_line(write, cli):
    good = write("ok.txt", "Fine\n")
    run = cli("check", "--offline", "/dev/zero", str(good))
    assert run.exit_code == 2
    assert "postlint: /dev/zero: not a regular file" in run.stderr
    assert "Checked 1 post" in run.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not os.path.exists("/dev/zero"),
                    reason="needs FIFOs and /dev/zero")
def test_devices_and_fifos_in_a_folder_are_skipped_with_a_note(write, cli, tmp_path):
    write("drafts/a.txt", "Fine\n")
    (tmp_path / "drafts" / "zero.txt").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "drafts" / "pipe.txt")
    run = cli("check", "--offline", str(tmp_path / "drafts"))
    assert run.exit_code == 0, run.stderr
    assert "zero.txt: skipped, not a regular file" in run.stderr
    assert "pipe.txt: skipped, not a regular file" in run.stderr
    named = cli("check", "--offline", str(tmp_path / "drafts" / "pipe.txt"))
    assert named.exit_code == 2 and "pipe.txt: not a regular file" in named.stderr


def test_a_draft_larger_than_any_post_is_a_finding_without_reading_it(write, core, tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB of NULs that nobody should read
    run = core(str(path))
    [finding] = by_rule(run, "input.malformed")
    assert "the file is 50.0 MB, larger than a post can be" in finding["message"]
    assert run.json["summary"]["posts"] == 1


def test_a_draft_on_stdin_is_bounded_too(core):
    run = core("-", input="x" * (1024 * 1024 + 10))
    assert "larger than a post can be" in by_rule(run, "input.malformed")[0]["message"]


MB = 1024 * 1024
OVER_THE_BOUND = {  # name: (head, a row over 1 MB, a row too long for X)
    "q.csv": ("message,platform\n", '"an unclosed quote, and then ' + "x" * MB + "\n", "h" * 300 + ",x\n"),
    "q.jsonl": ("", '{"text": "' + "x" * MB + '"}\n', '{"platform": "x", "text": "' + "h" * 300 + '"}\n'),
    "q.json": ("[", '{"text": "' + "x" * MB + '"},\n', '{"platform": "x", "text": "' + "h" * 300 + '"}]'),
    "q.yaml": ("posts:\n", "  - text: " + "x" * MB + "\n", "  - {platform: x, text: " + "h" * 300 + "}\n"),
}


@pytest.mark.parametrize("name", OVER_THE_BOUND)
def test_a_queue_row_over_the_bound_is_a_finding_and_the_next_row_is_read(write, core, name):
    path = write(name, "".join(OVER_THE_BOUND[name]))
    run = core(str(path))
    [big] = by_rule(run, "input.malformed")
    assert big["line"] == OVER_THE_BOUND[name][0].count("\n") + 1
    assert "longer than 1.0 MB" in big["message"] or "larger than 1.0 MB" in big["message"]
    assert len(by_rule(run, "platform.too-long")) == 1
    assert run.json["summary"]["posts"] == 2


def test_csv_cells_that_never_end_cannot_make_reading_quadratic(write, core):
    # `a","` closes a quoted cell and opens the next: from every line a record runs to the end
    # of the file. Re-reading the rest for each line took 2 minutes for these 100 KB.
    path = write("q.csv", "message,platform\n" + "h" * 300 + ",x\n" + 'a","\n' * 20_000)
    run = core(str(path))
    assert [f["line"] for f in by_rule(run, "platform.too-long")] == [2]
    assert "the rest of the file was not read" in by_rule(run, "input.malformed")[-1]["message"]
    assert run.json["summary"]["posts"] < 100


# --- 23. lone surrogates ----------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_a_lone_surrogate_is_an_encoding_finding_in_every_format(write, cli, fmt):
    path = write("q.jsonl", '{"id": "bad", "text": "oops \\ud800 here"}\n{"id": "ok", "text": "fine"}\n')
    run = cli("check", "--offline", "--quiet", "--select", "input", "--format", fmt, str(path))
    assert run.exit_code == 1, run.stderr
    assert "could not apply" not in run.stdout
    assert "input.encoding" in run.stdout
    if fmt == "json":
        [finding] = run.json["findings"]
        assert (finding["post"], finding["line"], finding["column"]) == ("bad", 1, 29)
        assert run.json["summary"]["posts"] == 2


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="needs a user that file permissions apply to (not root)")
def test_an_unreadable_subfolder_is_reported_not_skipped_silently(write, cli, tmp_path):
    write("drafts/a.txt", "Fine\n")
    locked = write("drafts/locked/b.txt", "Also a post\n").parent
    locked.chmod(0)
    try:
        run = cli("check", "--offline", str(tmp_path / "drafts"))
    finally:
        locked.chmod(0o755)
    assert run.exit_code == 2
    assert f"{locked}: cannot read" in run.stderr
    assert "Checked 1 post" in run.stderr


def test_a_reader_bug_is_one_line_and_exit_2_and_the_other_files_are_read(write, cli, monkeypatch):
    """The safety net under every reader: a bug must never pass as "findings" (exit 1)."""
    from postlint import readers

    def broken(path, display, handle):
        yield from readers.csvqueue.read(path, display, handle)
        raise RuntimeError("simulated reader bug")

    monkeypatch.setitem(readers.QUEUE_READERS, ".csv", broken)
    queue = write("q.csv", "message\nfirst post\n")
    draft = write("d.txt", "---\nplatform: x\n---\n" + "k" * 300 + "\n")
    run = cli("check", "--offline", "--format", "json", "--select", "platform", str(queue), str(draft))
    assert run.exit_code == 2
    assert f"{queue}: could not read the rest of this file (a postlint bug: RuntimeError" in run.stderr
    assert "Traceback" not in run.stderr
    assert run.json["summary"]["posts"] == 2  # the queue's first post, and the draft
    assert [f["path"] for f in run.json["findings"]] == [str(draft)]
