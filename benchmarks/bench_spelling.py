"""Measure languages and spelling: the numbers quoted in the README.

    python3 benchmarks/bench_spelling.py all         # everything below
    python3 benchmarks/bench_spelling.py detect      # detection accuracy on the clean corpora
    python3 benchmarks/bench_spelling.py corpus      # findings per 1,000 words of real edited text
    python3 benchmarks/bench_spelling.py typos       # typo recall and suggestion accuracy
    python3 benchmarks/bench_spelling.py load        # one-time cost of each language (cold process)
    python3 benchmarks/bench_spelling.py queue [N]   # posts/s of the spelling rules on an N-post queue

Runs the real rule module through the engine (no CLI), with the built-in rules/spelling.yaml.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "spelling"
LANGS = ("en", "es", "pl", "nb")


def _setup():
    from postlint import config
    from postlint.engine import Context, Options
    from postlint.rules import builtin_rules_dir, load_file

    rules = load_file(builtin_rules_dir() / "spelling.yaml")
    return rules, Context(config.DEFAULT, Options())


def _post(text: str, language: str | None = None, i: int = 0):
    from postlint.model import Post

    return Post(path="bench", id=f"p{i}", text=text, language=language, index=i)


def clean_posts(lang: str) -> list[str]:
    lines = (DATA / f"clean-{lang}.txt").read_text("utf-8").splitlines()
    return [x for x in lines if x.strip() and not x.startswith("#")]


def detect() -> None:
    from postlint import language

    _, ctx = _setup()
    total = right = unsure = 0
    for lang in LANGS:
        posts = clean_posts(lang)
        found = [language.detection(_post(p), ctx) for p in posts]
        ok = sum(f.lang == lang for f in found)
        total, right = total + len(posts), right + ok
        unsure += sum(not f.sure for f in found)
        print(f"detect {lang}: {ok}/{len(posts)} right, {sum(not f.sure for f in found)} unsure, "
              f"min margin {min(f.margin for f in found):.2f}")
    print(f"detect all: {right}/{total} = {100 * right / total:.1f}% ({unsure} unsure)")


def corpus() -> None:
    from postlint.engine import lint_post
    from postlint.model import Severity
    from postlint.ruletypes.spelling import words

    rules, ctx = _setup()
    for lang in LANGS:
        n_words = 0
        serious: list[str] = []
        infos = 0
        for path in sorted((DATA / "real").glob(f"{lang}-*.txt")):
            for para in path.read_text("utf-8").split("\n"):
                if not para.strip():
                    continue
                n_words += sum(1 for _ in words(para))
                for f in lint_post(_post(para, lang), rules, ctx):
                    if f.severity >= Severity.WARNING:
                        serious.append(f.match)
                    else:
                        infos += 1
        rate = 1000 * len(serious) / max(n_words, 1)
        print(f"corpus {lang}: {n_words} words, {len(serious)} findings at warning+ "
              f"= {rate:.2f} per 1,000 words ({infos} info); {sorted(set(serious))[:12]}")


def typos() -> None:
    from postlint.engine import lint_post

    rules, ctx = _setup()
    total = caught = first = anywhere = 0
    for lang in LANGS:
        rows = (DATA / f"typos-{lang}.tsv").read_text("utf-8").splitlines()[1:]
        c = f1 = 0
        for i, row in enumerate(rows):
            text, wrong, expected = row.split("\t")
            found = [f for f in lint_post(_post(text, None, i), rules, ctx) if f.match == wrong]
            if found:
                c += 1
                f1 += bool(found[0].suggestions) and found[0].suggestions[0] == expected
                anywhere += expected in found[0].suggestions
        total, caught, first = total + len(rows), caught + c, first + f1
        print(f"typos {lang}: caught {c}/{len(rows)}, right first suggestion {f1}/{len(rows)}")
    print(f"typos all: recall {caught}/{total} = {100 * caught / total:.1f}%, first suggestion right "
          f"{first}/{total}, expected among suggestions {anywhere}/{total}")
    rows = [r.split("\t") for r in (DATA / "heldout.tsv").read_text("utf-8").splitlines()[1:]]
    caught = first = anywhere = 0
    for lang, wrong, expected in rows:
        from postlint.ruletypes.spelling import _checker

        checker = _checker(lang, ctx)
        if not checker.knows(wrong):
            caught += 1
            got = checker.suggest(wrong, 3)
            first += got[:1] == (expected,)
            anywhere += expected in got
    print(f"held-out misspellings: caught {caught}/{len(rows)}, first suggestion right "
          f"{first}/{len(rows)}, among suggestions {anywhere}/{len(rows)}")


LOAD = """
import time, sys
t = time.perf_counter()
from postlint import config, language
from postlint.engine import Context, Options
from postlint.model import Post
from postlint.rules import builtin_rules_dir, load_file
from postlint.ruletypes import spelling
rules = load_file(builtin_rules_dir() / "spelling.yaml")
ctx = Context(config.DEFAULT, Options())
t0 = time.perf_counter()
rule = next(r for r in rules if r.id == "spelling.unknown-word")
list(spelling.check(Post("b", "b", "hello", language=sys.argv[1]), rule, ctx))
print(time.perf_counter() - t0)
"""


def load() -> None:
    for lang in LANGS:
        runs = [float(subprocess.run([sys.executable, "-c", LOAD, lang], capture_output=True,
                                     text=True, check=True).stdout) for _ in range(5)]
        print(f"load {lang}: first check {1000 * statistics.median(runs):.1f} ms "
              f"(median of 5 cold processes; lexicon mmap + vocabulary)")


def queue(n: int = 10_000) -> None:
    from postlint.engine import lint_post

    rules, ctx = _setup()
    pool = [p for lang in LANGS for p in clean_posts(lang)]
    typo_rows = [r.split("\t")[0] for lang in LANGS
                 for r in (DATA / f"typos-{lang}.tsv").read_text("utf-8").splitlines()[1:]]
    pool += typo_rows
    posts = [_post(pool[i % len(pool)] + f" {i}", None, i) for i in range(n)]
    for lang in LANGS:  # warm the lexicons so the rate is the steady state
        lint_post(_post("hello", lang), rules, ctx)
    start = time.perf_counter()
    found = sum(len(lint_post(p, rules, ctx)) for p in posts)
    elapsed = time.perf_counter() - start
    print(f"queue: {n} posts (4 languages, detection on, {len(typo_rows)}/{len(pool)} with typos) "
          f"in {elapsed:.2f} s = {n / elapsed:,.0f} posts/s, {found} findings")


def main(argv: list[str]) -> None:
    what = argv[0] if argv else "all"
    if what in ("detect", "all"):
        detect()
    if what in ("corpus", "all"):
        corpus()
    if what in ("typos", "all"):
        typos()
    if what in ("load", "all"):
        load()
    if what in ("queue", "all"):
        queue(int(argv[1]) if len(argv) > 1 else 10_000)


if __name__ == "__main__":
    main(sys.argv[1:])
