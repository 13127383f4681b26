"""Inputs: drafts with front matter, queues in every format, bad input as findings."""

from __future__ import annotations

import json


def by_rule(run, rule):
    return [f for f in run.json["findings"] if f["rule"] == rule]


def test_front_matter_counts_in_line_numbers(write, core):
    path = write("d.txt", """\
        ---
        platform: x
        ---
        Hello
        """ + "a" * 300 + "\n")
    run = core(str(path))
    [finding] = by_rule(run, "platform.too-long")
    # the body starts on line 4; the 'a's start on line 5, char 281 of X's budget is 'a' #275
    assert finding["line"] == 5
    assert finding["column"] == 275
    assert finding["path"] == str(path)
    assert finding["post"] == "d"


def test_utf8_bom_is_accepted(write, core):
    path = write("bom.txt", "\ufeff---\nplatform: x\n---\nHi\n".encode("utf-8-sig"))
    run = core(str(path))
    assert run.exit_code == 0, run.stdout
    assert run.json["summary"]["posts"] == 1


def test_undecodable_bytes_are_a_finding_naming_the_line(write, core):
    bad = write("latin1.txt", "Hola\nCafé con leche\n".encode("latin-1"))
    good = write("ok.txt", "Fine post\n")
    run = core(str(bad), str(good))
    [finding] = by_rule(run, "input.encoding")
    assert (finding["line"], finding["column"]) == (2, 4)
    assert finding["path"] == str(bad)
    assert run.json["summary"]["posts"] == 2
    assert run.exit_code == 1


