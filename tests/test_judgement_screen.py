"""The judgement's screen (`postlint.judgement.screen`): a phrase of common words needs two
of its words before a post is tokenised, and the screen never hides a predicate.

Real vocabularies (rules/judgement/*.yaml), real spaCy tokenisation, real lemma tables."""

from __future__ import annotations

import re

import pytest

from postlint import judgement
from postlint.config import DEFAULT
from postlint.engine import Context, Options
from postlint.judgement.vocab import vocab_of
from postlint.model import Post

LANGS = ("en", "es", "pl", "nb")


@pytest.fixture(scope="module")
def ctx() -> Context:
    return Context(DEFAULT, Options())


def _screened(text: str, lang: str, ctx: Context) -> bool:
    return judgement._screened(text, judgement._language(lang, ctx))[0]


@pytest.mark.parametrize("lang, text", [
    ("en", "Only today: use code FALL10 at checkout and come back for more."),
    ("es", "Las personas mayores no pagan entrada los martes."),
    ("pl", "Tylko dziś: wolne miejsca przy oknie."),
    ("nb", "Feil i bestillingen? Send oss en melding, så ordner vi det."),
    ("nb", "Kom innom, vi får nye varer hver uke."),
])
def test_common_words_of_a_phrase_alone_are_not_analysed(lang, text, ctx):
    """"only" (only good for), "tylko" (tylko do rodzenia), "feil" (din egen feil) are the
    rarest words of their phrases and still common: one of them is no reason to tokenise."""
    assert not _screened(text, lang, ctx)
    assert judgement._analyse(Post("t", "1", text, language=lang), ctx) is None


@pytest.mark.parametrize("lang, text", [
    ("en", "Women are only good for cooking."),
    ("es", "Las mujeres solo sirven para fregar."),
    ("pl", "Kobiety nadają się tylko do rodzenia."),
    ("nb", "Det er din egen feil."),
])
def test_a_phrase_with_its_words_is_analysed(lang, text, ctx):
    assert _screened(text, lang, ctx)
    assert judgement._analyse(Post("t", "1", text, language=lang), ctx) is not None


def _written(entry: str) -> str:
    """An entry as a post would write it: `*` is any word, `stem*` a word with an ending."""
    return " ".join("things" if w == "*" else w[:-1] + "ed" if w.endswith("*") else w
                    for w in entry.split())


@pytest.mark.parametrize("lang", LANGS)
def test_screen_lets_every_predicate_entry_through(lang, ctx):
    """Every predicate entry of the language (and the English ones mixed into every
    language), written out, alone and between other words, is screened in whenever the
    unscreened analysis finds a predicate in it: the pairs never hide one."""
    files = judgement._files(ctx)[1]
    classes = vocab_of(files, lang).classes
    english = vocab_of(files, "en").classes
    entries = {e for name, items in classes.items() if name.startswith("predicate.") for e in items}
    entries |= {e for name in judgement.MIXED_IN for e in english.get(name, [])}
    built = judgement._language(lang, ctx)
    checked = 0
    for entry in sorted(entries):
        for text in (_written(entry), f"Well, {_written(entry)}, they said."):
            if not re.search(r"\w", text):
                continue
            post = Post("t", "1", text, language=lang)
            if judgement._analyse(post, ctx, screened=False) is None:
                continue
            assert judgement._analyse(post, ctx) is not None, text
            predicate, disguised = judgement._screened(text, built)
            assert predicate or disguised, text
            checked += not disguised  # the screen itself let it through
    assert checked > 300  # not vacuous
