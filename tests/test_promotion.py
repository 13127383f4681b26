"""postlint.promotion: promotional cues in four languages, benign look-alikes, user data."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from postlint.config import DEFAULT
from postlint.engine import Context, Options
from postlint.errors import UsageError
from postlint.promotion import promo_cues

CORPUS = Path(__file__).parent / "data" / "promotion" / "labelled.yaml"
POSTS = yaml.safe_load(CORPUS.read_text("utf-8"))["posts"]


def ctx_with(*rule_dirs: Path) -> Context:
    return Context(DEFAULT, Options(rule_dirs=tuple(str(d) for d in rule_dirs)))


@pytest.mark.parametrize("post", POSTS, ids=[f"{p['lang']}-{i}" for i, p in enumerate(POSTS)])
def test_labelled_corpus(post):
    cues = promo_cues(post["text"], post["lang"], ctx_with())
    assert bool(cues) == post["promo"], cues


def test_corpus_covers_every_language_both_ways():
    for lang in ("en", "es", "pl", "nb"):
        assert {p["promo"] for p in POSTS if p["lang"] == lang} == {True, False}


def test_spans_point_at_the_cue_text():
    text = "Big news! Use code HOPE20 for 20% off."
    spans = promo_cues(text, "en", None)
    assert [text[s:e] for s, e, _ in spans] == ["code HOPE20", "20% off"]
    assert spans[0][2] == "discount code"


def test_english_cues_apply_to_other_languages():
    assert promo_cues("Nowa kolekcja już jest. Shop now!", "pl", None)
    assert not promo_cues("Nowa kolekcja już jest.", "pl", None)


def test_language_variants_are_normalised():
    assert promo_cues("Gratis frakt hele uka", "nb-NO", None)
    assert promo_cues("Gratis frakt hele uka", "no", None)


def test_user_cues_extend_the_builtin_ones(tmp_path):
    (tmp_path / "mine.yaml").write_text(
        "kind: promotion\ncues:\n  en:\n    - {phrase: 'happy hour', label: 'happy hour'}\n", "utf-8")
    text = "Happy hour from 5pm at the bar."
    assert not promo_cues(text, "en", ctx_with())
    assert promo_cues(text, "en", ctx_with(tmp_path)) == [(0, 10, "happy hour")]


def test_bad_user_pattern_names_file_and_line(tmp_path):
    (tmp_path / "bad.yaml").write_text(
        "kind: promotion\ncues:\n  en:\n    - {phrase: ok}\n    - {pattern: '(unclosed'}\n", "utf-8")
    with pytest.raises(UsageError) as err:
        promo_cues("anything", "en", ctx_with(tmp_path))
    assert "bad.yaml" in str(err.value) and ":5" in str(err.value)


def test_cue_needs_phrase_or_pattern(tmp_path):
    (tmp_path / "bad.yaml").write_text("kind: promotion\ncues:\n  es:\n    - {label: x}\n", "utf-8")
    with pytest.raises(UsageError, match="exactly one of"):
        promo_cues("anything", "es", ctx_with(tmp_path))


def test_literal_screen_picks_exactly_the_cues_that_can_match():
    """Cues run only when their literal word is in the post. A cue the screen drops must
    find nothing: checked by running every cue's regex on the labelled posts in every
    language, upper-cased and with odd whitespace too."""
    from postlint.promotion import _cues

    ctx = ctx_with()
    texts = [p["text"] for p in POSTS] + ["SHOP\u00a0NOW", "50%\toff", "KJØP\u2003NÅ", "¡COMPRA YA!", ""]
    texts += [t.upper() for t in texts]
    ran = 0
    for code in ("en", "es", "pl", "nb"):
        cues = _cues(code, ctx)
        for text in texts:
            kept = cues.candidates(text)
            for cue in cues.cues:
                if cue not in kept:
                    assert cue.compiled.search(text) is None, (code, text, cue.source)
            ran += sum(cue.compiled.search(text) is not None for cue in kept)
    assert ran > 200  # cues that were kept did match
    # the voice cues use the same screen
    from postlint.ruletypes.voice import _cues as voice_cues

    voice_posts = yaml.safe_load((CORPUS.parent.parent / "voice" / "labelled.yaml").read_text("utf-8"))["posts"]
    voice_texts = [p["text"] for p in voice_posts] + [p["text"].upper() for p in voice_posts]
    fired = 0
    for code in ("en", "es", "pl", "nb"):
        cues, screen = voice_cues(code, ctx)
        for text in voice_texts:
            kept = set(screen.candidates(text))
            for i, cue in enumerate(cues):
                found = cue.compiled.search(text) is not None
                assert i in kept or not found, (code, text, cue.label)
                fired += found
    assert fired > 100
