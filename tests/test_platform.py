"""Platform limits, counted the way each platform counts."""

from __future__ import annotations

import pytest

from postlint.ruletypes.platform import weighed_length

X = {"unit": "weighted", "url_length": 23, "default_weight": 2, "emoji_weight": 2,
     "light_ranges": [[0, 4351], [8192, 8205], [8208, 8223], [8242, 8247]]}


@pytest.mark.parametrize("text, expected", [
    ("hello", 5),
    ("see https://example.com/a/very/long/path/that/goes/on/and/on?x=1 now", 4 + 23 + 4),
    ("coffee ☕", 7 + 2),
    ("👍🏽", 2),  # an emoji with a skin tone is one emoji
    ("👨‍👩‍👧", 2),  # a ZWJ family is one emoji
    ("日本語", 6),  # CJK weighs 2
    ("café", 4),
])
def test_x_weighted_length(text, expected):
    assert weighed_length(text, X, 280)[0] == expected


@pytest.mark.parametrize("method", [X, {"unit": "graphemes"}, {"unit": "characters", "url_length": 23},
                                    {"unit": "weighted", "default_weight": 3, "light_ranges": []}])
def test_quick_count_agrees_with_the_grapheme_walk(method):
    """Posts within the limit are counted per code point, without walking graphemes: the
    total must be what the walk gives, for every script, mark, emoji and URL mix."""
    import random

    from postlint import textspans
    from postlint.ruletypes.platform import _quick_total, _walk

    pieces = ["abc", "ąęł", "ñé", "日本", "—", "‘’", "e\u0301", "👍🏽", "👨‍👩‍👧", " ",
              "https://x.com/a ", "\u2010", "\u2020", "€"]
    rng = random.Random(7)
    quick = 0
    for _ in range(600):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        spans = list(textspans.urls(text)) if method.get("url_length") else []
        total = _quick_total(text, spans, method["unit"], method)
        walked = _walk(text, spans, method["unit"], method, 10**9)[0]
        if total is not None:
            quick += 1
            assert total == walked, text
        for limit in (0, 20, 60):
            assert weighed_length(text, method, limit) == _walk(text, spans, method["unit"], method, limit)
    assert quick > 20  # the quick path is taken, not only the walk


def test_bluesky_counts_graphemes():
    assert weighed_length("👨‍👩‍👧 e\u0301", {"unit": "graphemes"}, 300)[0] == 3


def test_limit_exact_is_fine_one_more_is_not(write, core):
    ok = write("ok.txt", "---\nplatform: x\n---\n" + "a" * 280 + "\n")
    bad = write("bad.txt", "---\nplatform: x\n---\n" + "a" * 281 + "\n")
    assert core(str(ok)).json["findings"] == []
    [finding] = core(str(bad)).json["findings"]
    assert finding["message"].startswith("Too long for x: 281 characters where the limit is 280")
    assert (finding["line"], finding["column"], finding["end_column"]) == (4, 281, 282)


def test_url_counts_23_on_x(write, core):
    url = "https://example.com/" + "p" * 200
    post = write("u.txt", "---\nplatform: x\n---\n" + "a" * 250 + " " + url + "\n")
    assert core(str(post)).json["findings"] == []  # 250 + 1 + 23 = 274


def test_no_platform_no_length_finding(write, core):
    assert core(str(write("n.txt", "a" * 5000))).json["findings"] == []


def test_instagram_hashtags_and_mentions(write, core):
    tags = " ".join(f"#tag{i}x" for i in range(31))
    mentions = " ".join(f"@user{i}" for i in range(21))
    post = write("i.txt", f"---\nplatform: instagram\n---\n{tags}\n{mentions}\n")
    found = {f["rule"]: f for f in core(str(post)).json["findings"]}
    assert found["platform.too-many-hashtags"]["match"].startswith("#tag30x")
    assert "31 hashtags where instagram allows 30" in found["platform.too-many-hashtags"]["message"]
    assert found["platform.too-many-mentions"]["line"] == 5


def test_not_hashtags_or_mentions(write, core):
    text = "Call #1 now, email hi@acme.com, see https://acme.com/#menu and &#39; " + " ".join(
        f"#t{i}x" for i in range(30))
    post = write("i.txt", f"---\nplatform: instagram\n---\n{text}\n")
    assert core(str(post)).json["findings"] == []
