"""What event matching costs per post, on the 10,000-post queue: a config with `markets` and a
newsroom feed (see events_setup.py) against the same config without them.

    python benchmarks/events_setup.py && python benchmarks/bench_events.py [--size 10000] [--repeat 3]

Whole-process wall times (bench_check.py --config) drift by more than this cost on a shared
machine, so this runs the whole check in-process, all built-in rules, `--jobs 1`, offline, and
measures CPU time (process_time: other jobs on the machine do not inflate it), alternating the
two configs. The difference, divided by the number of posts, is the cost per post. Work the
event rules share with other rules (the post's language, its hashtag spans, its promotional
cues) is memoised per post and paid once either way, which is why the isolated cost of the
three event rules (printed too) is higher than the difference.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402

from postlint import engine, runner  # noqa: E402
from postlint.engine import Options  # noqa: E402

EVENT_RULES = ("schedule.live-event", "schedule.sensitive-date")


def measure(queue: Path, config: Path) -> tuple[float, float, int]:
    """(CPU seconds of the whole check, CPU seconds inside the event rules, findings)."""
    inside = [0.0]
    original = engine.lint_post

    def timed(post, rules, ctx):  # the event rules' own share, like profile_check.py
        found = []
        for rule in rules:
            started = time.process_time()
            found.extend(original(post, [rule], ctx))
            if rule.id in EVENT_RULES:
                inside[0] += time.process_time() - started
        return found

    runner.lint_post = timed
    try:
        started = time.process_time()
        result = runner.run([str(queue)], runner.Settings(options=Options(offline=True)), config, jobs=1)
        total = time.process_time() - started
    finally:
        runner.lint_post = original
    return total, inside[0], sum(1 for f in result.findings if f.rule in (*EVENT_RULES, "schedule.blackout"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    queue = HERE / "out" / f"varied-{args.size}.jsonl"
    if not queue.exists():
        corpus.write(queue, args.size, "varied")
    folder = HERE / "out" / "events"
    if not (folder / "events.postlint.yaml").exists():
        raise SystemExit("run benchmarks/events_setup.py first")
    runs: dict[str, list] = {"base": [], "events": []}
    measure(queue, folder / "base.postlint.yaml")  # warm the disk caches (lemma tries, rules)
    for _ in range(args.repeat):
        for name in runs:
            runs[name].append(measure(queue, folder / f"{name}.postlint.yaml"))
    base = statistics.median(r[0] for r in runs["base"])
    events = statistics.median(r[0] for r in runs["events"])
    rules = statistics.median(r[1] for r in runs["events"])
    print(f"whole check, base   : {base:6.2f} s CPU")
    print(f"whole check, events : {events:6.2f} s CPU  ({runs['events'][0][2]} schedule.live-event/"
          "sensitive-date/blackout findings)")
    print(f"difference          : {events - base:6.2f} s = {(events - base) / args.size * 1e6:5.0f} µs per post")
    print(f"event rules alone   : {rules:6.2f} s = {rules / args.size * 1e6:5.0f} µs per post")


if __name__ == "__main__":
    main()
