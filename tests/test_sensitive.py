"""Sensitive topics and profanity through the real CLI, on labelled data files.

The data files under tests/data/sensitive and tests/data/profanity are real postlint queue
files (YAML, `posts:`), each post labelled with the rules that must fire (`expect`) or with
none (clean brand posts and benign look-alikes). Every post is checked by one CLI run per file,
so the whole corpus costs a few seconds.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from postlint.cli import main

DATA = Path(__file__).parent / "data"
FILES = [DATA / "sensitive" / "positives.yaml", DATA / "profanity" / "positives.yaml",
         DATA / "sensitive" / "benign.yaml", DATA / "profanity" / "benign.yaml",
         DATA / "sensitive" / "heldout.yaml", DATA / "sensitive" / "heldout2.yaml"]
# heldout*: written after the lexicons; their first run is quoted in the README before any fix
LANGS = ("en", "es", "pl", "nb")
TOPIC_RULES = ("religion", "politics", "violence", "sexual", "tragedy", "substances",
               "discrimination")
PROFANITY_RULES = ("swearing", "slur", "masked", "hostility")
SELECT = ("--select", "sensitive", "--select", "profanity")


def posts(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text("utf-8"))["posts"]


@lru_cache(maxsize=None)
def findings_by_post(path: Path) -> dict[str, list[dict]]:
    """One real `postlint check` run over a labelled file: {post id: [finding, ...]}."""
    import json

    result = CliRunner().invoke(
        main, ["check", "--format", "json", "--quiet", "--offline", *SELECT, str(path)])
    assert result.exit_code in (0, 1), result.output
    by_post: dict[str, list[dict]] = {}
    for finding in json.loads(result.stdout)["findings"]:
        by_post.setdefault(finding["post"], []).append(finding)
    return by_post


def labelled(positive: bool) -> list[tuple[Path, dict]]:
    """(file, post) for every labelled post that expects findings (or expects none)."""
    return [(path, p) for path in FILES for p in posts(path) if bool(p.get("expect")) == positive]


def _cases(positive: bool) -> list:
    return [pytest.param(path, post, id=post["id"]) for path, post in labelled(positive)]


@pytest.mark.parametrize("path, post", _cases(True))
def test_positive_is_reported(path, post):
    found = findings_by_post(path).get(post["id"], [])
    assert set(post["expect"]) <= {f["rule"] for f in found}, (post["message"], found)


@pytest.mark.parametrize("path, post", _cases(False))
def test_clean_post_is_silent(path, post):
    found = findings_by_post(path).get(post["id"], [])
    assert found == [], (post["message"], [(f["rule"], f["match"]) for f in found])


def test_corpus_covers_every_rule_in_every_language():
    """Per language and per topic: positives exist for each rule and look-alikes exist."""
    positives = [p for _, p in labelled(True)]
    for lang in LANGS:
        rules = {r for p in positives if p["language"] == lang for r in p["expect"]}
        wanted = {f"sensitive.{t}" for t in TOPIC_RULES} | {"sensitive.tragedy-promotion"} | {
            f"profanity.{r}" for r in PROFANITY_RULES}
        assert wanted <= rules, (lang, wanted - rules)
        lookalikes = [p for _, p in labelled(False) if p["language"] == lang and p.get("lookalike")]
        assert len(lookalikes) >= 5, lang


def test_corpus_size_recall_and_false_positive_rate():
    """The issue's bar: >= 150 positives and >= 150 clean posts; recall >= 0.9, FP <= 0.03."""
    positives, clean = labelled(True), labelled(False)
    assert len(positives) >= 150 and len(clean) >= 150
    hits = sum(set(p["expect"]) <= {f["rule"] for f in findings_by_post(path).get(p["id"], [])}
               for path, p in positives)
    false_alarms = sum(bool(findings_by_post(path).get(p["id"])) for path, p in clean)
    assert hits / len(positives) >= 0.9
    assert false_alarms / len(clean) <= 0.03


# --- behaviour on single drafts ------------------------------------------------------------


