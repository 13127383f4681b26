"""Which posts touch a live event: terms, lemmas, hashtags, languages, and the benign
look-alikes that must stay quiet (a storm of deals long after the storm, a brainstorm, a
weather forecast on a normal day, a post that touches nothing)."""

from __future__ import annotations

import pytest

from postlint.events import terms as t
from postlint.rules import builtin_rules_dir

LIVE = ("--select", "schedule.live-event", "--select", "schedule.blackout")
SANDY = """
events:
  - name: Hurricane Sandy
    start: 2012-10-28T00:00:00Z
    end: 2012-11-06T00:00:00Z
    terms: [storm, hurricane, Sandy, "#Sandy", "#frankenstorm", "new jersey"]
  - name: Boston Marathon bombing
    start: 2013-04-15T18:50:00Z
    level: major
  - name: Pożar hali w Warszawie
    start: 2024-05-12T04:00:00Z
"""
DURING = "2012-10-30T10:00:00Z"


@pytest.fixture
def lint(write, check):
    write("events.yaml", SANDY)
    write(".postlint.yaml", "languages: [en, es, pl]\nevents:\n  feeds: [events.yaml]\n")

    def run(text: str, when: str | None = DURING, *options: str) -> list[tuple[str, str, str]]:
        head = f"---\nscheduled_at: {when}\n---\n" if when else ""
        result = check(*LIVE, *options, str(write("post.txt", head + text + "\n")))
        assert result.exit_code in (0, 1), result.stderr
        return [(f["rule"], f["severity"], f["match"]) for f in result.json["findings"]]

    return run


def test_inflected_and_possessive_forms_match(lint):
    assert lint("The storms are coming: stay safe.") == [("schedule.live-event", "warning", "storms")]
    assert lint("After the hurricane's landfall we are closed.") == [("schedule.live-event", "warning", "hurricane")]


def test_storm_sale_is_critical(lint):
    assert lint("In case you're bored during the storm, 20% off everything!") == [
        ("schedule.live-event", "critical", "storm")]


def test_camel_case_hashtag_touches_while_live_but_not_long_after(lint):
    assert lint("Deals all day #StormOfDeals") == [("schedule.live-event", "warning", "#StormOfDeals")]
    assert lint("A storm of deals: 20% off! #StormOfDeals", "2013-02-10T10:00:00Z") == []


def test_brainstorm_and_other_words_containing_a_term_do_not_match(lint):
    assert lint("Time to brainstorm our winter menu. #Brainstorming") == []
    assert lint("Sandstorm latte, anyone? Stormy weather blend is back.") == []


def test_phrase_and_hashtag_terms(lint):
    assert lint("Open late across New Jersey tonight.") == [("schedule.live-event", "warning", "New Jersey")]
    assert lint("Stay dry #HurricaneSandy") == [("schedule.live-event", "warning", "#HurricaneSandy")]
    assert lint("we're open #sandy") == [("schedule.live-event", "warning", "#sandy")]


def test_a_post_that_touches_nothing_is_not_reported(lint):
    assert lint("Good morning! Pumpkin spice is back, 20% off today.") == []


def test_an_unscheduled_draft_is_checked_against_now(lint):
    assert lint("Storm special: 20% off!", None, "--now", DURING) == [("schedule.live-event", "critical", "Storm")]
    assert lint("Storm special: 20% off!", None, "--now", "2012-12-01T00:00:00Z") == []


def test_major_event_pauses_every_scheduled_post(lint):
    found = lint("Good morning! Fresh croissants today.", "2013-04-16T10:00:00Z")
    assert found == [("schedule.blackout", "critical", "2013-04-16T10:00:00+00:00")]
    # 72 h later (`events.lasts` default) it is over
    assert lint("Good morning! Fresh croissants today.", "2013-04-18T18:50:00Z") == []


def test_weather_forecast_on_a_normal_day_is_not_reported(lint):
    assert lint("Storm clouds and rain tomorrow: perfect hot chocolate weather. 20% off!",
                "2012-12-12T09:00:00Z") == []


def test_polish_inflections_match_through_stems(lint):
    # no Polish lemma table: "Warszawie"/"Warszawy" meet at the stem "warszaw"
    assert lint("Dziś w Warszawy centrum: promocja -20%!", "2024-05-12T10:00:00Z", "--lang", "pl") == [
        ("schedule.live-event", "critical", "Warszawy")]
    assert lint("Nowe menu w Krakowie.", "2024-05-12T10:00:00Z", "--lang", "pl") == []


def test_a_post_can_silence_the_rule(lint, write, check):
    text = "---\nscheduled_at: 2012-10-30T10:00:00Z\nignore: [schedule.live-event]\n---\nOur thoughts are with everyone hit by the storm.\n"
    run = check(*LIVE, str(write("ok.txt", text)))
    assert run.exit_code == 0 and run.json["findings"] == []


# --- term extraction (pure functions, real vocabulary data) ---------------------------------


@pytest.fixture(scope="module")
def vocab():
    return t.load_vocabulary([(builtin_rules_dir() / "events" / "terms.yaml", None)])


def zipf(lang):
    from postlint.hashtags import zipf_lookups

    return zipf_lookups((lang,))[0]


def test_extraction_keeps_distinctive_words_and_names(vocab):
    found = t.extract("Hurricane Sandy makes landfall in New Jersey", "en", ("en",), vocab, zipf("en"))
    assert {"hurricane", "sandy", "landfall", "jersey", "storm"} <= set(found)
    assert not {"makes", "in", "new"} & set(found)
    found = t.extract("Explosions At Boston Marathon Finish Line Kill Three", "en", ("en",), vocab, zipf("en"))
    assert {"explosions", "boston", "marathon"} <= set(found) and "three" not in found


def test_crisis_words_bring_their_equivalents_in_the_brand_languages(vocab):
    found = t.extract("Storm hits the coast", "en", ("es", "nb"), vocab, zipf("en"))
    assert {"storm", "tormenta", "huracán", "orkan", "uvær"} <= set(found)
    assert "burz*" not in found  # Polish is not one of this brand's languages
    found = t.extract("Tiroteo en un centro comercial de Madrid", "es", ("en",), vocab, zipf("es"))
    assert {"tiroteo", "madrid", "shooting", "gunman"} <= set(found) and "en" not in found


def test_language_of_an_item_is_guessed_from_stop_words(vocab):
    assert t.guess_language("Fuertes lluvias en la costa de Valencia", ("en", "es", "pl"), vocab) == "es"
    assert t.guess_language("Pożar hali w centrum miasta", ("en", "es", "pl"), vocab) == "pl"
    assert t.guess_language("Storm in the north", ("en", "es"), vocab) == "en"


def test_crisis_filter(vocab):
    assert t.is_crisis("Hurricane Sandy makes landfall", "en", vocab)
    assert t.is_crisis("Powódź w Kłodzku", "pl", vocab)
    assert not t.is_crisis("Sunny spells and light winds for the weekend", "en", vocab)
    assert not t.is_crisis("Royal wedding draws crowds", "en", vocab)
