"""A run streams: memory bounded by the work in flight, the same findings as before.

- queue rules (`schedule.duplicate`, `schedule.burst`) keep compact state; their findings
  are compared with the whole-list algorithm they replaced (kept here as the oracle) on
  queues with exact and near repeats, bursts, mixed offsets and naive times;
- the runner holds no more posts than the chunks and blocks in flight, whatever the queue;
- findings are ranked through a bounded buffer that spills to disk (`postlint.spill`), in
  the contract's order (and the text report's worst-post-first order);
- every format gives the same report whether the findings fitted in memory or not.
"""

from __future__ import annotations

import difflib
import gc
import json
import math
import random
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from postlint import spill
from postlint.config import ConfigResolver
from postlint.engine import Options, rank
from postlint.model import Finding, Locator, Post, Severity
from postlint.report import Report
from postlint.ruletypes import queue
from postlint.ruletypes.queue import _channel, _eligible, _limits, _normalise, _where
from postlint.ruletypes.schedule import schedule_line, show, when
from postlint.runner import Settings, _Linter, run

# --- the whole-list algorithms that the streaming state replaced: the oracle -----------------


def _old_check_queue(posts: list[Post], rule, ctx):
    groups = defaultdict(list)
    for post in _eligible(posts, rule):
        groups[_channel(post, ctx)].append(post)
    for group in groups.values():
        if rule.options.get("check") == "duplicate":
            yield from _old_duplicates(group, rule)
        else:
            yield from _old_bursts(group, rule, ctx)


def _old_duplicates(group, rule):
    threshold = float(rule.options.get("similarity", 0.9))
    normal = [(_normalise(p.text), i, p) for i, p in enumerate(group)]
    seen, reported = {}, set()
    for text, i, post in normal:
        if not text:
            continue
        if text in seen:
            reported.add(i)
            yield rule.finding(post, (0, len(post.text.rstrip())), other=_where(seen[text]), similarity=100)
        else:
            seen[text] = post
    if threshold >= 1:
        return
    shortest = int(rule.options.get("near_min_chars", 40))
    candidates = [(tuple(text.split()), i, post) for text, i, post in normal
                  if len(text) >= shortest and i not in reported]
    for a, b in _old_near_pairs([c[0] for c in candidates], threshold):
        (words_a, i, post_a), (words_b, j, post_b) = candidates[a], candidates[b]
        if max(i, j) in reported:
            continue
        ratio = difflib.SequenceMatcher(None, words_a, words_b, autojunk=False).ratio()
        if ratio < threshold:
            continue
        first, later = (post_a, post_b) if i < j else (post_b, post_a)
        reported.add(max(i, j))
        yield rule.finding(later, (0, len(later.text.rstrip())), other=_where(first),
                           similarity=round(ratio * 100))


def _old_near_pairs(texts, threshold):
    sets = [frozenset(words) for words in texts]
    frequency = Counter(word for words in sets for word in words)
    rarest_first = {word: (count, word) for word, count in frequency.items()}.__getitem__
    index = defaultdict(list)
    for b, words in enumerate(sets):
        needed = math.ceil(threshold * len(words) / (2 - threshold))
        prefix = sorted(words, key=rarest_first)[:max(len(words) - needed + 1, 1)]
        seen = set()
        for word in prefix:
            for a in index[word]:
                if a in seen:
                    continue
                seen.add(a)
                size = len(sets[a]) + len(words)
                if 2 * len(sets[a] & words) >= threshold * size and \
                        2 * min(len(texts[a]), len(texts[b])) >= threshold * (len(texts[a]) + len(texts[b])):
                    yield a, b
            index[word].append(b)


def _old_bursts(group, rule, ctx):
    per_hour, gap = _limits(rule, ctx)
    timed = sorted(((m, p) for p in group if (m := when(p, ctx)) is not None), key=lambda t: t[0])
    window_start = 0
    for k, (moment, post) in enumerate(timed):
        line = schedule_line(post)
        while timed[window_start][0] <= moment - timedelta(hours=1):
            window_start += 1
        count = k - window_start + 1
        if per_hour and count > per_hour:
            yield rule.finding(post, line=line, match=moment.isoformat(), when=show(moment, ctx),
                               count=count, limit=per_hour, first=show(timed[window_start][0], ctx))
            continue
        if gap and k > 0:
            previous_moment, previous = timed[k - 1]
            minutes = (moment - previous_moment) / timedelta(minutes=1)
            if minutes < gap:
                yield rule.finding(post, line=line, match=moment.isoformat(),
                                   message=rule.options.get("gap_message"), when=show(moment, ctx),
                                   minutes=round(minutes), gap=gap, other=_where(previous))


# --- queues -----------------------------------------------------------------------------------

SENTENCES = [
    "Our autumn blend is back in every shop this week with caramel and hazelnut notes",
    "We are hiring baristas in Oslo and Madrid so come and talk to us at the counter",
    "Thanks to everyone who joined the tasting on Saturday it was a wonderful afternoon",
    "Rainy day ahead so warm up with a cortado and a good book in our reading corner",
    "Nuestro café de otoño ya está aquí con notas de caramelo y avellana para todos",
]


