"""Judgement through the real CLI: functional suites per language (tests/data/judgement/).

Each suite is a real postlint queue (one CLI run per language); every case says which rules
must fire (`expect`) and, implicitly, that no other profanity rule may (plus `forbid`).
The suites are this project's own cases, one way of expressing hate (or of looking like it
without being it) at a time; see tests/data/judgement/README.md.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from postlint.cli import main

DATA = Path(__file__).parent / "data" / "judgement"
LANGS = ("en", "es", "pl", "nb")
# Ways hate is expressed, and ways of looking like it without being it.
WAYS = (
    "derogation-emotion", "derogation-attribute", "derogation-dehumanising",
    "derogation-implicit", "threat-direct", "threat-normative", "slur", "slur-homonym",
    "slur-reclaimed", "profanity-hateful", "profanity-benign", "pronoun-reference",
    "negation", "question-opinion", "group-neutral", "group-positive", "counter-quote",
    "counter-reference", "abuse-object", "abuse-individual", "abuse-nonprotected",
    "spelling", "idiom",
)
MIN_CASES = 15


def suite(lang: str) -> list[dict]:
    path = DATA / f"{lang}.yaml"
    return yaml.safe_load(path.read_text("utf-8"))["cases"] if path.exists() else []


@lru_cache(maxsize=None)
def findings(lang: str) -> dict[str, list[dict]]:
    """One real `postlint check` over the language's suite, written as a JSONL queue."""
    import tempfile

    cases = suite(lang)
    with tempfile.TemporaryDirectory() as tmp:
        queue = Path(tmp) / f"{lang}.jsonl"
        queue.write_text("".join(json.dumps({"id": c["id"], "text": c["text"], "language": lang},
                                            ensure_ascii=False) + "\n" for c in cases), "utf-8")
        result = CliRunner().invoke(main, ["check", "--format", "json", "--quiet", "--offline",
                                           "--select", "profanity", "--select", "sensitive",
                                           "--select", "voice.personal-on-brand", str(queue)])
    assert result.exit_code in (0, 1), result.output
    by_case: dict[str, list[dict]] = {}
    for f in json.loads(result.stdout)["findings"]:
        by_case.setdefault(f["post"], []).append(f)
    return by_case


def _cases() -> list:
    return [pytest.param(lang, case, id=case["id"]) for lang in LANGS for case in suite(lang)]


@pytest.mark.parametrize("lang, case", _cases())
def test_case(lang, case):
    found = {f["rule"] for f in findings(lang).get(case["id"], [])}
    expect = set(case.get("expect") or ())
    assert expect <= found, (case["text"], sorted(found))
    unwanted = {r for r in found if r.startswith("profanity.") and r not in expect}
    unwanted |= found & set(case.get("forbid") or ())
    assert not unwanted, (case["text"], sorted(unwanted))


@pytest.mark.parametrize("lang", LANGS)
def test_suite_covers_every_way(lang):
    """At least MIN_CASES cases for each way, with hateful cases and silent contrasts."""
    cases = suite(lang)
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    for way in WAYS:
        here = [c for c in cases if c["way"] == way]
        assert len(here) >= MIN_CASES, (lang, way, len(here))
    assert {c["way"] for c in cases} <= set(WAYS), {c["way"] for c in cases} - set(WAYS)
    silent = [c for c in cases if not c.get("expect")]
    assert len(silent) >= len(cases) // 4, "a suite needs its benign contrasts"


# --- the mechanism's own guarantees --------------------------------------------------------


def _relations(texts: list[tuple[str, str]], screened: bool) -> list:
    from postlint import judgement
    from postlint.config import DEFAULT
    from postlint.engine import Context, Options
    from postlint.model import Post
    from postlint.rules import load_rules

    ctx = Context(DEFAULT, Options())
    wanted = [r.options["wanted"] for r in load_rules([]) if r.type == "relation"]
    found = []
    for i, (text, lang) in enumerate(texts):
        post = Post("t", str(i), text, language=lang)
        analysis = judgement._analyse(post, ctx, screened=screened)
        if analysis is None:
            found.append([[] for _ in wanted])
            continue
        found.append([[(r.predicate.entry, r.about and r.about.entry) for r in
                       judgement.relate(analysis.tokens, analysis.mentions, analysis.layout, w)]
                      for w in wanted])
    return found


def test_screen_never_hides_a_relation():
    """Most posts are never analysed: a screen on the predicates (and a check for disguised
    spellings) says "nothing to judge". Checked against the unscreened analysis on every
    suite case and labelled post, in every language."""
    from postlint import judgement
    from postlint.config import DEFAULT
    from postlint.engine import Context, Options
    from postlint.model import Post

    texts = [(c["text"], lang) for lang in LANGS for c in suite(lang)]
    for name in ("sensitive/benign.yaml", "profanity/benign.yaml", "profanity/positives.yaml"):
        for p in yaml.safe_load((DATA.parent / name).read_text("utf-8"))["posts"]:
            texts.append((p.get("text") or p["message"], p["language"]))
    assert len(texts) > 550
    screened, unscreened = _relations(texts, True), _relations(texts, False)
    assert screened == unscreened
    assert sum(1 for r in unscreened if any(r)) > 200  # not vacuous
    # stronger: no post with a predicate at all (a relation or not) is screened out
    ctx = Context(DEFAULT, Options())
    posts = [Post("t", str(i), text, language=lang) for i, (text, lang) in enumerate(texts)]
    hidden = [p.text for p in posts if judgement._analyse(p, ctx, screened=False) is not None
              and judgement._analyse(p, ctx) is None]
    assert hidden == []
    assert sum(judgement._analyse(p, ctx) is None for p in posts) > 100  # the screen screens


