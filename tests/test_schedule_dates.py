"""schedule.stale-date: dates and day words in the text that contradict `scheduled_at`."""

from __future__ import annotations

import json

import pytest

SELECT = ("--select", "schedule.stale-date")


def queue(write, *posts: tuple[str, str, str, str], config: str = "timezone: UTC\n") -> str:
    """posts: (id, language, scheduled_at, text) -> a .jsonl queue path."""
    write(".postlint.yaml", config)
    rows = [{"id": i, "language": lang, "scheduled_at": when, "text": text} for i, lang, when, text in posts]
    return str(write("queue.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n"))


def found(run) -> dict[str, list[str]]:
    assert run.exit_code in (0, 1), run.stderr
    out: dict[str, list[str]] = {}
    for f in run.json["findings"]:
        out.setdefault(f["post"], []).append(f["match"])
    return out


# Scheduled Thursday 13 March 2025: "12 March" is yesterday.
THU = "2025-03-13T10:00:00"


@pytest.mark.parametrize("lang, text, match", [
    ("en", "Spring sale until 12 March!", "12 March"),
    ("en", "Spring sale until March 12th.", "March 12th"),
    ("en", "Offer valid to 12.03 only", "12.03"),
    ("en", "Offer valid to 3/12 only", "3/12"),
    ("es", "Oferta válida hasta el 12 de marzo", "12 de marzo"),
    ("es", "Promo hasta el 12/03", "12/03"),
    ("pl", "Promocja trwa do 12 marca", "12 marca"),
    ("pl", "Promocja do 12.03.2025 r.", "12.03.2025 r."),
    ("nb", "Tilbudet gjelder til 12. mars", "12. mars"),
    ("nb", "Tilbudet gjelder til 12.03.", "12.03."),
])
def test_explicit_date_past_at_publication(write, check, lang, text, match):
    run = check(*SELECT, queue(write, ("p", lang, THU, text)))
    [finding] = run.json["findings"]
    assert finding["match"] == match and finding["severity"] == "error" and run.exit_code == 1
    assert "1 day(s) past" in finding["message"]
    # the same text published on the 12th is fine
    assert check(*SELECT, queue(write, ("p", lang, "2025-03-12T08:00:00", text))).json["findings"] == []


def test_finding_points_at_the_date_in_the_file(write, check):
    draft = write("d.txt", "---\nscheduled_at: 2025-03-13T10:00:00Z\nlanguage: en\n---\nHurry!\nSale ends 12 March.\n")
    [finding] = check(*SELECT, str(draft)).json["findings"]
    assert (finding["line"], finding["column"], finding["end_column"]) == (6, 11, 19)


def test_year_is_inferred_nearest_to_the_publication_day(write, check):
    runs = found(check(*SELECT, queue(
        write,
        ("dec", "en", "2025-01-05T10:00:00", "Holiday hours until 28 December"),   # 2024-12-28: past
        ("jan", "en", "2025-12-20T10:00:00", "New menu from 5 January"),           # 2026-01-05: future
        ("old", "en", "2025-03-13T10:00:00", "Our first shop opened on 2 March 2019"),  # history
        ("since", "en", "2025-03-13T10:00:00", "Open since 1 March, thanks to you"),
        ("range", "en", "2025-03-13T10:00:00", "Spring fair 10-14 March and 11 March to 14 March"),
    )))
    assert runs == {"dec": ["28 December"]}


def test_time_zone_decides_the_publication_day(write, check):
    # 23:30 in New York on the 12th is the 13th in UTC: with the config in New York it is the 12th
    text = "Last day! Sale ends 12 March."
    utc = found(check(*SELECT, queue(write, ("p", "en", "2025-03-12T23:30:00-04:00", text))))
    ny = found(check(*SELECT, queue(write, ("p", "en", "2025-03-12T23:30:00", text),
                                    config="timezone: America/New_York\n")))
    assert utc == {"p": ["12 March"]} and ny == {}


