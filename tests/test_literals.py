"""postlint.literals: the substring screen in front of cue regexes must never hide a match."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from postlint.config import DEFAULT
from postlint.engine import Context, Options
from postlint.literals import LiteralScreen, pattern_literals, phrase_literals
from postlint.promotion import _table
from postlint.ruletypes.voice import compile_cues

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("pattern, expected", [
    (r"(?i)\b(?:being|getting|got)\s+fired\b(?!\s+up)", ("fired",)),  # the run after a group
    (r"\bHR\b", ("hr",)),  # case-folded: the text is folded too
    (r"(?i)(?<!\w)(?:kac(?:a|em)?|skacowan\w*)(?!\w)", ("kac", "skacowan")),  # one per branch
    (r"(?i)\brunning\s+(?:\d+\s*min\s+)?late\b", ("running",)),  # an optional part needs nothing
    (r"(?i)\b(?:hi|hello)+\s+team", ("team",)),
])
def test_literals_read_off_patterns(pattern, expected):
    assert pattern_literals(pattern) == expected


@pytest.mark.parametrize("pattern", [
    r"a|bc",          # a branch of one character: every text has one
    r"(abc)*x",       # nothing required of two characters or more
    r"(?:hello){e<=1}",  # fuzzy matching (regex module): "helo" matches without "hello"
    r"\p{L}+ab",      # a regex-module property
    r"(?b)colou?r",   # a regex-module flag
    r"[[:alpha:]]+ing",  # a POSIX class, which `re` reads as a set and a "]"
    r"(unclosed",     # not a pattern at all
])
def test_no_literals_when_the_parser_cannot_vouch(pattern):
    assert pattern_literals(pattern) is None


def test_phrase_needs_its_longest_word():
    assert phrase_literals("need a new job*") == ("need",)
    assert phrase_literals("Muerto de SUEÑO") == ("muerto",)


def _texts() -> list[str]:
    """Every text of the repository's labelled test data: thousands of real-looking posts."""
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, str) and len(node) > 12:
            found.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted(DATA.rglob("*.yaml")):
        walk(yaml.safe_load(path.read_text("utf-8")))
    return found


def test_screen_never_hides_a_match_of_a_builtin_cue():
    """For every built-in promotion and voice cue and every labelled text: the regex matches
    only if the screen lets it run."""
    ctx = Context(DEFAULT, Options())
    cues = [c for table in (_table(ctx), compile_cues(ctx.data("voice-cues"))) for lang in table
            for c in table[lang]]
    assert sum(c.literal is not None for c in cues) > 0.9 * len(cues)
    texts = _texts()
    assert len(texts) > 2000
    screen = LiteralScreen([c.literal for c in cues])
    checked = 0
    for text in texts:
        allowed = set(screen.candidates(text))
        for i, cue in enumerate(cues):
            if cue.compiled.search(text):
                checked += 1
                assert i in allowed, (cue.compiled.pattern, cue.literal, text)
    assert checked > 500
