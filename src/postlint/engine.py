"""The engine: run the configured rules over posts and rank what they find.

`lint_post` is a pure function of (post, rules, context); everything that is expensive to
build (dictionaries, matchers, HTTP sessions) lives in `Context.cache` and is built at most
once per process, which is what lets the same code run single-process, in a pool, or inside
someone else's distributed engine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable

from .config import Config
from .errors import UsageError
from .model import Finding, Post, Severity
from .rules import Rule, matches, rule_type


@dataclass(frozen=True)
class Options:
    """Run-wide choices from the command line that rule types may read."""

    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    offline: bool = False
    use_cache: bool = True
    lang: str | None = None
    platform: str | None = None
    rule_dirs: tuple[str, ...] = ()  # user --rules folders, for rule types that read data files


@dataclass
class Context:
    config: Config
    options: Options
    cache: dict[str, Any] = field(default_factory=dict)  # per-process resources, keyed by name
    # What several rules compute about the same post (its language, its tokens): kept for
    # the post being checked only, so memory does not grow with the queue.
    _post: Post | None = field(default=None, repr=False)
    _post_memo: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def now(self) -> datetime:
        return self.options.now

    def resource(self, key: str, build: Any) -> Any:
        """Build a resource once (a dictionary, a matcher) and reuse it for every post."""
        if key not in self.cache:
            self.cache[key] = build()
        return self.cache[key]

    def memo(self, post: Post, key: str, build: Any) -> Any:
        """`build()` once per post for every rule that asks (a post's language is needed by
        two dozen rules). Keyed by identity: the object is held, so its id cannot be reused."""
        if post is not self._post:
            self._post = post
            self._post_memo = {}
        memo = self._post_memo
        if key not in memo:
            memo[key] = build()
        return memo[key]

    def data(self, kind: str) -> list[tuple[Any, Any]]:
        """(path, content) of every `kind:` data file in built-in and --rules folders, cached."""
        from .rules import load_data

        return self.resource(f"data:{kind}", lambda: load_data(kind, self.options.rule_dirs))

    def data_files(self, kind: str) -> list[tuple[Any, None]]:
        """(path, None) of every `kind:` data file, for builders that validate the files
        themselves (with line numbers) and cache the result: their parsed content is not
        read back for nothing."""
        from .rules import data_paths

        return self.resource(f"data-files:{kind}",
                             lambda: [(p, None) for p in data_paths(kind, self.options.rule_dirs)])


def effective(post: Post, options: Options) -> Post:
    """Fill run-wide defaults (--platform, --lang) that a post does not set itself."""
    from dataclasses import replace

    changes = {}
    if post.platform is None and options.platform:
        changes["platform"] = options.platform
    if options.lang and post.language is None:
        changes["language"] = options.lang
    return replace(post, **changes) if changes else post


def lint_post(post: Post, rules: Iterable[Rule], ctx: Context) -> list[Finding]:
    post = effective(post, ctx.options)
    findings: list[Finding] = []
    for rule in rules:
        if post.ignore and any(matches(rule, s) for s in post.ignore):
            continue
        module = rule_type(rule.type)
        if post.problems and rule.type != "input" and not post.readable:
            continue  # an unreadable post only gets its input findings
        try:
            findings.extend(module.check(post, rule, ctx))
        except UsageError:  # a broken data file (e.g. `kind: dates`) fails the run: exit 2
            raise
        except Exception as exc:  # a bug in one rule must not stop the run or the other posts
            if os.environ.get("POSTLINT_DEBUG"):
                raise
            findings.append(rule.finding(
                post, line=post.locator.line, severity=Severity.ERROR,
                message=f"postlint could not apply this rule to the post ({type(exc).__name__}: {exc}); "
                        "please report it"))
    return findings


def lint_queue(posts: list[Post], rules: Iterable[Rule], ctx: Context) -> list[Finding]:
    """Rules that need the whole queue (duplicates, bursts) via their module's `check_queue`."""
    findings: list[Finding] = []
    for rule in rules:
        check_queue = getattr(rule_type(rule.type), "check_queue", None)
        if check_queue is not None:
            findings.extend(check_queue(posts, rule, ctx))
    return findings


def lint_review(posts: list[Post], findings: Iterable[Finding], rules: Iterable[Rule],
                ctx: Context) -> tuple[list[Finding], list[Any]]:
    """Review rules (`postlint.review`) over `posts` of one config: (findings, approval views).

    They run last, after the per-post and whole-queue passes, because they judge each post's
    other findings. Nothing is imported unless the config turns review on (`review.required`).
    """
    rules = [r for r in rules if r.type == "review"]
    if not rules or not int((ctx.config.data.get("review") or {}).get("required") or 0):
        return [], []
    from .review import judge

    return judge.apply(posts, findings, rules, ctx)


def rank(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first, then by file, post and position (the contract's order)."""
    return sorted(findings, key=Finding.rank_key)
