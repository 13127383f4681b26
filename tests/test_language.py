"""Language layer: detection among the config's languages, code normalisation, tokens, lazy loading."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from postlint import config, language
from postlint.engine import Context, Options
from postlint.language import detect as detect_module
from postlint.language import lexicons
from postlint.model import Post

DATA = Path(__file__).parent / "data"
LANGS = ("en", "es", "pl", "nb")


def posts(lang: str) -> list[str]:
    lines = (DATA / "spelling" / f"clean-{lang}.txt").read_text("utf-8").splitlines()
    return [x for x in lines if x.strip() and not x.startswith("#")]


def ctx_for(languages=LANGS) -> Context:
    return Context(config.build({"languages": list(languages)}), Options())


@pytest.mark.parametrize("lang", LANGS)
def test_detection_is_right_on_at_least_95_percent_of_10_to_20_word_posts(lang):
    ctx = ctx_for()
    texts = posts(lang)
    assert len(texts) >= 40
    right = sum(language.resolve(Post("p", "p", t), ctx) == lang for t in texts)
    assert right / len(texts) >= 0.95, f"{lang}: {right}/{len(texts)}"


def test_short_posts_full_of_hashtags_urls_and_emoji_are_never_confidently_wrong():
    ctx = ctx_for()
    rows = (DATA / "language" / "short.tsv").read_text("utf-8").splitlines()[1:]
    for row in rows:
        lang, text = row.split("\t")
        found = language.detection(Post("p", "p", text), ctx)
        assert found.lang == lang or not found.sure, (text, found)


def test_hashtags_mentions_urls_emails_and_emoji_are_stripped_before_detection():
    words = detect_module.language_words(
        "Hola 🎉 #BlackFriday @acme_es https://acme.com/oferta hola@acme.es gracias")
    assert words == ["hola", "gracias"]


def test_detection_is_restricted_to_the_config_languages():
    ctx = ctx_for(("en", "es"))
    polish = posts("pl")[0]
    assert language.resolve(Post("p", "p", polish), ctx) in ("en", "es")


def test_a_single_language_brand_needs_no_detection():
    ctx = ctx_for(("es",))
    post = Post("p", "p", "Our new latte is here")
    assert language.detection(post, ctx) is None
    assert language.resolve(post, ctx) == "es"


def test_front_matter_language_then_lang_option_win_over_detection():
    english = "Our new latte is here, come and try it today with a friend"
    ctx = ctx_for()
    assert language.resolve(Post("p", "p", english, language="es"), ctx) == "es"
    forced = Context(config.DEFAULT, Options(lang="nb"))
    assert language.resolve(Post("p", "p", english), forced) == "nb"


@pytest.mark.parametrize("code, expected", [("no", "nb"), ("NB", "nb"), ("en-GB", "en"),
                                            ("es_MX", "es"), ("pl", "pl")])
def test_language_codes_are_normalised(code, expected):
    assert language.normalise(code) == expected


def test_one_or_two_words_are_unsure():
    found = language.detection(Post("p", "p", "Super! 🎉"), ctx_for())
    assert found is not None and not found.sure


def test_tokens_keep_offsets_and_lemmas_are_looked_up_lower_cased():
    text = "Shootings went viral. Tiroteos"
    tokens = language.tokenize(text, "en")
    assert [(t.text, text[t.start:t.end]) for t in tokens][:2] == [("Shootings", "Shootings"),
                                                                      ("went", "went")]
    assert tokens[0].lemma == "shooting" and tokens[1].lemma == "go"
    es = language.tokenize("Tiroteos abrimos", "es")
    assert [t.lemma for t in es] == ["tiroteo", "abrir"]


def test_a_run_that_never_sees_polish_never_loads_polish(tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text("Our new latte is here, come and try it today! #CoffeeTime\n", "utf-8")
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from postlint.cli import main\n"
        "from postlint.language import lexicons\n"
        f"r = CliRunner().invoke(main, ['check', '--offline', '--quiet', '--select', 'spelling', {str(draft)!r}])\n"
        "print(sorted(set(lexicons.LOADED)), 'spacy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = out.stdout.strip()
    assert loaded == "['en'] False", "only English words were looked up; spaCy not imported"


def test_a_new_language_is_added_as_data_and_built_once_into_the_cache(tmp_path, write, check,
                                                                       monkeypatch):
    monkeypatch.setenv("POSTLINT_CACHE_DIR", str(tmp_path / "cache"))
    rules = tmp_path / "myrules"
    (rules).mkdir()
    (rules / "danish.yaml").write_text(
        "kind: languages\nlanguages:\n  da: {name: Danish, wordfreq: da, min_zipf: 3.0}\n", "utf-8")
    draft = write("d.txt", "Vi har en ny kaffe til dig i dag, kom og smag den hurtgit!\n")
    run = check("--rules", str(rules), "--lang", "da", "--select", "spelling", str(draft))
    found = [(f["match"], f["suggestions"][:1]) for f in run.json["findings"]]
    assert found == [("hurtgit", ["hurtigt"])]
    assert any((tmp_path / "cache" / "lexicons").glob("da-*/da.known.marisa"))


def test_a_bad_languages_file_names_file_and_line(tmp_path, write, check):
    rules = tmp_path / "bad"
    rules.mkdir()
    (rules / "langs.yaml").write_text("kind: languages\nlanguages:\n  da:\n    compund: true\n", "utf-8")
    draft = write("d.txt", "Hello there\n")
    run = check("--rules", str(rules), "--select", "spelling", str(draft))
    assert run.exit_code == 2
    assert "langs.yaml:4" in run.stderr and "compund" in run.stderr


def test_packaged_lexicons_are_current_with_languages_yaml():
    """scripts/build_lexicons.py must be rerun when the build part of a spec changes."""
    from postlint.language.build import build_spec

    for code, spec in lexicons.builtin_specs().items():
        meta = json.loads((lexicons.PACKAGED / f"{code}.meta.json").read_text("utf-8"))
        assert meta["spec"] == build_spec(spec), code
