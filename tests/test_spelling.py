"""Spelling through the real CLI: clean corpora, typo corpora, benign cases, vocabulary, hashtags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data" / "spelling"
LANGS = ("en", "es", "pl", "nb")
SPELLING = ("--offline", "--select", "spelling", "--fail-on", "info")


def clean_posts(lang: str) -> list[str]:
    lines = (DATA / f"clean-{lang}.txt").read_text("utf-8").splitlines()
    return [x for x in lines if x.strip() and not x.startswith("#")]


def queue(write, name: str, texts: list[str], **fields) -> Path:
    rows = [json.dumps({"id": f"p{i}", "message": t, **fields}, ensure_ascii=False)
            for i, t in enumerate(texts)]
    return write(name, "\n".join(rows) + "\n")


def findings(run) -> list[dict]:
    assert run.exit_code in (0, 1), run.stderr
    return run.json["findings"]


@pytest.mark.parametrize("lang", LANGS)
def test_correct_brand_posts_give_no_spelling_finding(lang, write, check):
    texts = clean_posts(lang)
    assert len(texts) >= 30
    run = check(*SPELLING, str(queue(write, f"clean-{lang}.jsonl", texts)))
    assert [(f["post"], f["match"]) for f in findings(run)] == []
    assert run.exit_code == 0


@pytest.mark.parametrize("lang", LANGS)
def test_typos_are_caught_with_the_right_suggestion(lang, write, check):
    rows = [r.split("\t") for r in (DATA / f"typos-{lang}.tsv").read_text("utf-8").splitlines()[1:]]
    run = check(*SPELLING, str(queue(write, f"typos-{lang}.jsonl", [r[0] for r in rows])))
    by_post: dict[str, list[dict]] = {}
    for f in findings(run):
        by_post.setdefault(f["post"], []).append(f)
    missed, wrong = [], []
    for i, (_, typo, expected) in enumerate(rows):
        hit = [f for f in by_post.get(f"p{i}", []) if f["match"] == typo]
        if not hit:
            missed.append(typo)
        elif expected not in hit[0]["suggestions"]:
            wrong.append((typo, hit[0]["suggestions"]))
    assert len(missed) <= len(rows) // 10, missed  # at least 90% recall
    assert len(wrong) <= 1, wrong
    assert all(f["match"] in {r[1] for r in rows} for f in findings(run))  # nothing else flagged


def test_finding_has_exact_line_and_column_in_the_file_with_front_matter(write, check):
    draft = write("d.md", """\
        ---
        platform: instagram
        ---
        Fresh beans are here.
        We will recieve more on Friday.
        """)
    [f] = findings(check(*SPELLING, str(draft)))
    assert f["rule"] == "spelling.unknown-word" and f["severity"] == "error"
    assert (f["line"], f["column"], f["end_line"], f["end_column"]) == (5, 9, 5, 16)
    assert f["suggestions"][0] == "receive"
    assert "English" in f["message"] and "receive" in f["message"]


BENIGN = [
    "Use code SANDYSALE or HOPE20 or BEANS30 at checkout for $4.99 drinks, 20% off, 2x points 🎉",
    "Tag @mike_rz and @acme_es, email hello@acmecoffe.com or visit https://acme.com/Frapuchno-xq",
    "Our latte, cold brew and flat white are back for Black Friday and Cyber Monday ☕🔥",
    "We loved meeting Siobhan and Grzegorz at the Kraków store with our friends from Nespreso.",
    'Customers call our new drink "Frapuchino" and we kind of love it.',
    "NYC, LA and SF stores open at 7am; the iPhone app and TikTok shop open at 8.",
]


@pytest.mark.parametrize("text", BENIGN)
def test_codes_prices_emoji_urls_mentions_names_quotes_and_loanwords_are_fine(text, write, check):
    run = check(*SPELLING, "--lang", "en", str(write("b.txt", text + "\n")))
    assert findings(run) == []


def test_capitalised_words_are_names_mid_sentence_and_at_a_sentence_start_when_they_look_it(write, check):
    """Mid-sentence a Capitalised word is a name. At a sentence start, one whose nearest word
    is a name (Jaqueline), or that is a name or word of another language (Lukasz, Bjorn),
    or that the post also writes mid-sentence (Klout) is info at most."""
    draft = write("c.txt", "Meet Jaqueline, our new barista. Jaqueline pours today. Lukasz and "
                           "Bjorn roast. Klout scores us. We love Klout.\n")
    found = findings(check(*SPELLING, "--lang", "en", str(draft)))
    assert [(f["match"], f["severity"]) for f in found if f["severity"] != "info"] == []
    assert ("Jaqueline", "info", "Jacqueline") in [
        (f["match"], f["severity"], f["suggestions"][0]) for f in found]


@pytest.mark.parametrize("lang, text, typo, fix", [
    ("en", "Ths week only: two lattes for one.", "Ths", "This"),
    ("en", "Definately the best cold brew in town.", "Definately", "Definitely"),
    ("en", "Great news! Tommorow we open in Portland.", "Tommorow", "Tomorrow"),
    ("es", "Tambien tenemos leche de avena.", "Tambien", "También"),
    ("pl", "Napewno przyjdziemy jutro.", "Napewno", "Na pewno"),
    ("pl", "Wogóle nie piliśmy takiej kawy.", "Wogóle", "W ogóle"),
    ("nb", "Velkomen til åpningen på lørdag.", "Velkomen", "Velkommen"),
])
def test_a_typo_at_a_sentence_start_is_an_error_that_fails_the_run(lang, text, typo, fix, write, check):
    """Capitalised only because it starts a sentence: with the default --fail-on error (and
    so the pre-commit hook) the run fails."""
    run = check("--offline", "--select", "spelling", "--lang", lang, str(write("t.txt", text + "\n")))
    assert [(f["match"], f["severity"], f["suggestions"][0]) for f in findings(run)] == [
        (typo, "error", fix)]
    assert run.exit_code == 1


def test_a_left_out_letter_ranks_above_two_words_run_together(write, check):
    """befor is "before" with its e left out, not "be for"; alot is still "a lot"."""
    draft = write("b.txt", "Come in befor noon, we have alot of croissants.\n")
    found = findings(check(*SPELLING, "--lang", "en", str(draft)))
    assert [(f["match"], f["suggestions"][:2]) for f in found] == [
        ("befor", ["before", "be for"]), ("alot", ["a lot", "lot"])]


def test_a_rare_real_word_the_dictionary_lacks_is_accepted_but_its_misspelling_is_not(write, check):
    """cardamomo is Spanish (RAE) but not in the Hunspell dictionary, and rarer than the
    common-word threshold: attested by wordfreq with no commoner word nearby, it is a word."""
    ok = write("c.txt", "Ofrecemos café con cardamomo y canela.\n")
    assert findings(check(*SPELLING, "--lang", "es", str(ok))) == []
    typo = write("t.txt", "Ofrecemos café con cardamono y canela.\n")
    assert [f["match"] for f in findings(check(*SPELLING, "--lang", "es", str(typo)))] == ["cardamono"]


@pytest.mark.parametrize("lang, text, typo, fix", [
    ("pl", "Nasze nowe latte juz jest w menu.", "juz", "już"),
    ("es", "Nosotros tambien tenemos leche de avena.", "tambien", "también"),
    ("nb", "Vi sees i morgen pa kafeen.", "pa", "på"),
])
def test_accent_stripped_words_are_typos(lang, text, typo, fix, write, check):
    found = findings(check(*SPELLING, str(write("a.txt", text + "\n"))))
    assert [(f["match"], f["suggestions"][0]) for f in found] == [(typo, fix)]


@pytest.mark.parametrize("lang, text", [
    ("pl", "Media donoszą o strzelaninie, a wszyscy mówią o strzelaniny w szkołach."),
    ("nb", "Skytingen i byen preget nyhetene, og kaffebaren holdt stengt."),
    ("es", "Abrimos nuestras tiendas y ofrecemos ofertas a todos los clientes."),
])
def test_inflected_forms_are_accepted(lang, text, write, check):
    assert findings(check(*SPELLING, "--lang", lang, str(write("i.txt", text + "\n")))) == []


def test_lang_option_and_front_matter_choose_the_dictionary(write, check):
    spanish = "Gracias por venir a nuestra tienda hoy.\n"
    assert findings(check(*SPELLING, str(write("s.txt", spanish)))) == []
    forced = findings(check(*SPELLING, "--lang", "en", str(write("s2.txt", spanish))))
    assert {f["match"] for f in forced} >= {"venir", "nuestra"}
    front = write("s3.md", "---\nlanguage: pl\n---\n" + spanish)
    assert findings(check(*SPELLING, str(front)))


def test_unsure_language_is_an_info_finding(write, check):
    found = findings(check(*SPELLING, str(write("u.txt", "Super! 🎉\n"))))
    assert [(f["rule"], f["severity"]) for f in found] == [("spelling.language-unsure", "info")]


# --- vocabulary ---------------------------------------------------------------------------------


def test_accept_is_case_insensitive_for_words_and_reject_reports_replacements(write, check):
    write(".postlint.yaml", """\
        brand: {name: Acme Coffee}
        languages: [en]
        vocabulary:
          accept: [Frappuchino, "#AcmeCofee"]
          reject: {cheap: affordable, "click here": ""}
        """)
    draft = write("a.txt", "Our cheap frappuchino is here, click  here for more. #AcmeCofee #CofeeTime\n")
    found = findings(check(*SPELLING, str(draft)))
    got = sorted((f["rule"], f["match"], tuple(f["suggestions"])) for f in found)
    assert got == [
        ("spelling.hashtag", "#CofeeTime", ("#CoffeeTime",)),
        ("spelling.rejected-word", "cheap", ("affordable",)),
        ("spelling.rejected-word", "click  here", ()),
    ]
    assert "affordable" in next(f["message"] for f in found if f["match"] == "cheap")


def test_reject_as_a_plain_list(write, check):
    write(".postlint.yaml", "vocabulary:\n  reject: [Cheap]\n")
    found = findings(check(*SPELLING, str(write("a.txt", "So CHEAP, so good.\n"))))
    assert [(f["rule"], f["match"], f["severity"]) for f in found] == [
        ("spelling.rejected-word", "CHEAP", "error")]


def test_per_language_word_list_files_relative_to_the_config(write, check):
    write("brand/words-es.txt", "# palabras de la marca\nfrapuchino\nchocolatísimo\n")
    write("brand/.postlint.yaml", "languages: [es]\nvocabulary:\n  files: {es: words-es.txt}\n")
    draft = write("brand/posts/a.txt", "Prueba el frapuchino chocolatísimo de hoy.\n")
    assert findings(check(*SPELLING, str(draft))) == []
    english = write("brand/posts/b.txt", "Try the frapuchino today.\n")
    assert [f["match"] for f in findings(check(*SPELLING, "--lang", "en", str(english)))] == [
        "frapuchino"]


def test_a_missing_word_list_file_fails_the_run_naming_config_and_line(write, check):
    config = write(".postlint.yaml", "vocabulary:\n  files:\n    es: nope.txt\n")
    run = check(*SPELLING, str(write("a.txt", "Hola\n")))
    assert run.exit_code == 2
    assert f"{config}:3" in run.stderr and "nope.txt" in run.stderr


# --- hashtags -----------------------------------------------------------------------------------


@pytest.mark.parametrize("tag, fixed", [
    ("#gettngslizzerd", "#gettingslizzerd"),
    ("#CofeeTime", "#CoffeeTime"),
    ("#BlackFridy", "#BlackFriday"),
])
def test_misspelled_hashtags_are_reported_with_the_corrected_tag(tag, fixed, write, check):
    found = findings(check(*SPELLING, "--lang", "en", str(write("h.txt", f"Fun times {tag}\n"))))
    assert [(f["rule"], f["match"], f["suggestions"]) for f in found] == [
        ("spelling.hashtag", tag, [fixed])]


@pytest.mark.parametrize("lang, tag, fixed", [
    ("es", "#FelizNavidda", "#FelizNavidad"),
    ("pl", "#kawadnai", "#kawadnia"),
    ("nb", "#kaffepuase", "#kaffepause"),
])
def test_misspelled_hashtags_in_other_languages(lang, tag, fixed, write, check):
    found = findings(check(*SPELLING, "--lang", lang, str(write("h.txt", f"{tag}\n"))))
    assert [(f["match"], f["suggestions"]) for f in found] == [(tag, [fixed])]


@pytest.mark.parametrize("tag", ["#whyistayed", "#CoffeeTime", "#tbt", "#NYC", "#BF2024",
                                 "#CafeDelDia", "#AcmeMoments", "#nofilter", "#MondayMotivation",
                                 "#SundayFunday", "#latteart", "#coffeelover", "#instacoffee"])
def test_correct_slang_and_code_hashtags_are_not_reported(tag, write, check):
    assert findings(check(*SPELLING, "--lang", "en", str(write("h.txt", f"Hello {tag}\n")))) == []


@pytest.mark.parametrize("lang, tag", [("pl", "#swieta"), ("pl", "#WesołychŚwiąt"),
                                       ("nb", "#godjul"), ("es", "#NavidadAcme")])
def test_accent_free_and_brand_hashtags_are_not_reported(lang, tag, write, check):
    assert findings(check(*SPELLING, "--lang", lang, str(write("h.txt", f"{tag}\n")))) == []


def test_approved_hashtags_are_never_reported(write, check):
    write(".postlint.yaml", "languages: [en]\nhashtags:\n  approved: ['#CofeeLovers']\n")
    assert findings(check(*SPELLING, str(write("h.txt", "Hi #CofeeLovers\n")))) == []


def test_explain_and_rules_list_the_spelling_rules(cli):
    listed = cli("rules", "--category", "spelling").stdout
    for rule in ("spelling.unknown-word", "spelling.hashtag", "spelling.rejected-word",
                 "spelling.language-unsure"):
        assert rule in listed
    assert "vocabulary.accept" in cli("explain", "spelling.unknown-word").stdout


def test_a_post_in_none_of_the_brand_languages_is_unsure_not_a_flood_of_typos(write, check):
    write(".postlint.yaml", "languages: [en, es]\n")
    polish = "Dziękujemy wszystkim, którzy przyszli wczoraj na warsztaty w Krakowie.\n"
    found = findings(check(*SPELLING, str(write("p.txt", polish))))
    assert [(f["rule"], f["severity"]) for f in found] == [("spelling.language-unsure", "info")]


def test_a_bad_spelling_words_file_names_file_and_line(tmp_path, write, check):
    rules = tmp_path / "mine"
    rules.mkdir()
    (rules / "words.yaml").write_text("kind: spelling-words\nwords:\n  en: frappuchino\n", "utf-8")
    run = check(*SPELLING, "--rules", str(rules), str(write("a.txt", "Hello there\n")))
    assert run.exit_code == 2
    assert "words.yaml:3" in run.stderr


def test_user_spelling_words_files_add_words_without_python(tmp_path, write, check):
    rules = tmp_path / "mine"
    rules.mkdir()
    (rules / "words.yaml").write_text("kind: spelling-words\nwords:\n  en: [frappuchino]\n", "utf-8")
    draft = write("a.txt", "Try our frappuchino today.\n")
    assert findings(check(*SPELLING, "--lang", "en", str(draft)))
    assert findings(check(*SPELLING, "--lang", "en", "--rules", str(rules), str(draft))) == []


def test_an_undecodable_word_list_fails_the_run_naming_it(write, check):
    write("words-en.txt", b"\xff\xfe\x00bad")
    write(".postlint.yaml", "vocabulary:\n  files: {en: words-en.txt}\n")
    run = check(*SPELLING, "--lang", "en", str(write("a.txt", "Hello there\n")))
    assert run.exit_code == 2 and "words-en.txt" in run.stderr


def test_norwegian_compounds_are_accepted_but_a_typo_that_splits_into_words_is_not(write, check):
    ok = write("k.txt", "Kaffebaren og matsentraler fikk peppermyntemochaen i dag.\n")
    assert findings(check(*SPELLING, "--lang", "nb", str(ok))) == []
    typo = write("t.txt", "Alle er hjertelig velkomen til åpningen på lørdag.\n")
    found = findings(check(*SPELLING, "--lang", "nb", str(typo)))
    assert [(f["match"], f["suggestions"][0]) for f in found] == [("velkomen", "velkommen")]


@pytest.mark.parametrize("lang, text, typo, fix", [
    ("pl", "Nasza kawa jest napewno najlepsza w mieście.", "napewno", "na pewno"),
    ("es", "Dejad vuestro comentario porfavor, nos encanta leeros.", "porfavor", "por favor"),
    ("en", "Thanks alot for coming to our opening.", "alot", "a lot"),
])
def test_words_run_together_are_typos_with_the_split_as_suggestion(lang, text, typo, fix, write,
                                                                  check):
    found = findings(check(*SPELLING, "--lang", lang, str(write("f.txt", text + "\n"))))
    assert [(f["match"], f["suggestions"][0]) for f in found] == [(typo, fix)]


def test_hashtag_in_another_brand_language_is_not_a_typo(write, cli, tmp_path):
    """A brand publishing in English and Polish tags English posts #kawiarnia; a brand that only
    publishes in English gets the finding."""
    post = write("both/p.txt", "---\nlanguage: en\n---\nFresh coffee every morning #kawiarnia\n")
    write("both/.postlint.yaml", "languages: [en, pl]\n")
    run = cli("check", "--format", "json", "--offline", "--select", "spelling", str(post))
    assert [f["rule"] for f in run.json["findings"]] == []
    only = write("en/p.txt", "---\nlanguage: en\n---\nFresh coffee every morning #kawiarnia\n")
    write("en/.postlint.yaml", "languages: [en]\n")
    run = cli("check", "--format", "json", "--offline", "--select", "spelling", str(only))
    assert [f["rule"] for f in run.json["findings"]] == ["spelling.hashtag"]


def test_skip_span_hints_never_hide_an_email_or_a_domain():
    """The e-mail and domain patterns only run where a cheap hint matches. Every match of the
    full pattern must contain a hint match, or a domain would be reported as a misspelling."""
    import random

    from postlint.ruletypes import spelling

    pieces = ["a", "é", "ñ", "3", "-", "+", "_", ".", "@", " ", "ab", "A", "acme.es", "x.no/y",
              "mail@acme.no", "ola.n@e-post.co.uk", "e\u0301", "www.a.no", "#t", "@x.com "]
    rng = random.Random(5)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 25))) for _ in range(20000)]
    full = 0
    for text in texts:
        for pattern, hint in ((spelling.EMAIL, spelling.EMAIL_HINT), (spelling.DOMAIN, spelling.DOMAIN_HINT)):
            for m in pattern.finditer(text):
                full += 1
                assert hint.search(m.group()), (text, m.group())
    assert full > 5000


def test_word_scan_skips_exactly_the_chunks_inside_urls_mentions_tags_and_quotes():
    """The scan sweeps the skipped spans once instead of testing each chunk against all of
    them; compared with the plain definition (a chunk inside any span is skipped)."""
    import random

    from postlint.ruletypes import spelling

    def reference(text: str) -> list[tuple[int, int, str]]:
        spans = spelling._skipped_spans(text)
        words = []
        for chunk in spelling.CHUNK.finditer(text):
            piece, (start, end) = chunk.group(), chunk.span()
            if any(s <= start and end <= e for s, e in spans):
                continue
            if not piece.isalpha() and any(c.isdigit() or c == "_" for c in piece):
                continue
            words += [(start + p.start(), start + p.end(), p.group()) for p in spelling.PART.finditer(piece)]
        return words

    pieces = ["a", "é", "'", "’", "-", "_", "3", " ", "ab", "A", "acme.es", "mail@acme.no", "@ola.n",
              "#tag", "#tag-line", '"q w"', "“x”", "https://a.b/c-d", "www.a.no", "e\u0301", "."]
    rng = random.Random(11)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(5000)]
    skipped = 0
    for text in texts:
        expected = reference(text)
        assert list(spelling._iter_words(text)) == expected, text
        skipped += len(spelling.CHUNK.findall(text)) - len(expected)
    assert skipped > 5000  # the spans did skip words


def test_very_long_words_and_hashtags_are_not_checked_and_cost_nothing(write, tmp_path):
    """Suggestions for one 10,000-letter word needed every one-edit variant of it (6 GB), and
    a 300-letter lower-case hashtag took 12 s to segment. Beyond `max_word_length` (40
    letters: longer than any word of the four dictionaries but a few English curiosities)
    a word or tag is not checked. Run in a child with its memory capped, so a regression
    fails the test instead of the machine."""
    import random
    import resource
    import subprocess
    import sys
    import time

    junk = "".join(random.Random(3).choice("aeiourstnlkpm") for _ in range(10_000))
    draft = write("long.txt", f"Kom og prøv {junk} i dag #{junk} og en skrivfeil: velkomen\n")

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))

    started = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "postlint", "check", *SPELLING, "--lang", "nb",
                          "--format", "json", "--quiet", str(draft)],
                         capture_output=True, text=True, timeout=120, preexec_fn=cap_memory)
    elapsed = time.monotonic() - started
    assert run.returncode == 1, run.stderr
    found = [(f["rule"], f["match"]) for f in json.loads(run.stdout)["findings"]]
    assert found == [("spelling.unknown-word", "velkomen")]  # the real typo, nothing else
    assert elapsed < 10, elapsed


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_a_tag_of_words_in_another_brand_language_is_segmented_in_it(lang, write, cli):
    """#KawaDnia (kawa + dnia) is Polish: fine on any post of a brand that also posts in
    Polish, a finding for a brand that does not."""
    text = f"---\nlanguage: {lang}\n---\nFresh coffee every morning #KawaDnia\n"
    both = write("both/p.md", text)
    write("both/.postlint.yaml", "languages: [en, nb, pl]\n")
    run = cli("check", "--format", "json", "--offline", "--select", "spelling", str(both))
    assert run.json["findings"] == []
    without = write("nopl/p.md", text)
    write("nopl/.postlint.yaml", "languages: [en, nb]\n")
    run = cli("check", "--format", "json", "--offline", "--select", "spelling", str(without))
    assert [(f["rule"], f["match"]) for f in run.json["findings"]] == [("spelling.hashtag", "#KawaDnia")]


def test_hashtags_the_knowledge_base_knows_are_not_misspelled(tmp_path, write, check):
    """An entry in a `kind: hashtags` file (the user's --rules folder) names a real tag."""
    write("kb/tags.yaml", """\
        kind: hashtags
        entries:
          # source: our crisis team, 2025-03
          - {tag: "#Blrgfest", topic: substances, about: "a drinking-game trend", meaning: "Videos of a drinking game."}
          # source: our own campaign
          - {tag: "#CofeeRave", about: "our party", meaning: "Spelled so on purpose."}
        """)
    draft = write("t.txt", "Join us #Blrgfest #CofeeRave #CofeeTime\n")
    before = findings(check(*SPELLING, "--lang", "en", str(draft)))
    assert [f["match"] for f in before if f["rule"] == "spelling.hashtag"] == [
        "#Blrgfest", "#CofeeRave", "#CofeeTime"]
    after = findings(check(*SPELLING, "--lang", "en", "--rules", str(tmp_path / "kb"), str(draft)))
    assert [f["match"] for f in after if f["rule"] == "spelling.hashtag"] == ["#CofeeTime"]
