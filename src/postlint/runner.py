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
from typing import Callable, Iterable, Iterator

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
) -> Result:
    """Lint every post under `paths`. Raises UsageError for a bad config or rule file.

    `rules`: the already loaded rules (the CLI has them), so they are not loaded twice.
    `allow_empty`: a path without posts is not an error; `force_exclude`: files named in
    `paths` are skipped too when excluded (what the pre-commit hook wants).
    `linter`: a warm one from an earlier run in this process (`postlint serve` checks the same
    folders again and again); `on_post`: called with every post read, with its file.
    """
    kept: dict[tuple[str, int], Post] = {}
    linter = linter or _Linter(settings, rules)
    from .language import known_languages

    languages = cache(lambda: known_languages(settings.rule_dirs))  # read if a config lists some
    resolver = ConfigResolver(config_file, check=lambda config: check_languages(config, languages))
    errors: list[UsageError] = []
    summary = Summary()
    queue_posts: dict[int, tuple[Config, list[Post]]] = {}
    # Whole-queue and review rules need the posts of each config once every chunk is checked.
    needs_queue = any(hasattr(rule_type(r.type), "check_queue") or r.type == "review"
                      for r in linter.rules)

    def excluded(path: Path) -> bool:
        """The `exclude:` globs of the config that applies to `path`, from that config's folder."""
        config = resolver.for_input(path)
        return bool(config.exclude) and config.path is not None and \
            matches_globs(path, Path(config.path).parent, config.exclude)

    walk = Walk(excluded, force_exclude, allow_empty)

    def posts_with_config() -> Iterator[tuple[Config, Post]]:
        for path, post in read_posts(paths, note, errors.append, walk):
            config = resolver.for_input(path)
            summary.posts += 1
            if on_post is not None:
                on_post(path, post)
            if needs_queue:
                queue_posts.setdefault(id(config), (config, []))[1].append(post)
            yield config, post

    findings: list[Finding] = []
    chunks = _chunks(posts_with_config(), CHUNK)
    if jobs is None:  # default: one process for a few posts, every CPU for a queue
        head = list(islice(chunks, 2))
        jobs = (os.cpu_count() or 1) if len(head) > 1 else 1
        chunks = chain(head, chunks)
    if jobs > 1:
        # Check the first posts here before forking: the workers inherit warm resources
        # (dictionaries, matchers, compiled cues) instead of each building its own. Only a
        # few: this part is serial, and the rest of the first chunk goes to the workers.
        first = next(chunks, None)
        if first is not None and len(first[1]) > WARM:
            chunks = chain([(first[0], first[1][WARM:])], chunks)
            first = (first[0], first[1][:WARM])
        if first is not None:
            found = linter.lint(*first)
            findings.extend(found)
            progress(len(first[1]))
            if keep_posts:
                _keep(first[1], found, kept)
    def whole_queue() -> None:
        for config, posts in queue_posts.values():
            active, ctx = linter.for_config(config)
            found = lint_queue(posts, active, ctx)
            findings.extend(found)
            if keep_posts:
                _keep(posts, found, kept)

    if jobs <= 1:
        done = 0
        for config, posts in chunks:
            found = linter.lint(config, posts)
            done += len(posts)
            progress(done)
            findings.extend(found)
            if keep_posts:
                _keep(posts, found, kept)
        whole_queue()
    else:
        global _WORKER
        _WORKER = linter  # inherited by forked workers: no second rule load
        try:
            done = len(first[1]) if first is not None else 0
            # The whole-queue rules run here while the workers finish the last chunks: the
            # parent is idle by then, and they would otherwise be a serial tail after the pool.
            for posts, found in _run_pool(chunks, settings, jobs, whole_queue):
                done += len(posts)
                progress(done)
                findings.extend(found)
                if keep_posts:
                    _keep(posts, found, kept)
        finally:
            _WORKER = None
    approvals = []
    for config, posts in queue_posts.values():  # last: review judges every other finding
        active, ctx = linter.for_config(config)
        found, views = lint_review(posts, findings, active, ctx)
        findings.extend(found)
        approvals.extend(views)
        if keep_posts:
            _keep(posts, found, kept)
    return Result(findings, summary, linter.rules, errors, kept, approvals)


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
              after_reading: Callable[[], None]) -> Iterator[tuple[list[Post], list[Finding]]]:
    """Ship chunks to worker processes, keeping at most IN_FLIGHT*jobs chunks in flight (bounded
    memory, and enough ahead that reading ends early and the whole-queue rules overlap the pool).

    Yields each chunk's posts with its findings, so the caller can keep the posts that matter.
    `after_reading` runs once every chunk has been sent, while the last ones are checked.
    """
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(settings,)) as pool:
        pending: deque = deque()
        for config, posts in chunks:
            pending.append((posts, pool.submit(_work, config, posts)))
            while len(pending) >= IN_FLIGHT * jobs:
                done, future = pending.popleft()
                yield done, future.result()
        after_reading()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
