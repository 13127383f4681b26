"""Review: approvals recorded with the real `postlint approve` in real git repositories.

Every test works in a git repository made in tmp_path (with its own user.email), runs the
real CLI, and reads the approvals file postlint wrote. Concurrency uses real processes, merges
use real git.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

import postlint

NOW = "2025-01-15T12:00:00Z"
CONFIG = "review:\n  required: 1\n  when: warning\n"
PAST = "---\nscheduled_at: 2020-01-01T10:00:00Z\n---\n{text}\n"  # schedule.past: a warning


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "jane@acme.test")
    git(tmp_path, "config", "user.name", "Jane")
    return tmp_path


@pytest.fixture
def approve(cli):
    def run(*args: str):
        return cli("approve", "--offline", "--now", NOW, *args)

    return run


def review(run) -> list[dict]:
    return [f for f in run.json["findings"] if f["category"] == "review"]


def lines(folder: Path) -> list[dict]:
    return [json.loads(line) for line in
            (folder / ".postlint-approvals.jsonl").read_text(encoding="utf-8").splitlines()]


def test_a_typo_in_review_when_gets_did_you_mean(cli, write):
    write(".postlint.yaml", "review:\n  required: 1\n  when: warnig\n")
    path = write("a.md", "Hello\n")
    run = cli("check", "--offline", str(path))
    assert run.exit_code == 2
    assert ".postlint.yaml:3" in run.stderr and "did you mean 'warning'" in run.stderr


def test_unapproved_approved_then_changed(repo, write, check, approve):
    write(".postlint.yaml", CONFIG)
    post = write("drafts/a.md", PAST.format(text="Our spring menu is here."))
    run = check("--offline", str(post))
    [finding] = review(run)
    assert finding["rule"] == "review.unapproved" and finding["severity"] == "error"
    assert "schedule.past" in finding["message"] and "postlint approve" in finding["message"]
    assert run.exit_code == 1

    done = approve(str(post), "--note", "the old date is on purpose")
    assert done.exit_code == 0, done.stderr
    assert "Approved" in done.stdout and "jane@acme.test" in done.stdout
    [line] = lines(repo)  # beside the config, not beside the draft
    assert line["post"] == "a" and line["path"] == "drafts/a.md"
    assert line["by"] == "jane@acme.test" and line["at"] == NOW
    assert line["note"] == "the old date is on purpose"
    assert line["findings"] == ["schedule.past"]
    assert line["digest"].startswith("sha256:") and len(line["digest"]) == 71
    assert ".postlint-approvals.jsonl merge=union" in (repo / ".gitattributes").read_text()

    run = check("--offline", str(post))
    assert review(run) == [] and run.exit_code == 0  # the warning alone does not fail the run
    [shown] = run.json["approvals"]
    assert (shown["by"], shown["status"], shown["findings"]) == ("jane@acme.test", "valid", ["schedule.past"])

    post.write_text(PAST.format(text="Our summer menu is here."), encoding="utf-8")
    run = check("--offline", str(post))
    [finding] = review(run)
    assert finding["rule"] == "review.changed"
    assert "jane@acme.test" in finding["message"] and "2025-01-15" in finding["message"]
    assert run.json["approvals"][0]["status"] == "changed"


def test_benign_posts_need_nothing_and_when_all_means_every_post(repo, write, check, approve):
    write(".postlint.yaml", CONFIG)
    quiet = write("quiet.md", "Good morning, everyone.\n")
    assert review(check("--offline", str(quiet))) == []  # no finding at or above warning
    write(".postlint.yaml", "review: {required: 1}\n")  # when: all is the default
    [finding] = review(check("--offline", str(quiet)))
    assert "every post needs approval" in finding["message"]
    assert approve(str(quiet)).exit_code == 0
    run = check("--offline", str(quiet))
    assert review(run) == [] and run.exit_code == 0


def test_required_two_means_two_different_people(repo, write, check, approve):
    write(".postlint.yaml", "review: {required: 2, when: all}\n")
    post = write("a.md", "Hello there.\n")
    approve(str(post))
    approve(str(post))  # the same person twice is still one approval
    [finding] = review(check("--offline", str(post)))
    assert "has 1 of 2" in finding["message"]
    assert approve(str(post), "--as", "Omar@Acme.test").exit_code == 0
    assert review(check("--offline", str(post))) == []


def test_approvers_list_refuses_anyone_else_and_writes_nothing(repo, write, check, approve):
    write(".postlint.yaml", "review: {required: 1, when: all, approvers: [lead@acme.test]}\n")
    post = write("a.md", "Hello there.\n")
    refused = approve(str(post))  # git's user is jane@acme.test
    assert refused.exit_code == 2
    assert "jane@acme.test is not in review.approvers" in refused.stderr
    assert not (repo / ".postlint-approvals.jsonl").exists()
    assert approve(str(post), "--as", "LEAD@acme.test").exit_code == 0  # case does not matter
    assert review(check("--offline", str(post))) == []
    # an approval by someone else written by hand does not count
    with (repo / ".postlint-approvals.jsonl").open("a") as handle:
        handle.write(json.dumps({**lines(repo)[0], "by": "intern@acme.test"}) + "\n")
    write(".postlint.yaml", "review: {required: 2, when: all, approvers: [lead@acme.test]}\n")
    run = check("--offline", str(post))
    assert "has 1 of 2" in review(run)[0]["message"]
    assert {a["status"] for a in run.json["approvals"]} == {"valid", "not an approver"}


def test_a_finding_that_appears_after_approval_makes_it_stale(repo, write, check, approve):
    from test_links_support import start, status

    server = start()
    try:
        server.routes["/menu"] = status(200)
        write(".postlint.yaml", "review: {required: 1, when: all}\n"
                                "links: {timeout: 0.5, allow_private_hosts: true}\n")
        post = write("a.md", f"Our menu: {server.base}/menu\n")
        recorded = subprocess_approve(repo, str(post), online=True)
        assert recorded.returncode == 0, recorded.stderr
        assert lines(repo)[0]["findings"] == ["links.unsafe"]  # http:// on a raw address
        assert review(check("--no-cache", str(post))) == []
        server.routes["/menu"] = status(404)  # the link broke after approval
        run = check("--no-cache", str(post))
        [finding] = review(run)
        assert finding["rule"] == "review.changed"
        assert "links.broken appeared after jane@acme.test approved it" in finding["message"]
        assert run.json["approvals"][0]["status"] == "stale"
    finally:
        server.shutdown()
        server.server_close()


def subprocess_approve(folder: Path, *args: str, online: bool = False) -> subprocess.CompletedProcess:
    """The real command in its own process, run from `folder`."""
    offline = [] if online else ["--offline"]
    return subprocess.run([sys.executable, "-m", "postlint", "approve", *offline, "--now", NOW, *args],
                          cwd=folder, capture_output=True, text=True, timeout=900)


def test_a_malformed_line_is_a_finding_naming_file_and_line(repo, write, check, approve):
    write(".postlint.yaml", "review: {required: 1, when: all}\n")
    post = write("a.md", "Hello there.\n")
    approve(str(post))
    file = repo / ".postlint-approvals.jsonl"
    good = file.read_text()
    file.write_text('{"post": "b", "path": "b.md"\n' + good + '["not", "an", "object"]\n')
    run = check("--offline", str(post))
    bad = [f for f in review(run) if f["rule"] == "review.malformed"]
    assert [(Path(f["path"]).name, f["line"]) for f in bad] == [(".postlint-approvals.jsonl", 1),
                                                                (".postlint-approvals.jsonl", 3)]
    assert "not valid JSON" in bad[0]["message"] and "not a JSON object" in bad[1]["message"]
    assert [f["rule"] for f in review(run)].count("review.unapproved") == 0  # line 2 still counts
    assert run.exit_code == 1 and "Traceback" not in run.stderr


def test_an_oversized_approvals_file_is_not_read(repo, write, check):
    from postlint.review import store

    write(".postlint.yaml", "review: {required: 1, when: all}\n")
    post = write("a.md", "Hello there.\n")
    with (repo / store.NAME).open("wb") as handle:
        handle.truncate(store.MAX_FILE_BYTES + 1)
    run = check("--offline", str(post))
    rules = sorted(f["rule"] for f in review(run))
    assert rules == ["review.malformed", "review.unapproved"]
    assert "MB postlint reads" in next(f for f in review(run) if f["rule"] == "review.malformed")["message"]


def test_queue_rows_are_keyed_by_id_and_digest(repo, write, check, approve):
    write(".postlint.yaml", "review: {required: 1, when: all}\n")
    queue = write("q.csv", "message\nFirst post\nSecond post\nThird post\n")
    assert approve(str(queue), "--post", "q#2").exit_code == 0
    run = check("--offline", str(queue))
    assert sorted(f["post"] for f in review(run)) == ["q#1", "q#3"]
    queue.write_text("message\nA new first post\nFirst post\nSecond post\nThird post\n")
    run = check("--offline", str(queue))  # the approved row moved to q#3: its digest did not
    assert sorted(f["post"] for f in review(run)) == ["q#1", "q#2", "q#4"]
    queue.write_text('message\nFirst post\n"Second post, edited"\nThird post\n')
    changed = {f["post"]: f["rule"] for f in review(check("--offline", str(queue)))}
    assert changed == {"q#1": "review.unapproved", "q#2": "review.changed", "q#3": "review.unapproved"}


def test_unknown_post_id_gets_did_you_mean(repo, write, approve):
    write(".postlint.yaml", CONFIG)
    queue = write("q.csv", "message\nFirst post\n")
    run = approve(str(queue), "--post", "q#11")
    assert run.exit_code == 2 and "did you mean 'q#1'" in run.stderr


def test_every_input_format(repo, write, check, approve):
    write(".postlint.yaml", "review: {required: 1, when: all}\n")
    write("posts/d.md", "---\nid: spring\n---\nSpring is here.\n")
    write("posts/q.jsonl", '{"id": "j1", "text": "One"}\n{"text": "Two"}\n')
    write("posts/q.json", '[{"text": "Three"}]')
    write("posts/q.yaml", "posts:\n  - text: Four\n")
    write("posts/q.csv", "message,date\nFive,2026-01-01T10:00:00Z\n")
    folder = str(repo / "posts")
    assert len(review(check("--offline", folder))) == 6
    done = approve(folder)
    assert done.exit_code == 0 and done.stdout.count("Approved") == 6
    assert [(line["path"], line["post"]) for line in lines(repo)] == sorted(
        [("posts/d.md", "spring"), ("posts/q.jsonl", "j1"), ("posts/q.jsonl", "q#2"),
         ("posts/q.json", "q#1"), ("posts/q.yaml", "q#1"), ("posts/q.csv", "q#1")])
    assert review(check("--offline", folder)) == []


def test_replacing_a_picture_behind_the_same_name_is_a_change(repo, write, check, approve):
    write(".postlint.yaml", "review: {required: 1, when: all}\n")
    Image.new("RGB", (100, 100), (10, 20, 30)).save(repo / "a.jpg")
    post = write("a.md", '---\nmedia: [{path: a.jpg, alt: "A dark square"}]\n---\nNew look.\n')
    approve(str(post))
    assert review(check("--offline", str(post))) == []
    Image.new("RGB", (100, 100), (250, 20, 30)).save(repo / "a.jpg")
    assert [f["rule"] for f in review(check("--offline", str(post)))] == ["review.changed"]


def test_concurrent_approve_runs_lose_no_line(repo, write):
    # Only the cheap rules: eight cold processes at once must not crawl on a shared machine.
    write(".postlint.yaml", "review: {required: 1, when: all}\n"
                            "rules: {disable: [spelling, sensitive, profanity, voice, hashtag, links, media]}\n")
    posts = [write(f"p{i}.md", f"Post number {i}.\n") for i in range(8)]
    warm = subprocess_approve(repo, "--as", "first@acme.test", str(write("p8.md", "Warm-up.\n")))
    assert warm.returncode == 0, warm.stderr  # fills the rule cache the eight processes share
    procs = [subprocess.Popen([sys.executable, "-m", "postlint", "approve", "--offline", "--now", NOW,
                               "--as", f"editor{i}@acme.test", str(p)],
                              cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i, p in enumerate(posts)]
    for proc in procs:
        _, err = proc.communicate(timeout=900)
        assert proc.returncode == 0, err
    written = lines(repo)[1:]  # every line is whole JSON: nothing interleaved
    assert sorted((w["post"], w["by"]) for w in written) == sorted(
        (f"p{i}", f"editor{i}@acme.test") for i in range(8))
    assert (repo / ".gitattributes").read_text().count("merge=union") == 1


def test_two_branches_approving_at_once_merge_without_conflict(repo, write, check, approve):
    write(".postlint.yaml", "review: {required: 1, when: all}\n")
    a, b, c = (write(f"{n}.md", f"Post {n}.\n") for n in "abc")
    approve(str(c))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "posts")
    git(repo, "checkout", "-q", "-b", "omar")
    approve(str(a), "--as", "omar@acme.test")
    git(repo, "commit", "-qam", "omar approves a")
    git(repo, "checkout", "-q", "main")
    approve(str(b), "--as", "jane@acme.test")
    git(repo, "commit", "-qam", "jane approves b")
    git(repo, "merge", "-q", "--no-edit", "omar")  # fails the test on a conflict
    assert sorted(line["post"] for line in lines(repo)) == ["a", "b", "c"]
    assert review(check("--offline", str(repo))) == []


def test_outputs_show_who_approved_when_and_what_they_saw(repo, write, cli, approve):
    write(".postlint.yaml", CONFIG)
    post = write("a.md", PAST.format(text="Our spring menu is here."))
    approve(str(post), "--note", "date checked")
    base = ("check", "--offline", "--now", NOW, "--quiet", str(post))
    text = cli(*base).stdout
    assert "approved by jane@acme.test on 2025-01-15 12:00:00 UTC (saw: schedule.past)" in text
    assert '"date checked"' in text
    sarif = json.loads(cli(*base, "--format", "sarif").stdout)
    [approval] = sarif["runs"][0]["properties"]["approvals"]
    assert (approval["by"], approval["findings"]) == ("jane@acme.test", ["schedule.past"])
    assert sarif["runs"][0]["results"][0]["properties"]["approvals"][0]["at"] == NOW
    html = cli(*base, "--format", "html").stdout
    assert 'class="approvals"' in html and "jane@acme.test" in html and "schedule.past" in html
    quiet = write("quiet.md", "Good morning.\n")  # approved, no findings: still listed
    approve(str(quiet))
    write(".postlint.yaml", "review: {required: 1, when: all}\n")
    html = cli("check", "--offline", "--quiet", "--format", "html", str(quiet)).stdout
    assert "Approved posts without findings" in html
    assert "approved by jane@acme.test" in cli("check", "--offline", "--quiet", str(quiet)).stdout


def test_without_a_config_the_approval_goes_beside_the_file(tmp_path, write, approve):
    git(tmp_path, "init", "-q")
    git(tmp_path, "config", "user.email", "sam@acme.test")
    post = write("drafts/a.md", "Hello.\n")
    run = approve(str(post))
    assert run.exit_code == 0
    assert "review is off" in run.stderr
    assert lines(tmp_path / "drafts")[0]["path"] == "a.md"


def test_no_name_anywhere_is_one_clear_error(tmp_path, write, approve, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))  # no global git identity
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    post = write("a.md", "Hello.\n")
    run = approve(str(post))
    assert run.exit_code == 2 and "--as NAME" in run.stderr


def test_lint_api_and_worker_processes_judge_review_too(repo, write, check):
    write(".postlint.yaml", "review: {required: 1, when: warning}\n")
    config = postlint.load_config(repo / ".postlint.yaml")
    posts = [postlint.make_post("Hello", id="old", scheduled_at="2020-01-01T00:00:00Z"),
             postlint.make_post("Hello again", id="fine")]
    found = postlint.lint(posts, config, options=postlint.Options(offline=True),
                          select=["input", "schedule", "review"])
    assert [(f.rule, f.post) for f in found if f.category == "review"] == [("review.unapproved", "old")]
    rows = "".join(f"Post {i}\n" for i in range(30))
    queue = write("q.csv", "message,date\n" + rows.replace("\n", ",2020-01-01T00:00:00Z\n"))
    run = check("--offline", "--jobs", "2", str(queue))
    assert len(review(run)) == 30


def test_sarif_with_approvals_is_valid_against_the_official_schema(repo, write, cli, approve):
    from test_sarif import SCHEMA

    if not SCHEMA.is_file():
        pytest.skip(f"official SARIF schema not found at {SCHEMA} (CI has it beside the project)")
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the test extra")
    write(".postlint.yaml", CONFIG)
    post = write("a.md", PAST.format(text="Our spring menu is here."))
    other = write("b.md", PAST.format(text="Our autumn menu is here."))
    approve(str(post))
    sarif = json.loads(cli("check", "--offline", "--now", NOW, "--quiet", "--format", "sarif",
                           str(post), str(other)).stdout)
    jsonschema.validate(sarif, json.loads(SCHEMA.read_text("utf-8")))
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]].count("review.unapproved") == 1