def test_finding_has_topic_exact_span_and_plain_message(check, write):
    draft = write("condolence.md", """\
        ---
        language: en
        ---
        Our thoughts are with Uvalde.
        We are heartbroken by the school shooting.
        """)
    r = check(*SELECT, str(draft))
    assert r.exit_code == 0, r.stderr  # warnings only: below the default --fail-on error
    found = {f["rule"]: f for f in r.json["findings"]}
    shooting = found["sensitive.violence"]
    column = "We are heartbroken by the school shooting.".index("school shooting") + 1
    assert (shooting["line"], shooting["column"]) == (5, column)
    assert (shooting["end_line"], shooting["end_column"]) == (5, column + len("school shooting"))
    assert shooting["match"] == "school shooting"
    assert shooting["topic"] == "violence" and shooting["severity"] == "warning"
    assert "brand" in shooting["message"] and "school shooting" in shooting["message"]
    assert found["sensitive.tragedy"]["match"] == "Uvalde"
    assert found["sensitive.tragedy"]["topic"] == "tragedy"


def test_condolence_is_a_warning_and_the_same_tragedy_selling_is_critical(check, write):
    condolence = write("a.txt", "Our hearts are with the victims of the earthquake.\n")
    selling = write("b.txt", "For the victims of the earthquake: 20% off with code HOPE today!\n")
    r = check("--lang", "en", *SELECT, str(condolence), str(selling)) if _has_lang_option() \
        else check(*SELECT, str(condolence), str(selling))
    by_file = {}
    for f in r.json["findings"]:
        by_file.setdefault(Path(f["path"]).name, set()).add((f["rule"], f["severity"]))
    assert ("sensitive.tragedy-promotion", "critical") not in by_file["a.txt"]
    assert ("sensitive.tragedy", "warning") in by_file["a.txt"]
    assert ("sensitive.tragedy-promotion", "critical") in by_file["b.txt"]
    assert r.exit_code == 1  # critical is above the default --fail-on error
    first = r.json["findings"][0]
    assert first["rule"] == "sensitive.tragedy-promotion" and "sell" in first["message"]


def _has_lang_option() -> bool:
    from postlint.cli import main as cli_main

    command = cli_main.commands["check"]
    return any("--lang" in p.opts for p in command.params)


@pytest.mark.parametrize("lang, text, match", [
    ("es", "Los tiroteos de ayer nos han dejado sin palabras.", "tiroteos"),
    ("pl", "Strzelaniny w szkołach muszą się skończyć.", "Strzelaniny"),
    ("pl", "Po strzelaninie w centrum zamykamy sklep.", "strzelaninie"),
    ("nb", "Skytingen i natt har rystet oss.", "Skytingen"),
])
def test_inflected_forms_match(check, write, lang, text, match):
    draft = write("p.md", f"---\nlanguage: {lang}\n---\n{text}\n")
    r = check("--select", "sensitive.violence", str(draft))
    assert [f["match"] for f in r.json["findings"]] == [match]


def test_english_terms_apply_in_other_languages_but_local_words_can_veto(check, write):
    mixed = write("mixed.md",
                  "---\nlanguage: es\n---\nNuestro equipo está bien tras el mass shooting.\n")
    norwegian = write("fag.md", "---\nlanguage: nb\n---\nNytt fag: kaffebrenning.\n")
    english = write("fag-en.md", "---\nlanguage: en\n---\nWhat a fag.\n")
    r = check(*SELECT, str(mixed), str(norwegian), str(english))
    got = {(Path(f["path"]).name, f["rule"]) for f in r.json["findings"]}
    assert ("mixed.md", "sensitive.violence") in got
    assert ("fag-en.md", "profanity.slur") in got
    assert not any(name == "fag.md" for name, _ in got)


def test_hashtags_name_disasters(check, write):
    draft = write("h.md", "---\nlanguage: en\n---\nStay strong #SandyHook #PrayForParis #Sandy\n")
    r = check("--select", "sensitive.tragedy", str(draft))
    assert [f["match"] for f in r.json["findings"]] == ["#SandyHook", "#PrayForParis", "#Sandy"]