@pytest.mark.parametrize("text, spelled", [
    ("I h4te w0men", ["i", "hate", "women"]),
    ("I h a t e women.", ["hate", "women", "."]),
    ("wmoen are vermn", ["women", "are", "vermin"]),
    ("Refugees are $cum!", ["refugees", "are", "scum", "!"]),
    ("I haaate them", ["i", "hate", "them"]),
    ("Womenare stupid", ["women", "are", "stupid"]),
    ("Hello! Duck soup, e.g. with 10am coffee", ["hello", "!", "duck", "soup", ",", "e", ".", "g",
                                                 ".", "with", "10am", "coffee"]),
])
def test_spelling_variations_are_undone(text, spelled):
    """Leet, spaces added or removed, letters swapped, missing or repeated: respelled into
    the vocabulary word, and nothing else is touched (a known word, a name, a time)."""
    from postlint.judgement import _language
    from postlint.config import DEFAULT
    from postlint.engine import Context, Options
    from postlint.language.phrases import tokens

    built = _language("en", Context(DEFAULT, Options()))
    respelled = built.respeller.respell(text, tokens(text, "en"))
    assert [t[1] for t in respelled] == spelled


def test_a_user_adds_a_group_and_a_predicate_without_python(tmp_path, cli):
    """`kind: judgement` files in a --rules folder extend the built-in vocabulary."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "ours.yaml").write_text(
        "kind: judgement\nlanguage: en\n"
        "targets:\n  groups:\n    caste: [dalits]\n"
        "predicates:\n  dehumanising: [untouchables]\n", "utf-8")
    draft = tmp_path / "d.txt"
    draft.write_text("Dalits are untouchables.\n", "utf-8")
    before = cli("check", "--format", "json", "--quiet", "--offline", "--select", "profanity", str(draft))
    after = cli("check", "--format", "json", "--quiet", "--offline", "--select", "profanity",
                "--rules", str(rules), str(draft))
    assert before.json["findings"] == []
    [finding] = after.json["findings"]
    assert finding["rule"] == "profanity.hate"
    assert "a group (caste)" in finding["message"] and "“Dalits”" in finding["message"]


@pytest.mark.parametrize("content, error", [
    ("kind: judgement\ntargets:\n  audience: [you]\n", "needs `language:`"),
    ("kind: judgement\nlanguage: en\ntargetz:\n  audience: [you]\n", "did you mean 'targets'"),
    ("kind: judgement\nlanguage: en\npredicates:\n  hatred: ['* hate']\n", "starts with `*`"),
    ("kind: judgement\nlanguage: en\ncues:\n  negatoin: [not]\n", "did you mean 'cues.negation'"),
])
def test_a_broken_vocabulary_file_names_file_and_line(tmp_path, cli, content, error):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "bad.yaml").write_text(content, "utf-8")
    draft = tmp_path / "d.txt"
    draft.write_text("I hate waiting.\n", "utf-8")
    r = cli("check", "--quiet", "--offline", "--rules", str(rules), str(draft))
    assert r.exit_code == 2
    assert "bad.yaml" in r.stderr and error in r.stderr, r.stderr


def test_finding_names_both_spans_and_what_the_post_does(tmp_path, check):
    draft = tmp_path / "d.txt"
    draft.write_text("Totally normal post.\nAll immigrants should be shot.\n", "utf-8")
    [f] = [f for f in check("--select", "profanity", str(draft)).json["findings"]]
    assert f["rule"] == "profanity.threat" and f["severity"] == "critical"
    assert f["message"].startswith("Says “immigrants” … “should be shot”: a threat")
    assert "(migration status)" in f["message"]
    assert (f["line"], f["column"], f["end_column"]) == (2, 5, 30)
    assert f["match"] == "immigrants should be shot"


@pytest.mark.parametrize("text, lang, whom", [
    ("@dave kill all the immigrants", "en", "a group (migration status)"),
    ("@kasia zabić wszystkich imigrantów", "pl", "a group (migration status)"),
    ("@ola drep alle innvandrerne", "nb", "a group (migration status)"),
    ("@pedro matar a todos los inmigrantes", "es", "a group (migration status)"),
])
def test_an_order_after_an_address_is_about_its_target_not_the_addressee(tmp_path, check, text,
                                                                         lang, whom):
    """The @mention that opens a reply is told to do it: the threat is against the group the
    order names, not the person it is said to (who is the target only when the order names
    no one else: "@kev go drink bleach")."""
    draft = tmp_path / "d.jsonl"
    draft.write_text(json.dumps({"id": "1", "text": text, "language": lang}) + "\n", "utf-8")
    [f] = check("--select", "profanity.threat", str(draft)).json["findings"]
    assert whom in f["message"], f["message"]


@pytest.mark.parametrize("text, lang", [
    ("Shoot them on sight, the refugees.", "en"),
    ("Drown them in the sea, all these migrants.", "en"),
    ("Utopić ich w morzu, tych imigrantów.", "pl"),
])
def test_a_pronoun_names_the_group_the_clause_is_addressed_to(tmp_path, check, text, lang):
    """"Shoot *them*..., *the refugees*": the group named at the end of the clause is whom the
    pronoun stands for, though it comes after it."""
    draft = tmp_path / "d.jsonl"
    draft.write_text(json.dumps({"id": "1", "text": text, "language": lang}) + "\n", "utf-8")
    [f] = check("--select", "profanity.threat", str(draft)).json["findings"]
    assert "a group (migration status)" in f["message"], f["message"]