def _queue(n: int, seed: int = 5) -> list[Post]:
    """Posts with exact repeats, near repeats (one word changed, a link added), short texts,
    several channels, unscheduled and ignored posts, times with offsets and naive ones."""
    rng = random.Random(seed)
    posts = []
    start = datetime(2030, 3, 1, 8, tzinfo=timezone.utc)
    for i in range(n):
        text = rng.choice(SENTENCES)
        roll = rng.random()
        if roll < 0.3:  # a near repeat: one word replaced
            words = text.split()
            words[rng.randrange(len(words))] = rng.choice(["latte", "mocha", "today", "tomorrow"])
            text = " ".join(words)
        elif roll < 0.4:
            text = f"Sale {rng.randrange(10, 60)}% today"  # short: exact repeats only
        elif roll < 0.5:
            text += f" https://acme.example/p/{rng.randrange(5)}?utm_source=x"
        moment = start + timedelta(minutes=rng.choice([3, 7, 12, 25, 40]) * i)
        zone = rng.choice([timezone.utc, timezone(timedelta(hours=2)), None])
        scheduled = None if rng.random() < 0.05 else (
            moment.replace(tzinfo=None) if zone is None else moment.astimezone(zone))
        posts.append(Post(
            path=rng.choice(["q1.jsonl", "q2.jsonl"]), id=f"post-{i}", text=text + "\n",
            locator=Locator(line=i + 1, column=10), account=rng.choice(["@acme", "@acme_es", None]),
            platform=rng.choice(["x", "instagram"]), scheduled_at=scheduled,
            language=rng.choice(["en", "es"]), index=i,
            ignore=("schedule.duplicate",) if rng.random() < 0.02 else (),
            field_lines=(("scheduled_at", i + 1),)))
    return posts


@pytest.fixture(scope="module")
def queue_rules(tmp_path_factory):
    linter = _Linter(Settings(options=Options(offline=True)))
    config = ConfigResolver(None).for_input(tmp_path_factory.mktemp("q") / "q.jsonl")
    active, ctx = linter.for_config(config)
    return {r.id: r for r in active if r.type == "queue"}, ctx


@pytest.mark.parametrize("rule_id", ["schedule.duplicate", "schedule.burst"])
def test_queue_rule_state_finds_what_the_whole_list_algorithm_found(queue_rules, rule_id):
    rules, ctx = queue_rules
    posts = _queue(1500)
    old = list(_old_check_queue(posts, rules[rule_id], ctx))
    new = list(queue.check_queue(posts, rules[rule_id], ctx))
    assert len(old) > 20  # the queue does exercise the rule
    assert sorted(new, key=Finding.rank_key) == sorted(old, key=Finding.rank_key)


def test_duplicates_of_one_channel_compare_near_repeats_with_every_earlier_post(queue_rules):
    rules, ctx = queue_rules
    rule = rules["schedule.duplicate"]
    found = {f.post: f for f in queue.check_queue(_queue(1500), rule, ctx)}
    similar = [f for f in found.values() if "100%" not in f.message]
    assert similar and all(f.match and f.end_line >= f.line for f in similar)


def test_queue_state_keeps_no_post(queue_rules):
    """The state holds hashes, numbers and times: after a thousand posts, none is alive."""
    rules, ctx = queue_rules
    refs = queue.Refs()
    states = [queue.queue_state(rule, ctx, refs) for rule in rules.values()]
    for post in _queue(1000):
        for state in states:
            list(state.add(post))
    del post
    gc.collect()
    alive = sum(1 for o in gc.get_objects() if type(o) is Post and o.id.startswith("post-"))
    # at most the last one (which `Refs` remembers, to number it once for both rules) and the
    # last one without an account (the context's per-post memo, for its language)
    assert alive <= 2
    assert all(list(state.finish()) is not None for state in states)


# --- the bounded buffer ---------------------------------------------------------------------


def _findings(n: int, seed: int = 1) -> list[Finding]:
    rng = random.Random(seed)
    return [Finding(path=f"q{rng.randrange(3)}.jsonl", post=f"p{i % 97}", rule=rng.choice(["a.x", "b.y"]),
                    category="spelling", severity=Severity(rng.randrange(4)), message=f"m{i}",
                    line=rng.randrange(1, 50), column=rng.randrange(1, 9), end_line=50, end_column=9,
                    match="w", suggestions=("s",) if i % 2 else (), post_index=i % 97)
            for i in range(n)]


def test_sorted_spills_past_its_limit_and_merges_in_order():
    findings = _findings(2500)
    with spill.Sorted(spill.rank_key, limit=300) as store:
        for finding in findings:
            store.add(spill.pack(finding))
        assert store.spilled >= 2100 and len(store._buffer) < 300  # bounded in memory
        merged = [spill.unpack(item) for item in store]
    assert merged == rank(findings)  # same order, ties in insertion order (a stable sort)


