"""A `check` run: read inputs, find each file's config, lint, collect findings.

Kept apart from the CLI so that tests and the benchmark can drive a whole run without click,
and so the process pool has a small, picklable unit of work: (config, rule settings, posts).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from itertools import chain, islice
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sized

from .config import Config, ConfigResolver, check_languages
from .engine import Context, Options, lint_post, lint_queue, lint_review
from .errors import UsageError
from .model import Finding, Post, Summary
from .readers import Walk, matches_globs, read_posts
from .rules import Rule, configure, load_rules, rule_type

CHUNK = 500
WARM = 100  # posts checked before forking: enough to load what a queue needs, little serial work
IN_FLIGHT = 8  # chunks per worker sent ahead of the results read back


@dataclass(frozen=True)
class Settings:
    """Everything a worker process needs to rebuild the rule set by itself."""

    rule_dirs: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    options: Options = field(default_factory=Options)


@dataclass
class Result:
    findings: list[Finding]
    summary: Summary
    rules: list[Rule]
    errors: list[UsageError]
    # Only with run(keep_posts=True): posts that have findings, by (path, index), for reports
    # that show the text (html). Posts without findings are never kept: memory stays bounded.
    posts: dict[tuple[str, int], Post] = field(default_factory=dict)
    # Approvals of the checked posts (review.judge.View), when a config turns review on.
    approvals: list = field(default_factory=list)


class _Linter:
    """Per-process state: the loaded rules, and one rule set and Context per config."""

    def __init__(self, settings: Settings, rules: list[Rule] | None = None):
        self.settings = settings
        self.rules = rules if rules is not None else load_rules(Path(d) for d in settings.rule_dirs)
        self._active: dict[tuple, tuple[list[Rule], Context]] = {}

    def for_config(self, config: Config) -> tuple[list[Rule], Context]:
        # Keyed by the config's file (and the freeze files folded into it), not the object: a
        # worker receives a fresh copy of the config with every chunk, and must keep its warm
        # Context (matchers, caches) anyway.
        key = (config.path, config.freezes)
        if key not in self._active:
            active = configure(self.rules, config, self.settings.select, self.settings.ignore)
            self._active[key] = (active, Context(config, self.settings.options))
        return self._active[key]

    def lint(self, config: Config, posts: list[Post]) -> list[Finding]:
        active, ctx = self.for_config(config)
        findings: list[Finding] = []
        for post in posts:
            findings.extend(lint_post(post, active, ctx))
        return findings


_WORKER: _Linter | None = None


def _init_worker(settings: Settings) -> None:
    global _WORKER
    if _WORKER is None:  # spawned (not forked) workers load the rules themselves
        _WORKER = _Linter(settings)


def _work(config: Config, posts: list[Post]) -> list[Finding]:
    assert _WORKER is not None
    return _WORKER.lint(config, posts)


def _chunks(items: Iterable[tuple[Config, Post]], size: int) -> Iterator[tuple[Config, list[Post]]]:
    """Consecutive posts that share a config, in lists of at most `size`."""
    current: Config | None = None
    batch: list[Post] = []
    for config, post in items:
        if batch and (config is not current or len(batch) >= size):
            yield current, batch  # type: ignore[misc]
            batch = []
        current = config
        batch.append(post)
    if batch:
        yield current, batch  # type: ignore[misc]


class _WholeQueue:
    """The whole-queue rules of one config, fed each post as it is read, so that no queue
    has to be held in memory:

    - rule types with `queue_state` (duplicates, bursts) keep compact state per post;
    - other `check_queue` types (link and media network checks), whose findings are about
      each post alone once results are known, run over blocks of `block` posts (results
      are remembered for the run, so a URL is still checked once);
    - review judges each post's other findings, so a config with review on keeps its posts
      and their findings until the end, as before.
    """

    def __init__(self, config: Config, active: list[Rule], ctx: Context, block: int):
        self.config, self.active, self.ctx, self.block_size = config, active, ctx, block
        stateful = [r for r in active if hasattr(rule_type(r.type), "queue_state")]
        refs = rule_type("queue").Refs() if stateful else None  # one table for all of them
        self.states = [rule_type(r.type).queue_state(r, ctx, refs) for r in stateful]
        self.blocked = [r for r in active if hasattr(rule_type(r.type), "check_queue")
                        and not hasattr(rule_type(r.type), "queue_state")]
        self.review = any(r.type == "review" for r in active) and \
            bool(int((config.data.get("review") or {}).get("required") or 0))
        self.block: list[Post] = []
        self.posts: list[Post] = []  # review on: every post, for the last pass
        self.findings: list[Finding] = []  # review on: every finding of these posts

    def add(self, post: Post) -> list[Finding]:
        found: list[Finding] = []
        for state in self.states:
            found.extend(state.add(post))
        if self.blocked:
            self.block.append(post)
            if len(self.block) >= self.block_size:
                found += self._flush()
        if self.review:
            self.posts.append(post)
        return found

    def _flush(self) -> list[Finding]:
        block, self.block = self.block, []
        return lint_queue(block, self.blocked, self.ctx) if block else []

    def finish(self) -> list[Finding]:
        found = self._flush()
        for state in self.states:
            found.extend(state.finish())
        return found

    def seen(self, found: Iterable[Finding]) -> None:
        """Findings about this config's posts, kept for review when it is on."""
        if self.review:
            self.findings.extend(found)