@pytest.mark.parametrize("lang, text, match", [
    ("en", "Join us Friday 14 March for the launch", "Friday 14 March"),
    ("en", "Join us on Friday, March 14 for the launch", "Friday, March 14"),
    ("es", "Te esperamos el viernes 14 de marzo", "viernes 14 de marzo"),
    ("pl", "Zapraszamy w piątek 14 marca", "piątek 14 marca"),
    ("nb", "Velkommen fredag 14. mars", "fredag 14. mars"),
    ("en", "Launch party on 14 March (Friday)!", "14 March (Friday)"),
    ("es", "Fiesta el 14 de marzo, viernes", "14 de marzo, viernes"),
])
def test_weekday_that_does_not_match_the_date(write, check, lang, text, match):
    # 14 March 2026 is a Saturday
    run = check(*SELECT, queue(write, ("p", lang, "2026-03-01T10:00:00", text)))
    [finding] = run.json["findings"]
    assert finding["match"] == match and "Saturday 2026-03-14 is not a Friday" in finding["message"]
    # in 2025 it is a Friday: no finding
    assert check(*SELECT, queue(write, ("p", lang, "2025-03-01T10:00:00", text))).json["findings"] == []


@pytest.mark.parametrize("lang, text", [
    ("en", "Today, 14 March, everything is half price"),
    ("es", "Hoy, 14 de marzo, todo a mitad de precio"),
    ("pl", "Dziś, 14 marca, wszystko za pół ceny"),
    ("nb", "I dag, 14. mars, er alt halv pris"),
])
def test_today_with_a_date_that_is_not_the_publication_day(write, check, lang, text):
    late = found(check(*SELECT, queue(write, ("p", lang, "2025-03-15T09:00:00", text))))
    assert len(late["p"]) == 1
    assert found(check(*SELECT, queue(write, ("p", lang, "2025-03-14T09:00:00", text)))) == {}


@pytest.mark.parametrize("lang, text", [
    ("en", "See you tomorrow, 15 March!"),
    ("es", "¡Nos vemos mañana, 15 de marzo!"),
    ("pl", "Do zobaczenia jutro, 15 marca!"),
    ("nb", "Vi ses i morgen, 15. mars!"),
])
def test_tomorrow_with_a_date(write, check, lang, text):
    assert found(check(*SELECT, queue(write, ("p", lang, "2025-03-14T09:00:00", text)))) == {}
    assert len(found(check(*SELECT, queue(write, ("p", lang, "2025-03-15T09:00:00", text))))["p"]) == 1


@pytest.mark.parametrize("lang, text", [
    ("en", "See you this Saturday at the market"),
    ("es", "Te esperamos este sábado en el mercado"),
    ("pl", "Do zobaczenia w tę sobotę na targu"),
    ("nb", "Vi ses denne lørdagen på markedet"),
])
def test_this_saturday_scheduled_on_sunday(write, check, lang, text):
    # Sunday 16 March: "this Saturday" was yesterday; on Wednesday or Saturday itself it fits
    assert len(found(check(*SELECT, queue(write, ("p", lang, "2025-03-16T10:00:00", text))))["p"]) == 1
    for day in ("2025-03-12T10:00:00", "2025-03-15T08:00:00"):
        assert found(check(*SELECT, queue(write, ("p", lang, day, text)))) == {}


@pytest.mark.parametrize("lang, text", [
    ("en", "Happy Friday, everyone!"),
    ("es", "¡Feliz viernes a todos!"),
    ("pl", "Udanego piątku wszystkim!"),
    ("nb", "God fredag, alle sammen!"),
    ("en", "See you tomorrow (Saturday)!"),
])
def test_day_greetings_must_fit_the_day(write, check, lang, text):
    assert found(check(*SELECT, queue(write, ("p", lang, "2025-03-14T10:00:00", text)))) == {}  # Friday
    assert len(found(check(*SELECT, queue(write, ("p", lang, "2025-03-13T10:00:00", text))))["p"]) == 1


@pytest.mark.parametrize("lang, text", [
    ("en", "This weekend only: free refills!"),
    ("es", "Solo este fin de semana: café gratis"),
    ("pl", "Tylko w ten weekend: kawa gratis"),
    ("nb", "Kun i helgen: gratis påfyll"),
])
def test_this_weekend_on_monday_is_over(write, check, lang, text):
    assert len(found(check(*SELECT, queue(write, ("p", lang, "2025-03-17T09:00:00", text))))["p"]) == 1
    assert found(check(*SELECT, queue(write, ("p", lang, "2025-03-14T09:00:00", text)))) == {}