def _old_text_order(findings: list[Finding]) -> list[Finding]:
    """The text report's order as it was computed in memory: posts worst first."""
    groups: dict = {}
    for f in rank(findings):
        groups.setdefault((f.path, f.post, f.post_index), []).append(f)
    ordered = sorted(groups.items(), key=lambda kv: (-max(f.severity for f in kv[1]), kv[0]))
    return [f for _, items in ordered for f in sorted(items, key=Finding.rank_key)]


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_report_order_does_not_depend_on_the_limit(fmt):
    findings = _findings(3000, seed=2)
    expected = rank(findings) if fmt == "json" else _old_text_order(findings)
    with Report(fmt, limit=200) as small:
        small.add(findings[:1000])
        small.add(findings[1000:])
        assert small.spilled > 0
        assert list(small.ordered()) == expected
    with Report(fmt) as big:
        big.add(findings)
        assert big.spilled == 0
        assert list(big.ordered()) == expected


def test_report_counts_hidden_findings_but_keeps_only_shown_ones():
    findings = _findings(400, seed=3)
    with Report("json", Severity.ERROR) as report:
        report.add(findings)
        shown = list(report.ordered())
    assert shown == [f for f in rank(findings) if f.severity >= Severity.ERROR]
    assert sum(report.counts.values()) == 400
    assert report.summary(7).to_dict()["findings"] == len(shown)


# --- the runner -----------------------------------------------------------------------------


def _write_queue(path: Path, n: int) -> Path:
    rng = random.Random(9)
    start = datetime(2030, 3, 1, 8, tzinfo=timezone.utc)
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write(json.dumps({"id": f"row-{i}", "account": "@acme", "platform": "x",
                                  "scheduled_at": (start + timedelta(minutes=7 * i)).isoformat(),
                                  "text": rng.choice(SENTENCES) + rng.choice(["", " #AcmeCoffee"])}) + "\n")
    return path


def test_runner_holds_only_the_posts_in_flight(tmp_path, monkeypatch):
    """Progress is reported after each chunk: at no point are more posts alive than a chunk
    and a block of the link checks, while the queue is ten times larger."""
    import postlint.runner as runner

    monkeypatch.setattr(runner, "CHUNK", 50)
    monkeypatch.setattr(runner, "QUEUE_BLOCK", 100)
    queue_file = _write_queue(tmp_path / "big.jsonl", 2000)
    alive: list[int] = []

    def progress(done: int) -> None:
        if done % 500 == 0:
            alive.append(sum(1 for o in gc.get_objects() if type(o) is Post and o.id.startswith("row-")))

    settings = Settings(select=("schedule", "links", "platform"), options=Options(offline=True))
    report = Report("json")
    result = run([str(queue_file)], settings, jobs=1, progress=progress, sink=report.add)
    assert result.summary.posts == 2000 and result.findings == []  # all went to the sink
    assert alive and max(alive) <= 50 + 100 + 2
    assert report.counts[Severity.WARNING] + report.counts[Severity.ERROR] > 0


@pytest.mark.parametrize("fmt", ["json", "text", "github", "sarif"])
def test_every_format_is_the_same_with_a_spilling_buffer(check, cli, tmp_path, monkeypatch, fmt):
    queue_file = _write_queue(tmp_path / "q.jsonl", 300)
    args = ("check", "--format", fmt, "--now", "2029-12-01T00:00:00Z", "--quiet", "--offline",
            "--jobs", "1", "--select", "schedule", "--select", "platform", "--select", "hashtag",
            str(queue_file))
    whole = cli(*args)
    monkeypatch.setattr(spill, "LIMIT", 7)
    spilled = cli(*args)
    assert whole.exit_code == spilled.exit_code == 1
    assert spilled.stdout == whole.stdout and whole.stdout.count("schedule.duplicate") > 10


def test_streamed_sarif_validates(cli, tmp_path, monkeypatch):
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the test extra")
    schema = json.loads((Path(__file__).parent / "data" / "schemas" / "sarif-schema-2.1.0.json")
                        .read_text("utf-8"))
    monkeypatch.setattr(spill, "LIMIT", 5)
    queue_file = _write_queue(tmp_path / "q.jsonl", 60)
    for selected in ("schedule", "links.broken"):  # many results, then none
        run_ = cli("check", "--format", "sarif", "--quiet", "--offline", "--jobs", "1",
                   "--now", "2029-12-01T00:00:00Z", "--select", selected, str(queue_file))
        document = json.loads(run_.stdout)
        jsonschema.validate(document, schema)
        results = document["runs"][0]["results"]
        assert (len(results) > 10) if selected == "schedule" else results == []


def test_seen_map_answers_like_a_dict_across_merges():
    rng = random.Random(4)
    seen, plain = queue._Seen(), {}
    for ref in range(30_000):
        key = rng.getrandbits(64) if ref % 3 else rng.getrandbits(12)  # repeats too
        if key not in plain:
            assert seen.get(key) is None
            seen.add(key, ref)
            plain[key] = ref
        else:
            assert seen.get(key) == plain[key]
    assert len(seen._keys) > 20_000  # merged into the arrays, several times
    assert all(seen.get(k) == v for k, v in plain.items())