QUEUE_BLOCK = 5_000  # posts per block of the link and media whole-queue checks


def run(
    paths: list[str],
    settings: Settings,
    config_file: Path | None = None,
    jobs: int | None = None,
    note: Callable[[str], None] = lambda message: None,
    keep_posts: bool = False,
    progress: Callable[[int], None] = lambda done: None,
    rules: list[Rule] | None = None,
    allow_empty: bool = False,
    force_exclude: bool = False,
    linter: _Linter | None = None,
    on_post: Callable[[Path, Post], None] | None = None,
    sink: Callable[[list[Finding]], None] | None = None,
) -> Result:
    """Lint every post under `paths`. Raises UsageError for a bad config or rule file.

    `rules`: the already loaded rules (the CLI has them), so they are not loaded twice.
    `allow_empty`: a path without posts is not an error; `force_exclude`: files named in
    `paths` are skipped too when excluded (what the pre-commit hook wants).
    `linter`: a warm one from an earlier run in this process (`postlint serve` checks the same
    folders again and again); `on_post`: called with every post read, with its file.
    `sink`: called with each batch of findings as they are found, in no particular order;
    then `Result.findings` stays empty and nothing holds every finding (the CLI ranks them
    with bounded memory, `postlint.spill`). Without it they are collected in the Result.

    Posts are read lazily and dropped once checked: memory is bounded by the posts in
    flight (chunks sent ahead to workers), the compact state of whole-queue rules, and the
    findings the caller keeps; not by the queue (except with review on or `keep_posts`).
    """
    kept: dict[tuple[str, int], Post] = {}
    linter = linter or _Linter(settings, rules)
    from .language import known_languages

    languages = cache(lambda: known_languages(settings.rule_dirs))  # read if a config lists some
    resolver = ConfigResolver(config_file, check=lambda config: check_languages(config, languages))
    errors: list[UsageError] = []
    summary = Summary()
    collected: list[Finding] = []
    emit = sink if sink is not None else collected.extend
    queues: dict[int, _WholeQueue] = {}
    needs_queue = any(hasattr(rule_type(r.type), "check_queue") or r.type == "review"
                      for r in linter.rules)

    def found(config: Config, posts: list[Post], findings: list[Finding]) -> None:
        """Findings of checked posts: to the sink, to review, to the html report's posts."""
        if findings:
            emit(findings)
            if id(config) in queues:
                queues[id(config)].seen(findings)
            if keep_posts:
                _keep(posts, findings, kept)

    def excluded(path: Path) -> bool:
        """The `exclude:` globs of the config that applies to `path`, from that config's folder."""
        config = resolver.for_input(path)
        return bool(config.exclude) and config.path is not None and \
            matches_globs(path, Path(config.path).parent, config.exclude)

    walk = Walk(excluded, force_exclude, allow_empty)

    def queue_for(config: Config) -> _WholeQueue:
        if id(config) not in queues:
            active, ctx = linter.for_config(config)
            queues[id(config)] = _WholeQueue(config, active, ctx, QUEUE_BLOCK)
        return queues[id(config)]

    def posts_with_config() -> Iterator[tuple[Config, Post]]:
        for path, post in read_posts(paths, note, errors.append, walk):
            config = resolver.for_input(path)
            summary.posts += 1
            if on_post is not None:
                on_post(path, post)
            if needs_queue:
                found(config, [post], queue_for(config).add(post))
            yield config, post

    chunks = _chunks(posts_with_config(), CHUNK)
    if jobs is None:  # default: one process for a few posts, every CPU for a queue
        head = list(islice(chunks, 2))
        jobs = (os.cpu_count() or 1) if len(head) > 1 else 1
        chunks = chain(head, chunks)
    first = None
    if jobs > 1:
        # Check the first posts here before forking: the workers inherit warm resources
        # (dictionaries, matchers, compiled cues) instead of each building its own. Only a
        # few: this part is serial, and the rest of the first chunk goes to the workers.
        first = next(chunks, None)
        if first is not None and len(first[1]) > WARM:
            chunks = chain([(first[0], first[1][WARM:])], chunks)
            first = (first[0], first[1][:WARM])
        if first is not None:
            found(first[0], first[1], linter.lint(*first))
            progress(len(first[1]))

    def whole_queue() -> None:
        for queue in queues.values():
            found(queue.config, [], queue.finish())

    if jobs <= 1:
        done = 0
        for config, posts in chunks:
            findings = linter.lint(config, posts)
            done += len(posts)
            progress(done)
            found(config, posts, findings)
        whole_queue()
    else:
        global _WORKER
        _WORKER = linter  # inherited by forked workers: no second rule load
        try:
            done = len(first[1]) if first is not None else 0
            # The whole-queue rules finish here while the workers check the last chunks: the
            # parent is idle by then, and they would otherwise be a serial tail after the pool.
            for config, posts, findings in _run_pool(chunks, settings, jobs, whole_queue, keep_posts):
                done += len(posts)
                progress(done)
                found(config, posts, findings)
        finally:
            _WORKER = None
    approvals = []
    for queue in queues.values():  # last: review judges every other finding
        if not queue.review:
            continue
        findings, views = lint_review(queue.posts, queue.findings, queue.active, queue.ctx)
        approvals.extend(views)
        found(queue.config, queue.posts, findings)
    return Result(collected, summary, linter.rules, errors, kept, approvals)


