"""Queue-level rules: schedule.duplicate and schedule.burst, over the whole queue of a config."""

from __future__ import annotations

import json
import time

SELECT = ("--select", "schedule.duplicate", "--select", "schedule.burst")
LONG = "Our new oat-milk flat white is here: smooth, nutty and 100% plant based. Come try it"


def csv(write, rows: list[tuple[str, str, str, str, str]], name: str = "q.csv") -> str:
    lines = ["id,account,platform,scheduled_at,message"]
    lines += [",".join(f'"{c}"' for c in row) for row in rows]
    return str(write(name, "\n".join(lines) + "\n"))


def by_rule(run) -> dict[str, list[str]]:
    assert run.exit_code in (0, 1), run.stderr
    out: dict[str, list[str]] = {}
    for f in run.json["findings"]:
        out.setdefault(f["rule"], []).append(f["post"])
    return out


def test_same_text_twice_on_one_account_is_a_duplicate(write, check):
    path = csv(write, [
        ("a", "@acme", "x", "2025-03-13T10:00:00Z", "Fresh coffee is here! https://acme.test/?utm=a"),
        ("b", "@acme", "x", "2025-03-14T10:00:00Z", "fresh coffee is here!! https://acme.test/?utm=b"),
        ("c", "@acme", "instagram", "2025-03-15T10:00:00Z", "Fresh coffee is here!"),  # other channel
        ("d", "@acme_es", "x", "2025-03-16T10:00:00Z", "Fresh coffee is here!"),  # other account
    ])
    run = check(*SELECT, path)
    assert by_rule(run) == {"schedule.duplicate": ["b"]} and run.exit_code == 1
    [finding] = run.json["findings"]
    assert "a (" in finding["message"] and finding["line"] == 3


def test_nearly_the_same_long_text_is_a_duplicate_short_ones_must_be_equal(write, check):
    path = csv(write, [
        ("a", "@acme", "x", "2025-03-13T10:00:00Z", LONG + "!"),
        ("b", "@acme", "x", "2025-03-14T10:00:00Z", LONG.replace("Come", "Do come") + " today."),
        ("c", "@acme", "x", "2025-03-15T10:00:00Z", "Sale: 20% off"),
        ("d", "@acme", "x", "2025-03-16T10:00:00Z", "Sale: 30% off"),
        ("e", "@acme", "x", "2025-03-17T10:00:00Z", "A completely different message about our baristas"),
    ])
    assert by_rule(check(*SELECT, path)) == {"schedule.duplicate": ["b"]}


def test_unscheduled_posts_and_posts_that_ignore_the_rule_are_not_a_queue(write, check):
    write("a.txt", f"{LONG}\n")
    write("b.txt", f"{LONG}\n")
    write("c.txt", f"---\nscheduled_at: 2025-03-13T10:00:00Z\nignore: [schedule.duplicate]\n---\n{LONG}\n")
    write("d.txt", f"---\nscheduled_at: 2025-03-14T10:00:00Z\n---\n{LONG}\n")
    assert check(*SELECT, str(write("e.txt", "x").parent)).json["findings"] == []


def test_duplicates_across_files_of_one_config(write, check):
    write("a.txt", f"---\nscheduled_at: 2025-03-13T10:00:00Z\n---\n{LONG}\n")
    write("b.txt", f"---\nscheduled_at: 2025-03-20T10:00:00Z\n---\n{LONG}\n")
    run = check(*SELECT, str(write("a.txt", f"---\nscheduled_at: 2025-03-13T10:00:00Z\n---\n{LONG}\n").parent))
    assert by_rule(run) == {"schedule.duplicate": ["b"]}


def test_burst_defaults_more_than_three_an_hour_and_ten_minutes_apart(write, check):
    path = csv(write, [
        ("a", "@acme", "x", "2025-03-13T10:00:00Z", "one"),
        ("b", "@acme", "x", "2025-03-13T10:05:00Z", "two"),     # 5 min after a
        ("c", "@acme", "x", "2025-03-13T10:20:00Z", "three"),
        ("d", "@acme", "x", "2025-03-13T10:40:00Z", "four"),    # 4th within the hour
        ("e", "@acme", "x", "2025-03-13T11:00:00Z", "five"),    # a is exactly an hour ago: out
        ("f", "@other", "x", "2025-03-13T10:01:00Z", "six"),    # other account
    ])
    run = check(*SELECT, path)
    findings = {f["post"]: f["message"] for f in run.json["findings"]}
    assert set(findings) == {"b", "d", "e"}
    assert "5 minute(s)" in findings["b"] and "limit is 3 per hour" in findings["d"]
    assert all(f["severity"] == "warning" for f in run.json["findings"])