def test_case_sensitive_names_do_not_match_common_words(check, write):
    party = write("pis.md", "---\nlanguage: pl\n---\nPiS przegrał w sondażu.\n")
    pee = write("pis-es.md", "---\nlanguage: es\n---\nEl perro hizo pis en la alfombra.\n")
    right = write("hoyre.md", "---\nlanguage: nb\n---\nHenting av varer: til høyre ved kassa.\n")
    r = check("--select", "sensitive.politics", str(party), str(pee), str(right))
    assert {Path(f["path"]).name for f in r.json["findings"]} == {"pis.md"}


def test_masked_profanity_and_innocent_symbols(check, write):
    draft = write("m.md", "---\nlanguage: en\n---\n"
                          "What the f*ck. Sh!t happens. Galaxy A55 and @ssense, 50%* off.\n")
    r = check("--select", "profanity", str(draft))
    assert [(f["rule"], f["match"]) for f in r.json["findings"]] == [
        ("profanity.masked", "f*ck"), ("profanity.masked", "Sh!t")]
    assert r.exit_code == 1  # profanity is an error


def test_slur_is_critical_and_swearing_is_an_error(check, write):
    draft = write("s.md", "---\nlanguage: en\n---\nShit, what a retard.\n")
    r = check("--select", "profanity", str(draft))
    assert {(f["rule"], f["severity"]) for f in r.json["findings"]} == {
        ("profanity.swearing", "error"), ("profanity.slur", "critical")}


def test_explain_gives_the_rationale_for_each_topic(cli):
    for topic in TOPIC_RULES:
        r = cli("explain", f"sensitive.{topic}")
        assert r.exit_code == 0, r.stderr
        assert "brand" in r.stdout.lower() or "platform" in r.stdout.lower(), topic


# --- user rules: new words and topics in YAML, no Python ------------------------------------


USER_RULE = """\
    rules:
      - id: sensitive.acme-competitors
        type: lexicon
        category: sensitive
        topic: politics
        severity: warning
        summary: Mentions a competitor's labour dispute.
        message: "Mentions “{match}”; we do not comment on other companies' strikes."
        terms:
          en: [picket line*, BeanCorp strike]
          pl: [pikiet*]
        unless:
          en: [picket line dance]
    """


def test_user_rules_dir_adds_a_topic_without_python(check, write, tmp_path):
    write("myrules/acme.yaml", USER_RULE)
    draft = write("d.md", "---\nlanguage: en\n---\n"
                          "No picket lines here. Join our picket line dance class!\n")
    draft_pl = write("e.md", "---\nlanguage: pl\n---\nPikieta pod biurem? U nas kawa.\n")
    r = check("--rules", str(tmp_path / "myrules"), "--select", "sensitive.acme-competitors",
              str(draft), str(draft_pl))
    assert r.exit_code == 0, r.stderr
    assert [(Path(f["path"]).name, f["match"], f["topic"]) for f in r.json["findings"]] == [
        ("d.md", "picket lines", "politics"), ("e.md", "Pikieta", "politics")]


@pytest.mark.parametrize("body, complaint", [
    ("terms: {en: [ab*]}", "stem needs at least 3"),
    ("terms: {english: [war]}", "not a language code"),
    ("terms: {no: [krig]}", "write `nb:`"),
    ("terms: {en: ['* war']}", "starts with `*`"),
    ("terms: {en: [war, yes]}", "must be a string"),
    ("words: {en: [war]}", "unknown key"),
    ("topic: sports\n            terms: {en: [war]}", "topic must be one of religion"),
])
def test_bad_user_lexicon_fails_with_file_and_line(cli, write, tmp_path, body, complaint):
    write("bad/r.yaml", f"""\
        rules:
          - id: x.y
            type: lexicon
            category: sensitive
            severity: warning
            summary: s
            message: m
            {body}
        """)
    draft = write("d.txt", "hello\n")
    r = cli("check", "--quiet", "--rules", str(tmp_path / "bad"), str(draft))
    assert r.exit_code == 2
    assert "r.yaml:" in r.stderr and complaint in r.stderr
    assert "Traceback" not in r.stderr


