"""Voice rules through the real CLI: personal-on-brand on a labelled corpus in four languages,
wrong-account, wrong-brand, mention, signed posts, and user cue files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

CORPUS = Path(__file__).parent / "data" / "voice" / "labelled.yaml"
POSTS = yaml.safe_load(CORPUS.read_text("utf-8"))["posts"]
CONFIG = """
brand:
  name: Acme Coffee
  accounts: ["@acmecoffee"]
  personal_accounts: ["@ryan_m"]
"""
SIGNED = CONFIG + "voice:\n  signed_posts: true\n"


HELDOUT = yaml.safe_load((CORPUS.parent / "heldout.yaml").read_text("utf-8"))["posts"]


def run_corpus(check, write, config: str, posts: list[dict] = POSTS) -> dict[int, list[dict]]:
    """Every corpus post as one row of a JSONL queue on the brand account -> findings by row."""
    write(".postlint.yaml", config)
    rows = [{"id": f"p{i}", "account": "@acmecoffee", "language": p["lang"], "message": p["text"]}
            for i, p in enumerate(posts)]
    queue = write("queue.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    result = check(str(queue), "--select", "voice.personal-on-brand")
    assert result.exit_code in (0, 1), result.stderr
    found: dict[int, list[dict]] = {}
    for finding in result.json["findings"]:
        found.setdefault(int(finding["post"].removeprefix("p")), []).append(finding)
    return found


def measure(found: dict[int, list[dict]], posts: list[dict] = POSTS) -> tuple[float, float, list[str]]:
    """(recall, false-positive rate, misclassified texts) of the corpus labels."""
    positives = [i for i, p in enumerate(posts) if p["personal"]]
    negatives = [i for i, p in enumerate(posts) if not p["personal"]]
    hits = [i for i in positives if i in found]
    false = [i for i in negatives if i in found]
    wrong = [f"missed: {posts[i]['text']}" for i in positives if i not in found]
    wrong += [f"false positive: {posts[i]['text']}" for i in false]
    return len(hits) / len(positives), len(false) / len(negatives), wrong


def test_corpus_recall_and_false_positive_rate(check, write):
    recall, fpr, wrong = measure(run_corpus(check, write, SIGNED))
    print(f"\nvoice.personal-on-brand: recall {recall:.0%}, false-positive rate {fpr:.0%}")
    print("\n".join(wrong))
    assert recall >= 0.9, wrong
    assert fpr <= 0.05, wrong


HELDOUT2 = yaml.safe_load((CORPUS.parent / "heldout2.yaml").read_text("utf-8"))["posts"]


def test_second_heldout_set_written_blind(check, write):
    """Written by someone who never saw the cues (history in the file's header): short,
    varied personal messages are the hard case; guard the floor, print the truth."""
    recall, fpr, wrong = measure(run_corpus(check, write, SIGNED, HELDOUT2), HELDOUT2)
    print(f"\nheld out 2: recall {recall:.0%}, false-positive rate {fpr:.0%}")
    print("\n".join(wrong))
    assert recall >= 0.5 and fpr <= 0.05, wrong


def test_heldout_recall_and_false_positive_rate(check, write):
    """Posts never used for tuning: the rule favours precision (a critical finding on a
    brand account must be right), so recall is lower here; guard a floor, print the truth."""
    recall, fpr, wrong = measure(run_corpus(check, write, SIGNED, HELDOUT), HELDOUT)
    print(f"\nheld out: recall {recall:.0%}, false-positive rate {fpr:.0%}")
    print("\n".join(wrong))
    assert recall >= 0.5 and fpr <= 0.1, wrong


@pytest.mark.parametrize("lang", ["en", "es", "pl", "nb"])
def test_every_language_has_hits_and_quiet_look_alikes(check, write, lang):
    found = run_corpus(check, write, SIGNED)
    mine = [i for i, p in enumerate(POSTS) if p["lang"] == lang]
    assert any(i in found for i in mine if POSTS[i]["personal"])
    assert not any(i in found for i in mine if not POSTS[i]["personal"])


def test_findings_name_the_cues_and_are_critical_on_the_brand_account(check, write):
    found = run_corpus(check, write, SIGNED)
    red_cross = found[0][0]
    assert red_cross["severity"] == "critical"
    assert '"when we drink"' in red_cross["message"] and "score" in red_cross["message"]


def test_signed_first_person_posts_are_silenced_only_by_config(check, write):
    signed = [i for i, p in enumerate(POSTS) if p.get("signed")]
    assert any(i in run_corpus(check, write, CONFIG) for i in signed)
    assert not any(i in run_corpus(check, write, SIGNED) for i in signed)


def test_signatures_from_config(check, write):
    write(".postlint.yaml", SIGNED + '  signatures: ["Maria"]\n')
    post = write("a.txt", "---\naccount: '@acmecoffee'\nlanguage: en\n---\nHi, I'm Maria! My pick today is the flat white, ask me why.\n")
    assert check(str(post), "--select", "voice").rules == []
    write(".postlint.yaml", SIGNED + '  signatures: ["Tom"]\n')
    assert check(str(post), "--select", "voice").rules == ["voice.personal-on-brand"]


def test_unknown_account_is_a_warning_and_personal_account_is_quiet(check, write):
    write(".postlint.yaml", CONFIG)
    text = "Worst hangover ever, I'm never drinking tequila again\n"
    unknown = write("u.txt", "---\nlanguage: en\n---\n" + text)
    personal = write("p.txt", "---\naccount: '@ryan_m'\nlanguage: en\n---\n" + text)
    [finding] = check(str(unknown), "--select", "voice.personal-on-brand").json["findings"]
    assert finding["severity"] == "warning"
    assert check(str(personal), "--select", "voice.personal-on-brand").rules == []


def test_user_cue_file_extends_the_builtin_cues(check, write, tmp_path):
    write(".postlint.yaml", CONFIG)
    post = write("a.txt", "---\naccount: '@acmecoffee'\nlanguage: en\n---\nSkiving off early, the gaffer is away.\n")
    assert check(str(post), "--select", "voice").rules == []
    write("mycues/cues.yaml", """
        kind: voice-cues
        cues:
          en:
            - {group: work, weight: 3, phrase: "skiving off"}
        """)
    result = check(str(post), "--select", "voice", "--rules", str(tmp_path / "mycues"))
    assert result.rules == ["voice.personal-on-brand"]
    assert '"skiving off"' in result.json["findings"][0]["message"]


def test_bad_cue_file_is_a_clear_error(check, write, tmp_path):
    write(".postlint.yaml", CONFIG)
    post = write("a.txt", "---\nlanguage: en\n---\nHello\n")
    write("bad/cues.yaml", "kind: voice-cues\ncues:\n  en:\n    - {phrase: x}\n")
    result = check(str(post), "--select", "voice", "--rules", str(tmp_path / "bad"))
    assert result.exit_code == 2
    assert "cues.yaml:4" in result.stderr and "weight" in result.stderr


# --- wrong-account ------------------------------------------------------------------------

QUEUE = """account,message
@acmecoffee,Our new blend is out!
@ryan_m,Our new blend is out!
@AcmeCoffee,Capitalised handle is the same account.
@acme_typo,Our new blend is out!
,No account given.
"""


def test_wrong_account(check, write):
    write(".postlint.yaml", CONFIG)
    queue = write("q.csv", QUEUE)
    findings = check(str(queue), "--select", "voice.wrong-account").json["findings"]
    assert {f["post"]: f["match"] for f in findings} == {"q#2": "@ryan_m", "q#4": "@acme_typo"}
    assert "personal account" in [f for f in findings if f["post"] == "q#2"][0]["message"]
    assert all(f["line"] > 1 for f in findings)


def test_wrong_account_needs_listed_accounts(check, write):
    write(".postlint.yaml", "brand: {name: Acme}\n")
    queue = write("q.csv", QUEUE)
    assert check(str(queue), "--select", "voice.wrong-account").rules == []


# --- wrong-brand --------------------------------------------------------------------------

AGENCY = """
brand:
  name: Acme Coffee
  accounts: ["@acmecoffee"]
hashtags:
  approved: ["#AcmeMornings"]
brands:
  - name: Nordic Bikes
    aliases: [NordicBikes]
    accounts: ["@nordicbikes"]
    hashtags: ["#RideNordic"]
"""


@pytest.mark.parametrize("text, match", [
    ("Start your day with Nordic Bikes and a flat white!", "Nordic Bikes"),
    ("Autumn is here #RideNordic", "#RideNordic"),
    ("Thanks @NordicBikes for the visit!", "@NordicBikes"),
    ("Pedal to the café: nordicbikes has a deal.", "nordicbikes"),
])
def test_wrong_brand_on_acme_account(check, write, text, match):
    write(".postlint.yaml", AGENCY)
    post = write("a.txt", f"---\naccount: '@acmecoffee'\nlanguage: en\n---\n{text}\n")
    findings = check(str(post), "--select", "voice.wrong-brand").json["findings"]
    assert [f["match"] for f in findings] == [match]
    assert "Acme Coffee" in findings[0]["message"] and "Nordic Bikes" in findings[0]["message"]


@pytest.mark.parametrize("account, text", [
    ("@acmecoffee", "Good morning from Acme Coffee #AcmeMornings"),   # its own brand
    ("@nordicbikes", "Ride to work and grab a coffee #RideNordic"),  # B on B's own account
    ("@acmecoffee", "Nordics love their coffee."),                    # not the brand name
])
def test_wrong_brand_quiet_on_own_brand(check, write, account, text):
    write(".postlint.yaml", AGENCY)
    post = write("a.txt", f"---\naccount: '{account}'\n---\n{text}\n")
    assert check(str(post), "--select", "voice.wrong-brand").rules == []


def test_wrong_brand_reports_acme_on_nordic_account(check, write):
    write(".postlint.yaml", AGENCY)
    post = write("a.txt", "---\naccount: '@nordicbikes'\n---\nTry Acme Coffee #AcmeMornings\n")
    matches = [f["match"] for f in check(str(post), "--select", "voice.wrong-brand").json["findings"]]
    assert matches == ["Acme Coffee", "#AcmeMornings"]


# --- mention ------------------------------------------------------------------------------


def test_never_tag(check, write):
    write(".postlint.yaml", CONFIG + "voice:\n  never_tag: ['@rivalbeans', 'ryan_m']\n")
    post = write("a.txt", "Thanks @RivalBeans and @ryan_m! Say hi to @jane and @rivalbeansfan.\n")
    findings = check(str(post), "--select", "voice.mention").json["findings"]
    assert [f["match"] for f in findings] == ["@RivalBeans", "@ryan_m"]
    assert findings[0]["line"] == 1 and findings[0]["column"] == 8


def test_bad_voice_config_names_the_key(check, write):
    write(".postlint.yaml", CONFIG + "voice:\n  never_tags: ['@x']\n")
    post = write("a.txt", "Hello\n")
    result = check(str(post))
    assert result.exit_code == 2 and "never_tag" in result.stderr