def test_binary_file_given_explicitly_is_a_finding(write, core):
    path = write("img.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    run = core(str(path))
    assert by_rule(run, "input.encoding")[0]["message"].startswith("file is not text")


def test_empty_file_is_a_warning(write, core):
    path = write("empty.txt", "")
    run = core(str(path))
    [finding] = by_rule(run, "input.empty")
    assert finding["severity"] == "warning"
    assert run.exit_code == 0  # --fail-on error by default


def test_unclosed_front_matter(write, core):
    path = write("open.txt", "---\nplatform: x\nHello\n")
    run = core(str(path))
    [finding] = by_rule(run, "input.malformed")
    assert finding["line"] == 1
    assert "never ends" in finding["message"]


def test_front_matter_yaml_error_names_the_file_line(write, core):
    path = write("bad.txt", "---\nplatform: x\naccount: [unclosed\n---\nHello\n")
    run = core(str(path))
    [finding] = by_rule(run, "input.malformed")
    assert finding["line"] in (3, 4, 5)
    assert "front matter" in finding["message"]


def test_unknown_platform_and_bad_date_are_findings_at_their_lines(write, core):
    path = write("p.txt", "---\nplatform: myspace\nscheduled_at: next tuesday\n---\nHello\n")
    run = core(str(path))
    lines = sorted((f["line"], f["message"]) for f in by_rule(run, "input.malformed"))
    assert lines[0][0] == 2 and "unknown platform 'myspace'" in lines[0][1]
    assert lines[1][0] == 3 and "not an ISO 8601" in lines[1][1]


def test_twitter_means_x(write, core):
    path = write("t.txt", "---\nplatform: Twitter\n---\n" + "b" * 281 + "\n")
    assert by_rule(core(str(path)), "platform.too-long")[0]["message"].startswith("Too long for x")


def test_stdin(core):
    run = core("--platform", "x", "-", input="c" * 300)
    [finding] = by_rule(run, "platform.too-long")
    assert finding["path"] == "-"


def test_directory_skips_hidden_and_binary_with_a_note(write, cli, tmp_path):
    write("drafts/a.txt", "one\n")
    write("drafts/sub/b.md", "two\n")
    write("drafts/.hidden/c.txt", "hidden\n")
    write("drafts/.draft.txt", "hidden file\n")
    write("drafts/logo.png", b"\x89PNG\x00\x00")  # a picture posts point at: no note
    write("drafts/export.dat", b"\x00\x01\x02" * 40)
    write("drafts/notes.yaml", "title: not a queue\n")
    run = cli("check", "--format", "json", str(tmp_path / "drafts"))
    assert run.json["summary"]["posts"] == 2
    assert "export.dat: skipped, not a text file" in run.stderr
    assert "logo.png" not in run.stderr
    assert "notes.yaml: skipped" in run.stderr


def test_a_nul_inside_a_quoted_multiline_cell_is_one_row(write, check):
    """The row with the NUL is its own finding and the rest of its quoted cell stays in it:
    found by the CSV fuzz test (the cell's second line was read as another post)."""
    path = write("q.csv", b'message,text\n\x00,"x\ny"\nhello,there\n')
    run = check("--offline", "--select", "input", str(path))
    assert run.json["summary"]["posts"] == 2
    [finding] = run.json["findings"]
    assert finding["rule"] == "input.encoding" and finding["line"] == 2


def test_csv_with_header_points_into_the_message_cell(write, core):
    path = write("q.csv", (
        'id,platform,message\n'
        'first,x,"He said ""hi"" ' + "d" * 290 + '"\n'
        'second,instagram,' + " ".join(f"#t{i}a" for i in range(31)) + '\n'
    ))
    run = core(str(path))
    long = by_rule(run, "platform.too-long")[0]
    assert long["post"] == "first" and long["line"] == 2
    # cell starts at column 10 (after `first,x,"`); two doubled quotes shift the raw columns
    assert long["column"] == 10 + 280 + 2
    tags = by_rule(run, "platform.too-many-hashtags")[0]
    assert tags["line"] == 3 and tags["match"].startswith("#t30a")


def test_csv_multiline_cell_and_row_numbers(write, core):
    path = write("m.csv", 'text,platform\n"line one\nline two ' + "e" * 290 + '",x\nshort,x\n')
    run = core(str(path))
    [finding] = by_rule(run, "platform.too-long")
    assert finding["post"] == "m#1"
    assert finding["line"] == 3
    assert run.json["summary"]["posts"] == 2


def test_broken_csv_quoting_is_a_finding_and_other_rows_are_checked(write, core):
    path = write("b.csv", 'message,platform\n"fine",x\n"broken"quote,x\n' + "f" * 300 + ',x\n')
    run = core(str(path))
    [broken] = by_rule(run, "input.malformed")
    assert broken["line"] == 3 and "CSV" in broken["message"]
    assert by_rule(run, "platform.too-long")[0]["line"] == 4
    assert run.json["summary"]["posts"] == 3


def test_hootsuite_csv_without_header(write, core):
    path = write("hs.csv", '03/25/2030 10:00,"Spring is here! ' + "g" * 290 + '",https://example.com\n')
    run = core("--platform", "x", str(path))
    [finding] = by_rule(run, "platform.too-long")
    assert finding["post"] == "hs#1" and finding["line"] == 1


def test_hootsuite_date_is_parsed(write, core):
    path = write("hs.csv", "25/03/2020 10:00,Old news,\n")
    run = core(str(path))
    [finding] = by_rule(run, "schedule.past")
    assert "2020-03-25 10:00" in finding["message"]


def test_csv_without_message_column(write, core):
    path = write("x.csv", "foo,bar\n1,2\n")
    run = core(str(path))
    assert "no message column" in by_rule(run, "input.malformed")[0]["message"]


def test_jsonl_positions_with_escapes(write, core):
    text = 'Say \\"hi\\" ' + "h" * 290
    path = write("q.jsonl", '{"platform": "x", "text": "ok"}\n\n{"platform": "x", "text": "' + text + '"}\n')
    run = core(str(path))
    [finding] = by_rule(run, "platform.too-long")
    assert finding["line"] == 3 and finding["post"] == "q#2"
    start = len('{"platform": "x", "text": "') + 1
    assert finding["column"] == start + 280 + 2  # two escaped quotes take two extra columns


def test_jsonl_bad_line_is_a_finding(write, core):
    path = write("q.jsonl", '{"text": "ok"}\n{"text": oops}\n[1]\n')
    run = core(str(path))
    found = sorted((f["line"], f["message"]) for f in by_rule(run, "input.malformed"))
    assert found[0][0] == 2 and "invalid JSON" in found[0][1]
    assert found[1][0] == 3 and "JSON object" in found[1][1]
    assert run.json["summary"]["posts"] == 3


def test_json_list_and_its_lines(write, core):
    posts = [{"id": "a", "message": "fine"}, {"id": "b", "platform": "x", "message": "i" * 300}]
    path = write("q.json", json.dumps(posts, indent=2))
    run = core(str(path))
    [finding] = by_rule(run, "platform.too-long")
    assert finding["post"] == "b"
    raw = path.read_text().splitlines()
    assert "i" * 10 in raw[finding["line"] - 1]


def test_json_that_is_not_a_list(write, core):
    bad = write("q.json", '{"message": "hi"}')
    good = write("ok.txt", "fine\n")
    run = core(str(bad), str(good))
    assert "must be a list" in by_rule(run, "input.malformed")[0]["message"]
    assert run.json["summary"]["posts"] == 2


def test_yaml_queue_block_scalar_positions(write, core):
    path = write("q.yaml", """\
        posts:
          - id: one
            platform: x
            message: |
              First line
              """ + "j" * 300 + """
          - id: two
            message: "hello"
        """)
    run = core(str(path))
    [finding] = by_rule(run, "platform.too-long")
    assert finding["post"] == "one"
    assert finding["line"] == 6
    assert finding["column"] == 7 + 280 - len("First line\n")
    assert run.json["summary"]["posts"] == 2


def test_yaml_queue_without_posts(write, core):
    path = write("q.yaml", "items: []\n")
    assert "posts:" in by_rule(core(str(path)), "input.malformed")[0]["message"]


def test_missing_path_exits_2_but_checks_the_rest(write, core):
    good = write("ok.txt", "---\nplatform: x\n---\n" + "k" * 300)
    run = core("nope.txt", str(good))
    assert run.exit_code == 2
    assert "nope.txt: no such file or directory" in run.stderr
    assert by_rule(run, "platform.too-long")