def test_also_empty_turns_off_english_terms_in_other_languages(check, write, tmp_path):
    write("only-own/r.yaml", """\
        rules:
          - id: sensitive.own-language-only
            type: lexicon
            category: sensitive
            topic: violence
            severity: warning
            summary: s
            message: "Mentions {match}."
            also: []
            terms:
              en: [ambush]
              es: [emboscada]
        """)
    es_post = write("es.md", "---\nlanguage: es\n---\nUna emboscada de sabor, not an ambush.\n")
    en_post = write("en.md", "---\nlanguage: en\n---\nNot an ambush.\n")
    r = check("--rules", str(tmp_path / "only-own"), "--select", "sensitive.own-language-only",
              str(es_post), str(en_post))
    assert sorted((Path(f["path"]).name, f["match"]) for f in r.json["findings"]) == [
        ("en.md", "ambush"), ("es.md", "emboscada")]


def test_chunk_screen_answers_exactly_like_searching_the_whole_text():
    """The lexicon screens are asked per whitespace-separated chunk and memoised (speed);
    that is only sound if no screen or masked pattern can match across whitespace. Checked
    for every built-in lexicon rule and language on every labelled post plus edge cases."""
    from postlint.config import DEFAULT
    from postlint.engine import Context, Options
    from postlint.rules import configure, load_rules
    from postlint.ruletypes.lexicon import _build, _screens

    ctx = Context(DEFAULT, Options())
    rules = [r for r in configure(load_rules([]), DEFAULT, (), ()) if r.type == "lexicon"]
    screens = _screens(ctx)
    for rule in rules:
        kind = "masked" if rule.options.get("match") == "masked" else "screen"
        for lang in rule.options["terms"]:
            built = _build(rule, kind, lang)
            if built is not None:
                screens.add((rule.id, kind, lang), built.regex if kind == "masked" else built)
    assert len(screens.patterns) >= 40
    texts = [p.get("text") or p["message"] for path in FILES for p in posts(path)] + [
        "one-night stand", "f*ck\u00a0this", "#Sandy\u2003Hook", "sh!t.\nNext", "a\tb #RIP",
        "k*rwa mać", "(idiots)", "tosk!", "\u3000kill\u3000", ""]
    assert len(texts) > 500
    for text in texts:
        expected = {key for key, pattern in screens.patterns.items() if pattern.search(text)}
        assert screens.hits(text) == expected, text


def test_screens_never_hide_a_match_in_any_post_language(monkeypatch):
    """Screens are built from each entry's rarest word in exactly the forms the lemma tables
    lead to it (killed, kills -> kill; mató -> matar), so most posts are never tokenised.
    Checked against matching without any screen, for every lexicon rule, on the labelled posts
    and on every entry written in each inflected form of its words, in each post language."""
    from postlint import language
    from postlint.config import DEFAULT
    from postlint.engine import Context, Options
    from postlint.model import Post
    from postlint.rules import configure, load_rules
    from postlint.ruletypes import lexicon

    rules = [r for r in configure(load_rules([]), DEFAULT, (), ()) if r.type == "lexicon"]
    # (text, post language, rules to try): labelled posts under every rule, and each entry
    # (upper-cased, and with each word in up to three inflected forms) under its own rule
    cases = [(p.get("text") or p["message"], lang, rules) for path in FILES for p in posts(path)
             for lang in ([p["language"]] if p.get("language") else LANGS)]
    for rule in rules:
        for lang, entries in rule.options["terms"].items():
            readers = LANGS if lang == "en" else (lang,)  # English terms apply in every language
            for entry in entries:
                words = entry.replace("*", "").split()
                cases += [(" ".join(words).upper(), post_lang, [rule]) for post_lang in readers]
                for i, word in enumerate(words):
                    for post_lang in readers:
                        for form in sorted(language.inflections(word.lower(), post_lang))[:3]:
                            cases.append((" ".join([*words[:i], form, *words[i + 1:]]), post_lang, [rule]))
    assert len(cases) > 3000

    def all_matches(ctx: Context) -> list:
        return [lexicon.matches(Post("t", str(i), text, language=lang), rule, ctx)
                for i, (text, lang, tried) in enumerate(cases) for rule in tried]

    screened = all_matches(Context(DEFAULT, Options()))
    monkeypatch.setattr(lexicon, "_hits", lambda post, screens: frozenset(screens.patterns))
    unscreened = all_matches(Context(DEFAULT, Options()))
    assert screened == unscreened
    assert sum(map(bool, unscreened)) > 2000  # not vacuous: most of these texts match
