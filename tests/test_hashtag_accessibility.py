"""hashtag.accessibility: lowercase tags of several words, read aloud as one word."""

from __future__ import annotations

import pytest

RULE = ("--offline", "--select", "hashtag.accessibility")


def found(run) -> list[tuple[str, list[str]]]:
    return [(f["match"], f["suggestions"]) for f in run.json["findings"]]


@pytest.mark.parametrize("lang, text, tag, camel", [
    ("en", "Autumn is back: try our #pumpkinspicelatte today", "#pumpkinspicelatte", "#PumpkinSpiceLatte"),
    ("en", "Read the stories behind #whyistayed", "#whyistayed", "#WhyIStayed"),
    ("en", "So cute! #puppyslaughter", "#puppyslaughter", "#PuppySlaughter"),
    ("es", "Buenos días y #felizviernes a todos", "#felizviernes", "#FelizViernes"),
])
def test_lowercase_tags_of_several_words_get_their_camel_case(check, write, lang, text, tag, camel):
    run = check(*RULE, "--lang", lang, str(write("p.txt", text + "\n")))
    [finding] = run.json["findings"]
    assert (finding["match"], finding["suggestions"]) == (tag, [camel])
    assert finding["severity"] == "info" and finding["category"] == "hashtag"
    assert "screen reader" in finding["message"]
    assert run.exit_code == 0


@pytest.mark.parametrize("lang, tag", [
    ("en", "#CoffeeTime"),       # already CamelCase
    ("en", "#coffee"),           # one word
    ("en", "#therapist"),        # one word, whatever else it could be cut into
    ("en", "#latte"),            # short
    ("en", "#2024goals"),        # digits: left alone
    ("en", "#gettngslizzerd"),   # a typo inside: spelling.hashtag's job, not a reading aid
    ("en", "#NYC"),
    ("nb", "#kaffetid"),         # a Norwegian compound is one word
])
def test_benign_tags_are_not_reported(check, write, lang, tag):
    assert found(check(*RULE, "--lang", lang, str(write("p.txt", f"Hello {tag}\n")))) == []


def test_the_brand_spelling_wins_and_an_approved_lowercase_tag_is_left_alone(check, write):
    write(".postlint.yaml", 'hashtags: {approved: ["#AcmeMornings", "#coffeelove"]}\n')
    path = write("p.txt", "Start the day #acmemornings #coffeelove\n")
    assert found(check(*RULE, "--lang", "en", str(path))) == [("#acmemornings", ["#AcmeMornings"])]
