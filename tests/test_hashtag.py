"""Hashtag context through the real CLI: the knowledge base, hashtag.sensitive,
hashtag.unknown, user knowledge-base files and `postlint explain '#Tag'`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from postlint.rules import builtin_rules_dir

CORPUS = Path(__file__).parent / "data" / "hashtag" / "labelled.yaml"
POSTS = yaml.safe_load(CORPUS.read_text("utf-8"))["posts"]
CONFIG = """
brand:
  name: Acme Coffee
  accounts: ["@acmecoffee"]
hashtags:
  approved: ["#AcmeMornings"]
"""
KB_DIR = builtin_rules_dir() / "hashtags"


def run_corpus(check, write) -> dict[int, list[dict]]:
    write(".postlint.yaml", CONFIG)
    rows = [{"id": f"p{i}", "language": p["lang"], "message": p["text"]} for i, p in enumerate(POSTS)]
    queue = write("queue.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    result = check(str(queue), "--select", "hashtag")
    assert result.exit_code in (0, 1), result.stderr
    found: dict[int, list[dict]] = {}
    for finding in result.json["findings"]:
        found.setdefault(int(finding["post"].removeprefix("p")), []).append(finding)
    return found


def test_corpus(check, write):
    found = run_corpus(check, write)
    expected_tags = sum(len(p.get("sensitive", [])) for p in POSTS)
    hits, false, wrong = 0, 0, []
    for i, post in enumerate(POSTS):
        got = found.get(i, [])
        sensitive = [f["match"] for f in got if f["rule"] == "hashtag.sensitive"]
        unknown = [f["match"] for f in got if f["rule"] == "hashtag.unknown"]
        want = post.get("sensitive", [])
        hits += sum(1 for tag in sensitive if tag in want)
        false += sum(1 for tag in sensitive if tag not in want) + len(set(unknown) - set(post.get("unknown", [])))
        if sorted(sensitive) != sorted(want) or sorted(unknown) != sorted(post.get("unknown", [])):
            wrong.append(f"{post['text']}: sensitive {sensitive}, unknown {unknown}")
        for f in got:
            if f["rule"] == "hashtag.sensitive" and f["match"] in want:
                assert f["severity"] == post["severity"], post["text"]
                assert f["topic"] in ("religion", "politics", "violence", "sexual", "tragedy",
                                      "substances", "discrimination")
    benign = [p for p in POSTS if not p.get("sensitive") and not p.get("unknown")]
    print(f"\nhashtag.sensitive recall {hits}/{expected_tags}; "
          f"posts with a false finding {sum(1 for i, p in enumerate(POSTS) if p in benign and i in found)}/{len(benign)}")
    assert not wrong, "\n".join(wrong)


def test_promotional_message_names_meaning_and_cues(check, write):
    found = run_corpus(check, write)
    [finding] = found[0]
    assert finding["message"].startswith("#WhyIStayed is about domestic violence")
    assert '"order now"' in finding["message"]
    assert finding["topic"] == "violence" and finding["end_column"] - finding["column"] == len("#WhyIStayed")


def test_approved_silences_the_warning_but_not_the_promotional_case(check, write):
    write(".postlint.yaml", CONFIG.replace('["#AcmeMornings"]', '["#AcmeMornings", "#Aurora"]'))
    quiet = write("a.txt", "---\nlanguage: en\n---\nNorthern lights over the lake tonight #Aurora\n")
    loud = write("b.txt", "---\nlanguage: en\n---\nOur #Aurora dress is 30% off today\n")
    assert check(str(quiet), "--select", "hashtag").rules == []
    assert [f["severity"] for f in check(str(loud), "--select", "hashtag").json["findings"]] == ["critical"]


def test_vocabulary_accept_silences_unknown(check, write):
    write(".postlint.yaml", CONFIG + "vocabulary:\n  accept: ['#blrgfest']\n")
    post = write("a.txt", "---\nlanguage: en\n---\nShop now #blrgfest\n")
    assert check(str(post), "--select", "hashtag").rules == []


# --- the knowledge base -------------------------------------------------------------------


def kb_entries() -> list[tuple[Path, int, dict]]:
    items = []
    for path in sorted(KB_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        assert data["kind"] == "hashtags"
        for key in ("entries", "patterns"):
            for item in data.get(key) or []:
                items.append((path, key, item))
    return items


def test_knowledge_base_size_and_required_patterns():
    items = kb_entries()
    entries = [item for _, key, item in items if key == "entries"]
    patterns = {item["pattern"] for _, key, item in items if key == "patterns"}
    assert len(entries) >= 150
    assert {"#PrayFor*", "#*Strong", "#RIP*", "#JeSuis*", "#StandWith*", "#Stop*"} <= patterns
    tags = [e["tag"].lower() for e in entries]
    assert len(tags) == len(set(tags)), "duplicate tags in the built-in knowledge base"
    assert {e["lang"] for e in entries} >= {"en", "es", "pl", "nb"}


def test_every_entry_has_a_source_comment():
    for path in sorted(KB_DIR.glob("*.yaml")):
        lines = path.read_text("utf-8").splitlines()
        for n, line in enumerate(lines):
            if re.match(r"\s*- \{(tag|pattern):", line):
                assert lines[n - 1].strip().startswith("# source:"), f"{path.name}:{n + 1} has no source"


def test_user_knowledge_base_extends_and_overrides(check, write, tmp_path):
    write(".postlint.yaml", CONFIG)
    write("kb/ours.yaml", """
        kind: hashtags
        entries:
          # source: our crisis team, 2025
          - {tag: "#Blrgfest", topic: substances, about: "a drinking game", meaning: "A drinking game trend."}
          # source: we checked: the northern lights, not the 2012 shooting
          - {tag: "#Aurora", about: "the northern lights", meaning: "Aurora borealis."}
        """)
    post = write("a.txt", "---\nlanguage: en\n---\nShop now #blrgfest #Aurora\n")
    plain = check(str(post), "--select", "hashtag").json["findings"]
    assert sorted(f["rule"] for f in plain) == ["hashtag.sensitive", "hashtag.unknown"]
    mine = check(str(post), "--select", "hashtag", "--rules", str(tmp_path / "kb")).json["findings"]
    assert [(f["rule"], f["match"], f["topic"]) for f in mine] == [("hashtag.sensitive", "#blrgfest", "substances")]
    assert "a drinking game" in mine[0]["message"]


@pytest.mark.parametrize("content, where", [
    ("kind: hashtags\nentries:\n  - {tag: '#X', about: x}\n", "needs 'meaning'"),
    ("kind: hashtags\nentries:\n  - {tag: '#X', about: x, meaning: y, topic: weather}\n", "topic"),
    ("kind: hashtags\npatterns:\n  - {pattern: '#A*B*', about: x, meaning: y}\n", "one `*`"),
    ("kind: hashtags\nentries:\n  - {tag: 'NoHash', about: x, meaning: y}\n", "must be a hashtag"),
])
def test_bad_knowledge_base_file_fails_with_file_and_line(check, write, tmp_path, content, where):
    write(".postlint.yaml", CONFIG)
    write("kb/bad.yaml", content)
    post = write("a.txt", "---\nlanguage: en\n---\nHello #Test\n")
    result = check(str(post), "--select", "hashtag", "--rules", str(tmp_path / "kb"))
    assert result.exit_code == 2
    assert "bad.yaml:3" in result.stderr and where in result.stderr


# --- explain ------------------------------------------------------------------------------


def test_explain_hashtag_entry(cli):
    result = cli("explain", "#whyistayed")
    assert result.exit_code == 0
    assert "domestic violence" in result.stdout and "Topic:    violence" in result.stdout
    assert "movements.yaml:" in result.stdout


def test_explain_hashtag_pattern_and_unknown(cli):
    assert "pattern #PrayFor*" in cli("explain", "#PrayForLisbon").stdout
    unknown = cli("explain", "#blrgfest")
    assert unknown.exit_code == 0 and "not in the hashtag knowledge base" in unknown.stdout


def test_explain_user_entry(cli, write, tmp_path):
    write("kb/ours.yaml", """
        kind: hashtags
        entries:
          # source: our crisis team
          - {tag: "#Blrgfest", about: "a drinking game", meaning: "A drinking game trend.", lang: en}
        """)
    result = cli("explain", "#blrgfest", "--rules", str(tmp_path / "kb"))
    assert "a drinking game" in result.stdout and "Topic:    none" in result.stdout


def test_explain_with_broken_user_file_is_a_clear_error(cli, write, tmp_path):
    write("kb/bad.yaml", "kind: hashtags\nentries:\n  - {tag: '#X', about: x, meaning: y, colour: red}\n")
    result = cli("explain", "#X", "--rules", str(tmp_path / "kb"))
    assert result.exit_code == 2 and "bad.yaml:3" in result.stderr and "colour" in result.stderr
