"""Recall and false alarms of the judgement rules on this project's functional suites.

    python3 benchmarks/bench_judgement.py [--lang en] [--ways]
    python3 benchmarks/bench_judgement.py --cost QUEUE.jsonl   # share of check time
    python3 benchmarks/bench_judgement.py --pairs QUEUE.jsonl [--rounds 3]  # whole processes


For each language (tests/data/judgement/<lang>.yaml): recall = hateful cases (an `expect`
with a profanity rule) where every expected rule fired; false alarms = cases with no
profanity rule expected where one fired. With --ways, the same per way. Also counts the
clean brand posts of tests/data/{sensitive,profanity}/benign.yaml with any finding.
Uses the installed `postlint` through the real CLI, like the tests.

`--cost QUEUE`: in one warm process, the CPU time of checking every post of a queue with all
built-in rules, and without the relation rules (the judgement), post by post in turns so
that a busy machine slows both alike; prints the judgement's share. The posts are read once,
so reading, ranking and formatting (which judgement does not touch) are not counted: the
share of a whole run is smaller.

`--pairs QUEUE`: whole `postlint check --jobs 1` processes over the queue, with all rules and
with the relation rules ignored (`--ignore`), in interleaved pairs (the order alternates);
prints each pair's CPU seconds (user + system of the child, not wall time: a busy machine
stretches wall time far more) and their ratio, then the median ratio. The issue's bound:
at most 1.10 (throughput with judgement at least 90 % of without).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
LANGS = ("en", "es", "pl", "nb")


def run(posts: list[dict], select: tuple[str, ...] = ("profanity", "sensitive", "voice.personal-on-brand")) -> dict[str, set[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        queue = Path(tmp) / "q.jsonl"
        queue.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in posts), "utf-8")
        args = [sys.executable, "-m", "postlint", "check", "--format", "json", "--quiet",
                "--offline", *(x for s in select for x in ("--select", s)), str(queue)]
        out = subprocess.run(args, capture_output=True, text=True, check=False)
    if out.returncode not in (0, 1):
        sys.exit(out.stderr)
    found: dict[str, set[str]] = defaultdict(set)
    for f in json.loads(out.stdout)["findings"]:
        found[f["post"]].add(f["rule"])
    return found


def cost(path: str, rounds: int = 3) -> None:
    """Per-post CPU with and without the relation rules (see the module's docstring)."""
    import time

    from postlint import api
    from postlint.engine import Context, Options, lint_post
    from postlint.readers import read_posts

    config = api.load_config(None)
    options = Options(offline=True)
    rules, _ = api._context(config, (), (), options)
    variants = {"all rules": (rules, Context(config, options)),
                "without judgement": ([r for r in rules if r.type != "relation"], Context(config, options))}
    posts = [p for _, p in read_posts([path], lambda *a, **k: None, lambda *a, **k: None) if p.text]
    spent = dict.fromkeys(variants, 0.0)
    clock = time.process_time
    for i in range(rounds):
        for n, post in enumerate(posts):
            # post by post, in turns, each variant with a context of its own: a busy machine
            # slows both alike, and neither reuses what the other computed for the post
            order = list(variants) if (n + i) % 2 else list(reversed(variants))
            for name in order:
                active, ctx = variants[name]
                started = clock()
                lint_post(post, active, ctx)
                if i:  # the first round warms caches and memos for both
                    spent[name] += clock() - started
    per = {k: 1e6 * v / (len(posts) * (rounds - 1)) for k, v in spent.items()}
    share = (per["all rules"] - per["without judgement"]) / per["all rules"]
    print(f"{len(posts)} posts, {rounds - 1} rounds: all rules {per['all rules']:.0f} µs/post, "
          f"without the relation rules {per['without judgement']:.0f} µs/post: "
          f"judgement {share:.1%} of rule time")


RELATION_RULES = ("profanity.hate", "profanity.threat", "profanity.mockery", "profanity.hostility")


def pairs(path: str, rounds: int = 3) -> None:
    """CPU of whole processes with and without the relation rules (see the docstring)."""
    import resource
    import statistics

    def cpu(extra: list[str]) -> float:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-m", "postlint", "check", "--jobs", "1", "--offline",
                        "--quiet", "--format", "json", *extra, path],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    without = [x for r in RELATION_RULES for x in ("--ignore", r)]
    cpu([])  # the first run fills the cache folder (compiled vocabularies, lemma tables)
    ratios = []
    for i in range(rounds):
        order = [("all", []), ("without", without)]
        spent = dict((name, cpu(extra)) for name, extra in (order if i % 2 == 0 else order[::-1]))
        ratios.append(spent["all"] / spent["without"])
        print(f"pair {i + 1}: all rules {spent['all']:.2f} s CPU, without the relation rules "
              f"{spent['without']:.2f} s: ratio {ratios[-1]:.3f}", flush=True)
    print(f"median ratio {statistics.median(ratios):.3f} over {rounds} pairs")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cost", metavar="QUEUE", help="share of check time (see docstring)")
    parser.add_argument("--pairs", metavar="QUEUE", help="whole-process CPU ratio (see docstring)")
    parser.add_argument("--rounds", type=int, default=3, help="pairs for --pairs")
    parser.add_argument("--lang", action="append")
    parser.add_argument("--ways", action="store_true", help="per way, too")
    parser.add_argument("--misses", action="store_true", help="print the cases that fail")
    args = parser.parse_args()
    if args.cost:
        return cost(args.cost)
    if args.pairs:
        return pairs(args.pairs, args.rounds)
    for lang in args.lang or LANGS:
        path = DATA / "judgement" / f"{lang}.yaml"
        if not path.exists():
            print(f"{lang}: no suite")
            continue
        cases = yaml.safe_load(path.read_text("utf-8"))["cases"]
        found = run([{"id": c["id"], "text": c["text"], "language": lang} for c in cases])
        stats: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # hit, hateful, alarm, benign
        for c in cases:
            expect = set(c.get("expect") or ())
            got = found.get(c["id"], set())
            prof = {r for r in got if r.startswith("profanity.")}
            ok = expect <= got and not (prof - expect) and not (got & set(c.get("forbid") or ()))
            hateful = any(r.startswith("profanity.") for r in expect)
            for key in ("all", c["way"]):
                s = stats[key]
                if hateful:
                    s[1] += 1
                    s[0] += expect <= got
                else:
                    s[3] += 1
                    s[2] += bool(prof - expect) or bool(got & set(c.get("forbid") or ()))
            if args.misses and not ok:
                print(f"  MISS {c['id']:<14} {c['way']:<24} expect={sorted(expect)} got={sorted(got)}  {c['text']}")
        for key in ["all"] + (sorted(k for k in stats if k != "all") if args.ways else []):
            hit, hateful, alarm, benign = stats[key]
            rec = f"{hit}/{hateful} ({100 * hit / hateful:.0f} %)" if hateful else "-"
            fa = f"{alarm}/{benign} ({100 * alarm / benign:.0f} %)" if benign else "-"
            print(f"{lang} {key:<24} recall {rec:<16} false alarms {fa}")
    posts = []
    for name in ("sensitive/benign.yaml", "profanity/benign.yaml"):
        for p in yaml.safe_load((DATA / name).read_text("utf-8"))["posts"]:
            posts.append({"id": p["id"], "text": p.get("text") or p["message"], "language": p["language"]})
    found = run(posts, ("profanity", "sensitive"))
    noisy = [p["id"] for p in posts if found.get(p["id"])]
    print(f"clean brand posts with any finding: {len(noisy)}/{len(posts)} {noisy[:10]}")


if __name__ == "__main__":
    main()