@pytest.mark.parametrize("lang, text", [
    ("en", "Merry Christmas from all of us!"),
    ("en", "Black Friday deals start now"),
    ("es", "¡Feliz Navidad de parte de todo el equipo!"),
    ("pl", "Wesołych Świąt od całego zespołu!"),
    ("nb", "God jul fra oss alle!"),
])
def test_seasonal_terms_far_from_their_season_are_warnings(write, check, lang, text):
    run = check(*SELECT, queue(write, ("p", lang, "2025-07-10T10:00:00", text)))
    [finding] = run.json["findings"]
    assert finding["severity"] == "warning" and run.exit_code == 0  # --fail-on error
    assert check(*SELECT, queue(write, ("p", lang, "2025-11-25T10:00:00", text))).json["findings"] == []


# Each would be a date within the horizon (12 March, the day before THU) if read as one.
NOT_DATES = [
    ("en", "We are here for you 24/7, open 7 days a week."),
    ("en", "Call us: 12.03.45.67 or +47 22 03 12 00"),
    ("en", "Only $12.03 today, or 12.03 € in store, 12.03% more beans"),
    ("pl", "Tylko 12,03 zł albo 12.03 zł"),
    ("en", "2-for-1 on all lattes, 1/2 price muffins, 3/4 of the menu is vegan"),
    ("en", "Doors open at 12.03 sharp"),
    ("nb", "Dørene åpner kl. 12.03"),
    ("es", "Abrimos a las 12.03"),
    ("es", "Precio: 12.03 euros, desde el 12 de marzo"),
    ("nb", "Siden den 12. mars har vi ny meny"),
    ("en", "Update to iOS 12.3 and rate us 3.1"),
    ("en", "It is 12.03°C outside, book room 12.03 or listen to track 12.03"),
    ("en", "We march 12 miles for charity, you may 12x your impact"),
    ("en", "Read https://acme.test/2025/03/12/news and ask @sale_12.03"),
]


@pytest.mark.parametrize("lang, text", NOT_DATES)
def test_numbers_that_are_not_dates(write, check, lang, text):
    run = check(*SELECT, queue(write, ("p", lang, THU, text)))
    assert run.json["findings"] == [], run.json["findings"]


def test_the_same_numbers_are_dates_without_the_context(write, check):
    run = check(*SELECT, queue(write, ("p", "en", THU, "Sale ends 12.03"), ("q", "nb", THU, "Slutt 12.03."),
                               ("r", "en", THU, "Until March 12")))
    assert sorted(found(run)) == ["p", "q", "r"]


def test_a_date_long_past_without_a_year_is_next_years_or_history(write, check):
    # 12 December is 91 days before 13 March: an announcement for next December, not a stale offer
    run = check(*SELECT, queue(write, ("p", "en", THU, "New drop 12.12, mark your calendars"),
                               ("q", "en", THU, "Apply by 2 March")))
    assert found(run) == {"q": ["2 March"]}


def test_no_time_no_finding_and_unknown_language_is_skipped(write, check):
    path = queue(write, ("p", "en", THU, "Until 12 March"), ("q", "de", THU, "Bis 12 March"))
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    del rows[0]["scheduled_at"]
    write("queue.jsonl", "\n".join(json.dumps(r) for r in rows) + "\n")
    assert check(*SELECT, path).json["findings"] == []


def test_user_data_file_adds_words_and_a_broken_one_fails_the_run(write, check, tmp_path):
    write("extra/dates-en.yaml", """\
        kind: dates
        languages:
          en:
            periods:
              - {terms: [this week only], weekdays: [1, 2, 3, 4, 5]}
        """)
    path = queue(write, ("p", "en", "2025-03-15T10:00:00", "This week only: 2 coffees for 1"))
    assert "p" not in found(check(*SELECT, path))
    assert found(check(*SELECT, "--rules", str(tmp_path / "extra"), path)) == {"p": ["This week only"]}
    write("extra/dates-en.yaml", "kind: dates\nlanguages:\n  en:\n    months: [[jan]]\n")
    run = check(*SELECT, "--rules", str(tmp_path / "extra"), path)
    assert run.exit_code == 2 and "dates-en.yaml:4" in run.stderr and "12 entries" in run.stderr
    write("extra/dates-en.yaml", "kind: dates\nlanguages:\n  en:\n    formats: ['{day} (']\n")
    run = check(*SELECT, "--rules", str(tmp_path / "extra"), path)
    assert run.exit_code == 2 and "dates-en.yaml" in run.stderr and "Traceback" not in run.stderr


