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