def check_groups(groups: dict[int, tuple[Config, list[Post]]], settings: Settings,
                 rules: list[Rule] | None = None, linter: _Linter | None = None) -> list[Finding]:
    """Findings of already read posts, grouped per config, in this process (no pool): what
    `postlint approve` shows the approver. Review rules are left out: they judge these."""
    linter = linter or _Linter(settings, rules)
    findings: list[Finding] = []
    for config, posts in groups.values():
        findings.extend(linter.lint(config, posts))
        active, ctx = linter.for_config(config)
        findings.extend(lint_queue(posts, active, ctx))
    return findings


def _keep(posts: list[Post], found: list[Finding], kept: dict[tuple[str, int], Post]) -> None:
    """Remember the posts of `posts` that `found` is about, so a report can show their text."""
    if found:
        wanted = {(f.path, f.post_index) for f in found}
        kept.update(((p.path, p.index), p) for p in posts if (p.path, p.index) in wanted)


def _run_pool(chunks: Iterator[tuple[Config, list[Post]]], settings: Settings, jobs: int,
              after_reading: Callable[[], None],
              keep: bool = False) -> Iterator[tuple[Config, Sized, list[Finding]]]:
    """Ship chunks to worker processes, keeping at most IN_FLIGHT*jobs chunks in flight (bounded
    memory, and enough ahead that reading ends early and the whole-queue rules overlap the pool).

    Yields each chunk's config, posts and findings, in the order sent. Unless `keep` (the
    html report shows posts), the posts are not held once sent: a range of their number
    stands in for them. `after_reading` runs once every chunk has been sent, while the last
    ones are checked.
    """
    import gc
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    # Forked workers share the parent's pages until they write to them; the collector's
    # passes write to every object it tracks. Frozen objects are left alone, so warm
    # dictionaries and rules stay shared instead of being copied into each worker.
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(settings,)) as pool:
            pending: deque = deque()
            for config, posts in chunks:
                future = pool.submit(_work, config, posts)
                pending.append((config, posts if keep else range(len(posts)), future))
                del posts
                while len(pending) >= IN_FLIGHT * jobs:
                    config, sent, future = pending.popleft()
                    yield config, sent, future.result()
            after_reading()
            while pending:
                config, sent, future = pending.popleft()
                yield config, sent, future.result()
    finally:
        gc.unfreeze()
