"""`--format sarif`: valid against the official SARIF 2.1.0 schema, with rule help, regions, levels.

The official schema is vendored under tests/data/schemas/ (see its README), so this runs in
every clone, offline. Paths are computed from this file so the test works from any folder.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "tests" / "data" / "schemas" / "sarif-schema-2.1.0.json"
NOW = "2025-01-15T12:00:00Z"
# Only the foundation rules: content rules added by other issues must not change these outputs.
CORE = ("--select", "platform", "--select", "schedule.past", "--select", "schedule.blackout",
        "--select", "input", "--offline")
LEVEL = {"critical": "error", "error": "error", "warning": "warning", "info": "note"}


@pytest.fixture(scope="module")
def validator():
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the test extra")
    schema = json.loads(SCHEMA.read_text("utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@pytest.fixture
def findings_and_sarif(cli, write):
    """A brand folder with every severity: critical, error, warning, info (re-levelled)."""
    write("brand/.postlint.yaml", """
        blackout:
          - {start: 2025-02-01T00:00:00Z, end: 2025-02-02T00:00:00Z, reason: "crisis"}
        rules:
          severity: {platform.too-many-hashtags: info}
        """)
    write("brand/dark day.txt", "---\nplatform: x\nscheduled_at: 2025-02-01T10:00:00Z\n---\nSale today!\n")
    write("brand/long.txt", "---\nplatform: x\n---\nHello " + "word " * 60 + "end\n")
    write("brand/old.txt", "---\nplatform: threads\nscheduled_at: 2020-01-01T00:00:00Z\n---\n#one #two\n")
    folder = str(write("brand/.keep", "").parent)

    def run(fmt: str, *extra: str):
        return cli("check", "--now", NOW, "--quiet", *CORE, "--format", fmt, *extra, folder)

    return run


def test_sarif_validates_against_the_official_schema(findings_and_sarif, validator):
    run = findings_and_sarif("sarif")
    document = json.loads(run.stdout)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    assert run.exit_code == 1
    empty = json.loads(findings_and_sarif("sarif", "--min-severity", "critical", "--ignore", "schedule").stdout)
    assert empty["runs"][0]["results"] == []
    assert not list(validator.iter_errors(empty))


def test_results_match_findings_with_regions_and_levels(findings_and_sarif):
    findings = findings_and_sarif("json").json["findings"]
    run = json.loads(findings_and_sarif("sarif").stdout)["runs"][0]
    results, rules = run["results"], run["tool"]["driver"]["rules"]
    assert {f["severity"] for f in findings} == {"critical", "error", "warning", "info"}
    assert len(results) == len(findings)
    for result, finding in zip(results, findings):
        assert result["ruleId"] == finding["rule"]
        assert rules[result["ruleIndex"]]["id"] == finding["rule"]
        assert result["level"] == LEVEL[finding["severity"]]
        assert result["message"]["text"] == finding["message"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == finding["path"].replace(" ", "%20")
        assert location["region"] == {"startLine": finding["line"], "startColumn": finding["column"],
                                      "endLine": finding["end_line"], "endColumn": finding["end_column"]}
        assert result["properties"]["severity"] == finding["severity"]
        assert result["properties"]["category"] == finding["category"]
    long = next(r for r in results if r["ruleId"] == "platform.too-long")
    region = long["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 4 and region["startColumn"] > 280  # points where the cut starts
    assert run["properties"]["summary"]["by_severity"] == {"critical": 1, "error": 1, "warning": 1, "info": 1}


def test_every_rule_has_metadata_and_the_help_of_explain(findings_and_sarif, cli):
    rules = json.loads(findings_and_sarif("sarif").stdout)["runs"][0]["tool"]["driver"]["rules"]
    listed = [line.split()[0] for line in cli("rules").stdout.splitlines() if line.strip()]
    assert [r["id"] for r in rules] == listed
    for rule in rules:
        assert rule["shortDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
        assert rule["properties"]["category"] and rule["properties"]["severity"] in LEVEL
        explain = cli("explain", rule["id"]).stdout
        help_text = " ".join(rule["help"]["text"].split())
        for section in ("Why it matters:", "How to fix:"):
            if section in explain:
                body = explain.split(section, 1)[1].split("\n\n", 1)[0]
                assert " ".join(body.split()) in help_text, (rule["id"], section)
        assert f"--ignore {rule['id']}" in help_text
        assert rule["help"]["markdown"].startswith(rule["shortDescription"]["text"])
    severity = {r["id"]: r["defaultConfiguration"]["level"] for r in rules}
    assert severity["schedule.blackout"] == "error" and severity["schedule.past"] == "warning"


def test_uris_are_valid_references_for_odd_file_names(cli, write):
    draft = write("odd name,50%:x.txt", "---\nplatform: x\n---\n" + "word " * 70 + "\n")
    document = json.loads(cli("check", "--quiet", *CORE, "--format", "sarif", str(draft)).stdout)
    uri = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.endswith("/odd%20name%2C50%25%3Ax.txt")
    assert re.fullmatch(r"[A-Za-z0-9/._~%-]+", uri)