def test_burst_limits_come_from_the_config(write, check):
    write(".postlint.yaml", "schedule: {max_per_hour: 1, min_gap_minutes: 0}\n")
    path = csv(write, [
        ("a", "@acme", "x", "2025-03-13T10:00:00Z", "one"),
        ("b", "@acme", "x", "2025-03-13T10:50:00Z", "two"),
        ("c", "@acme", "x", "2025-03-13T12:00:00Z", "three"),
    ])
    assert by_rule(check(*SELECT, path)) == {"schedule.burst": ["b"]}
    write(".postlint.yaml", "schedule: {max_per_hour: 0, min_gap_minutes: 60}\n")
    assert by_rule(check(*SELECT, path)) == {"schedule.burst": ["b"]}
    write(".postlint.yaml", "schedule: {max_per_hour: 0, min_gap_minutes: 0}\n")
    assert check(*SELECT, path).json["findings"] == []
    write(".postlint.yaml", "schedule: {max_per_hour: many}\n")
    run = check(*SELECT, path)
    assert run.exit_code == 2 and ".postlint.yaml:1" in run.stderr


def test_naive_times_are_compared_in_the_config_timezone(write, check):
    write(".postlint.yaml", "timezone: Europe/Oslo\n")
    path = csv(write, [
        ("a", "@acme", "x", "2025-03-13T10:00:00", "one"),         # 09:00 UTC
        ("b", "@acme", "x", "2025-03-13T09:05:00Z", "two"),        # 5 minutes later
    ])
    assert by_rule(check(*SELECT, path)) == {"schedule.burst": ["b"]}


def test_a_big_queue_stays_fast(write, check):
    rows = [{"id": f"p{i}", "account": f"@a{i % 5}", "scheduled_at": f"2025-03-{1 + i % 28:02d}T{i % 24:02d}:00:00Z",
             "text": f"Post {i}: " + " ".join(f"word{(i * 7 + k) % 997}" for k in range(20))}
            for i in range(3000)]
    path = write("big.jsonl", "\n".join(json.dumps(r) for r in rows) + "\n")
    started = time.perf_counter()
    run = check(*SELECT, "--jobs", "1", str(path))
    assert run.exit_code in (0, 1)
    assert time.perf_counter() - started < 10  # about 2 s here; it was 100 s with character diffs


def test_translations_without_an_account_are_separate_channels(write, check):
    write(".postlint.yaml", "languages: [en, es]\n")
    path = csv(write, [
        ("en1", "", "x", "2025-03-13T10:00:00Z", "Our new spring menu is here, come and taste it"),
        ("es1", "", "x", "2025-03-13T10:00:00Z", "Nuestro nuevo menú de primavera ya está aquí, ven a probarlo"),
        ("en2", "", "x", "2025-03-13T10:03:00Z", "And the new cups are in store from today"),
    ])
    run = check(*SELECT, path)
    assert [(f["rule"], f["post"]) for f in run.json["findings"]] == [("schedule.burst", "en2")]


def test_bad_thresholds_in_a_user_rule_fail_the_run(write, check, tmp_path):
    write("extra/q.yaml", """\
        rules:
          - id: schedule.duplicate
            type: queue
            category: schedule
            severity: error
            check: duplicate
            similarity: 1.5
            summary: s
            message: m
        """)
    run = check(*SELECT, "--rules", str(tmp_path / "extra"), str(write("a.txt", "hi")))
    assert run.exit_code == 2 and "q.yaml:2" in run.stderr and "similarity" in run.stderr


def test_near_pair_filter_finds_exactly_what_comparing_every_pair_finds():
    import random

    from postlint.ruletypes.queue import _near_pairs

    rng = random.Random(8)
    vocabulary = [f"w{i}" for i in range(60)]
    texts = []
    for _ in range(300):
        if texts and rng.random() < 0.3:  # a near copy of an earlier text
            words = list(rng.choice(texts))
            words[rng.randrange(len(words))] = rng.choice(vocabulary)
            texts.append(tuple(words))
        else:
            texts.append(tuple(rng.choice(vocabulary) for _ in range(rng.randint(8, 20))))
    t = 0.9

    def close(a, b):
        sa, sb = set(texts[a]), set(texts[b])
        return (2 * len(sa & sb) >= t * (len(sa) + len(sb))
                and 2 * min(len(texts[a]), len(texts[b])) >= t * (len(texts[a]) + len(texts[b])))

    brute = {(a, b) for b in range(len(texts)) for a in range(b) if close(a, b)}
    assert len(brute) > 50
    assert set(_near_pairs(texts, t)) == brute