def test_worker_processes_give_the_same_findings_and_fail_the_same_way(write, check, tmp_path):
    rows = [("p%d" % i, "en", f"2025-03-{10 + i % 5}T10:00:00", f"Offer {i} ends 12 March") for i in range(30)]
    path = queue(write, *rows)
    one, two = check(*SELECT, "--jobs", "1", path), check(*SELECT, "--jobs", "2", path)
    assert one.json["findings"] == two.json["findings"] and len(one.json["findings"]) == 12
    write("extra/bad.yaml", "kind: dates\nthresholds: {past_horizon_days: soon}\n")
    run = check(*SELECT, "--jobs", "2", "--rules", str(tmp_path / "extra"), path)
    assert run.exit_code == 2 and "bad.yaml:2" in run.stderr and "Traceback" not in run.stderr


def test_a_catastrophic_user_format_cannot_hang_the_run(write, check, tmp_path):
    write("extra/slow.yaml", """\
        kind: dates
        languages:
          en:
            formats: ['(a+)+b{day}', '{day} {month}']
        """)
    path = queue(write, ("p", "en", THU, "a" * 40 + " sale until 12 March"))
    import time

    started = time.perf_counter()
    run = check(*SELECT, "--rules", str(tmp_path / "extra"), path)
    assert time.perf_counter() - started < 5
    assert found(run) == {"p": ["12 March"]}  # the other format still works


@pytest.mark.parametrize("lang, text", [
    ("en", "Yesterday, 12 March, we planted 500 trees"),
    ("es", "Ayer, 12 de marzo, plantamos 500 árboles"),
    ("pl", "Wczoraj, 12 marca, posadziliśmy 500 drzew"),
    ("nb", "I går, 12. mars, plantet vi 500 trær"),
])
def test_yesterday_with_a_date_is_checked_and_not_reported_as_past(write, check, lang, text):
    assert found(check(*SELECT, queue(write, ("p", lang, THU, text)))) == {}
    late = found(check(*SELECT, queue(write, ("p", lang, "2025-03-14T10:00:00", text))))
    assert len(late["p"]) == 1


def test_day_word_screen_answers_exactly_like_the_patterns():
    """Posts without any weekday, period or season word skip a dozen patterns after one search
    of the case-folded text. The screen must never hide a contradiction: the results are
    compared with the patterns alone on every text of this module and the labelled data, in
    every language, in upper case too, on days of different weekdays and seasons."""
    import dataclasses
    import inspect
    import re
    from datetime import date
    from pathlib import Path

    import yaml

    from postlint.config import ConfigResolver
    from postlint.engine import Context, Options
    from postlint.ruletypes import dates

    texts = re.findall(r'"([^"\n]{3,})"', inspect.getsource(inspect.getmodule(found)))
    def strings(node) -> list[str]:
        if isinstance(node, dict):
            return [s for value in node.values() for s in strings(value)]
        if isinstance(node, list):
            return [s for value in node for s in strings(value)]
        return [node] if isinstance(node, str) and " " in node else []

    for path in sorted(Path(__file__).parent.joinpath("data").glob("*/*.yaml")):
        texts += strings(yaml.safe_load(path.read_text(encoding="utf-8")))
    texts += [t.upper() for t in texts]
    ctx = Context(ConfigResolver(None).for_input(Path("x.txt")), Options())
    data = dates.load(ctx)
    days = [date(2025, 3, 10), date(2025, 3, 13), date(2025, 3, 16), date(2025, 7, 10), date(2025, 12, 24)]
    found_any = 0
    for code in ("en", "es", "pl", "nb"):
        screened = data.language(code)
        assert screened.day_words is not None
        unscreened = dataclasses.replace(screened, day_words=None)
        for text in texts:
            for day in days:
                expected = list(dates.contradictions(text, unscreened, data, day))
                assert list(dates.contradictions(text, screened, data, day)) == expected, (code, text, day)
                found_any += bool(expected)
    assert len(texts) > 2000 and found_any > 100
