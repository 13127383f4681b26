"""Profile one `postlint check` run in-process with cProfile and print the hot spots.

    python benchmarks/profile_check.py benchmarks/out/varied-10000.jsonl [--top 25] [--jobs 1]

Also prints the time spent in each rule's check, which is what to look at first when a
new rule type slows the queue down. (Not a timed test; see bench_check.py for wall times.)
"""

from __future__ import annotations

import argparse
import cProfile
import collections
import pstats
import time

from postlint import engine, runner
from postlint.engine import Options


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    per_rule: collections.Counter = collections.Counter()

    def timed_lint_post(post, rules, ctx):
        found = []
        for rule in rules:
            started = time.perf_counter()
            found.extend(original(post, [rule], ctx))
            per_rule[rule.id] += time.perf_counter() - started
        return found

    original = engine.lint_post
    runner.lint_post = timed_lint_post
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    result = runner.run([args.path], runner.Settings(options=Options(offline=True)), jobs=1)
    profile.disable()
    total = time.perf_counter() - started
    print(f"{result.summary.posts} posts in {total:.2f} s under the profiler\n")
    print("time per rule (s):")
    for rule_id, seconds in per_rule.most_common(args.top):
        print(f"  {seconds:7.3f}  {rule_id}")
    print()
    pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
