"""Throughput of the sensitive-topic and profanity lexicon rules on a 10,000-post queue.

    python benchmarks/bench_lexicon.py [--posts 10000] [--repeat 3]

The queue cycles through the labelled posts in tests/data (four languages, positives and
clean posts), each made unique with a suffix so no per-text cache helps. Two measurements:

- in-process: the 12 lexicon rules only, through `engine.lint_post`, after a warm-up post
  per language (index build and spaCy load are reported separately as "build");
- CLI: `postlint check --offline --select sensitive --select profanity` on the queue written
  as JSONL, one cold process (includes interpreter, spaCy and lexicon load).

Posts carry their `language`, so language detection (issue 4) is not part of the numbers.
Also prints recall and false-positive rate on the labelled files, so one command quotes all
the figures the README gives.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
FILES = [DATA / "sensitive" / "positives.yaml", DATA / "profanity" / "positives.yaml",
         DATA / "sensitive" / "benign.yaml", DATA / "profanity" / "benign.yaml",
         DATA / "sensitive" / "heldout.yaml", DATA / "sensitive" / "heldout2.yaml"]
SUFFIXES = ["", " See you soon!", " #AcmeCoffee", " Open 7-19 every day.", " 🙂"]


def labelled() -> list[dict]:
    return [p for f in FILES for p in yaml.safe_load(f.read_text("utf-8"))["posts"]]


def queue(n: int, clean_only: bool = False) -> list[dict]:
    """n unique posts cycling through the labelled ones (or only the clean ones)."""
    source = [p for p in labelled() if not (clean_only and p.get("expect"))]
    out = []
    for i, post in zip(range(n), itertools.cycle(source)):
        out.append({"id": f"q{i}", "language": post["language"],
                    "message": f"{post['message']}{SUFFIXES[i % len(SUFFIXES)]} #{i}"})
    return out


def in_process(posts: list[dict], repeat: int) -> tuple[float, list[float]]:
    from postlint.config import DEFAULT
    from postlint.engine import Context, Options, lint_post
    from postlint.model import Post
    from postlint.rules import load_rules

    rules = [r for r in load_rules() if r.type == "lexicon"]
    objects = [Post(path="queue", id=p["id"], text=p["message"], language=p["language"], index=i)
               for i, p in enumerate(posts)]
    ctx = Context(DEFAULT, Options(offline=True))
    started = time.perf_counter()
    for lang in ("en", "es", "pl", "nb"):  # build indexes and load spaCy once
        lint_post(Post(path="w", id="w", text="warm up", language=lang), rules, ctx)
    build = time.perf_counter() - started
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        for post in objects:
            lint_post(post, rules, ctx)
        times.append(time.perf_counter() - started)
    return build, times


def cli(posts: list[dict]) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "queue.jsonl"
        path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in posts), "utf-8")
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "postlint", "check", "--offline", "--quiet",
                        "--jobs", "1", "--format", "json", "--select", "sensitive",
                        "--select", "profanity", str(path)], cwd=ROOT, capture_output=True,
                       check=False)
        return time.perf_counter() - started


def quality() -> tuple[int, int, int, int]:
    """(hits, positives, false alarms, clean) over the labelled files, via the real CLI."""
    hits = total = alarms = clean = 0
    for f in FILES:
        result = subprocess.run([sys.executable, "-m", "postlint", "check", "--offline", "--quiet",
                                 "--format", "json", "--select", "sensitive", "--select",
                                 "profanity", str(f)], cwd=ROOT, capture_output=True, text=True)
        found: dict[str, set[str]] = {}
        for finding in json.loads(result.stdout)["findings"]:
            found.setdefault(finding["post"], set()).add(finding["rule"])
        for post in yaml.safe_load(f.read_text("utf-8"))["posts"]:
            if post.get("expect"):
                total += 1
                hits += set(post["expect"]) <= found.get(post["id"], set())
            else:
                clean += 1
                alarms += bool(found.get(post["id"]))
    return hits, total, alarms, clean


def independent_clean() -> tuple[int, int]:
    """(posts with findings, posts) on clean brand posts written by another engineer for the
    spelling tests (tests/data/spelling/clean-*.txt): a false-positive check not tuned on."""
    posts = []
    for lang in ("en", "es", "pl", "nb"):
        path = DATA / "spelling" / f"clean-{lang}.txt"
        if path.exists():
            lines = [l.strip() for l in path.read_text("utf-8").splitlines()]
            posts += [{"id": f"{lang}{i}", "language": lang, "message": l}
                      for i, l in enumerate(lines) if l and not l.startswith("#")]
    if not posts:
        return 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "clean.jsonl"
        path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in posts), "utf-8")
        result = subprocess.run([sys.executable, "-m", "postlint", "check", "--offline", "--quiet",
                                 "--format", "json", "--select", "sensitive", "--select",
                                 "profanity", str(path)], cwd=ROOT, capture_output=True, text=True)
    flagged = {f["post"] for f in json.loads(result.stdout)["findings"]}
    return len(flagged), len(posts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    posts = queue(args.posts)
    build, times = in_process(posts, args.repeat)
    best, median = min(times), statistics.median(times)
    print(f"lexicon rules, in-process, labelled mix (half positives): build {build:.2f} s; "
          f"{len(posts)} posts in {best:.2f} s best / {median:.2f} s median = "
          f"{len(posts) / median:,.0f} posts/s")
    _, times = in_process(queue(args.posts, clean_only=True), args.repeat)
    median = statistics.median(times)
    print(f"lexicon rules, in-process, clean posts only: {len(posts)} posts in "
          f"{median:.2f} s median = {len(posts) / median:,.0f} posts/s")
    wall = cli(posts)
    print(f"postlint check (sensitive+profanity), cold CLI: {len(posts)} posts in {wall:.2f} s "
          f"= {len(posts) / wall:,.0f} posts/s")
    hits, total, alarms, clean = quality()
    print(f"labelled corpus: recall {hits}/{total} = {hits / total:.3f}; "
          f"false positives {alarms}/{clean} = {alarms / clean:.3f}")
    flagged, total = independent_clean()
    if total:
        print(f"independent clean brand posts (spelling corpus): {flagged}/{total} with a finding")


if __name__ == "__main__":
    main()
