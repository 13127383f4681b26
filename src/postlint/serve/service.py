"""What the page asks of postlint, answered with postlint's own functions.

- `check_text`: one draft typed into the page, through the public `lint()` API (rules and
  per-config resources stay warm in this process, which is what makes as-you-type checks fast).
- `open_queue`: a folder or queue file under PATH, through `runner.run` exactly as `check`.
- `approve`: `review.approve.approve`, the function behind `postlint approve`.
- `events`: `events.live` and `events.readout`, the data behind `postlint events`.
- `lengths`: the length of a text as each platform counts it, from the `platform.too-long`
  rule's own limits and counting methods (rules/platform.yaml).

Checks share per-process caches that are not thread-safe, and Starlette runs sync routes in
a thread pool: every call into the engine holds one lock.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..config import Config, ConfigResolver
from ..engine import Options
from ..errors import UsageError
from ..model import CATEGORIES, Finding, Post, Severity
from .workspace import Workspace, file_kind

MAX_POSTS = 2000  # posts sent to the page for one queue (worst first); the rest are counted
COMPOSE_PATH = "<compose>"
FIELDS = ("platform", "account", "scheduled_at", "language")


@dataclass
class Service:
    workspace: Workspace
    config_file: Path | None = None
    offline: bool = False  # for opened queues; typed drafts never wait on the network
    now: datetime | None = None  # fixed "now" (--now), for reproducible pages and tests
    initial: str = ""  # what the queue view opens first: PATH's file when PATH is a queue file
    lock: threading.Lock = field(default_factory=threading.Lock)
    _resolver: ConfigResolver | None = None
    _linter: Any = None

    def linter(self) -> Any:
        """The warm linter (see warm.py), built on first use."""
        if self._linter is None:
            from ..api import _rules
            from .warm import WarmLinter

            self._linter = WarmLinter(_rules(()))
        return self._linter

    def moment(self) -> datetime:
        return self.now or datetime.now(timezone.utc)

    def resolver(self) -> ConfigResolver:
        """Configs are read once; a changed config is read again when the page reopens a
        queue (a fresh resolver per open), while typing reuses the warm one."""
        if self._resolver is None:
            self._resolver = _resolver(self.config_file)
        return self._resolver

    def compose_config(self) -> Config:
        return self.resolver().for_input(self.workspace.root / COMPOSE_PATH)

    # -- the page's start-up data -------------------------------------------------------

    def info(self) -> dict[str, Any]:
        from .. import __version__
        from ..language import known_languages
        from ..review.approve import git_email
        from ..review.settings import ReviewSettings

        with self.lock:
            config = self.compose_config()
            limits = length_rule()[0]
            languages = sorted(known_languages(()))
        return {
            "version": __version__,
            "root": str(self.workspace.root),
            "config": config.path,
            "platforms": [{"name": name, "limit": limit} for name, limit in limits.items()],
            "languages": languages,
            "brand_languages": list(config.languages),
            "review": ReviewSettings.of(config).on,
            "approver": git_email(self.workspace.root) or "",
            "severities": [str(s) for s in sorted(Severity, reverse=True)],
            "categories": list(CATEGORIES),
            "entries": [{"path": e.path, "kind": e.kind} for e in self.workspace.entries()],
            "initial": self.initial,
        }

    # -- compose --------------------------------------------------------------------------

    def check_text(self, text: str, fields: dict[str, str]) -> dict[str, Any]:
        """As `postlint.lint()` does for one post (every rule but review, which needs a file),
        with the warm Context of the served folder's config."""
        from ..api import make_post
        from ..engine import lint_post, lint_queue, rank

        started = time.perf_counter()
        values = {k: v.strip() for k, v in fields.items() if k in FIELDS and isinstance(v, str) and v.strip()}
        post = make_post(text, id="draft", path=COMPOSE_PATH, **values)
        with self.lock:
            config = self.compose_config()
            # offline: a keystroke must not wait on a web server; the link cache still answers
            options = Options(now=self.moment(), offline=True)
            active, ctx = self.linter().context(config, options, ("review",))
            findings = rank([*lint_post(post, active, ctx), *lint_queue([post], active, ctx)])
            language = detected_language(post, ctx)
        return {"findings": [finding_json(f, post) for f in findings],
                "lengths": lengths(text), "language": language,
                "server_ms": round((time.perf_counter() - started) * 1000, 1)}

    # -- queues -----------------------------------------------------------------------------

    def open_queue(self, relative: str) -> dict[str, Any]:
        from ..review.settings import ReviewSettings
        from ..runner import Settings, run

        started = time.perf_counter()
        target = self.workspace.resolve(relative)
        settings = Settings(options=Options(now=self.moment(), offline=self.offline))
        everything: list[Post] = []
        files: dict[str, Path] = {}

        def seen(path: Path, post: Post) -> None:
            everything.append(post)
            files.setdefault(post.path, path)

        with self.lock:
            self._resolver = None  # pick up edited configs (warm Contexts are kept by content)
            linter = self.linter()
            linter.settings = settings
            try:
                result = run([str(target)], settings, self.config_file, jobs=1, keep_posts=True,
                             allow_empty=True, linter=linter, on_post=seen)
            except UsageError as exc:
                raise PageError(str(exc)) from None
            resolver = self.resolver()
            review_on = {shown: ReviewSettings.of(resolver.for_input(path)).on
                         for shown, path in files.items()}
        by_post: dict[tuple[str, int], list[Finding]] = {}
        for finding in result.findings:
            by_post.setdefault((finding.path, finding.post_index), []).append(finding)
        views: dict[tuple[str, int], list[Any]] = {}
        for view in result.approvals:
            views.setdefault((view.path, view.post_index), []).append(view)
        posts = []
        for post in everything:
            key = (post.path, post.index)
            found = sorted(by_post.get(key, ()), key=Finding.rank_key)
            posts.append(self._post_json(post, found, views.get(key, ()), review_on.get(post.path, False)))
        posts.sort(key=lambda p: (-p["worst_rank"], -len(p["findings"]), p["path"], p["index"]))
        return {"path": self.workspace.display(target) if target != self.workspace.root else "",
                "posts": posts[:MAX_POSTS], "total": len(posts),
                "errors": [self._safe_error(e) for e in result.errors],
                "server_ms": round((time.perf_counter() - started) * 1000, 1)}

    def _post_json(self, post: Post, found: list[Finding], views: Any, review: bool) -> dict[str, Any]:
        worst = max((f.severity for f in found), default=None)
        shown = self.workspace.display(post.path)
        return {
            "path": shown, "id": post.id, "index": post.index, "text": post.text,
            "account": post.account or "", "platform": post.platform or "",
            "scheduled_at": post.scheduled_at.isoformat() if post.scheduled_at else "",
            "worst": str(worst) if worst is not None else "", "worst_rank": -1 if worst is None else int(worst),
            "findings": [self._shown(finding_json(f, post), shown) for f in found],
            "approvals": [{**v.to_dict(), "path": shown} for v in views],
            "review": review, "editable": file_kind(Path(post.path)) == "draft",
        }

    def _shown(self, data: dict[str, Any], shown: str) -> dict[str, Any]:
        """A queue finding as the page shows it: paths relative to the served folder (a
        message such as review's `postlint approve PATH` names the file run from there)."""
        prefix = str(self.workspace.root) + "/"
        return {**data, "path": shown, "message": data["message"].replace(prefix, "")}

    def _safe_error(self, exc: UsageError) -> str:
        """An input error with the root's absolute path cut off (the page shows PATH-relative names)."""
        return str(exc).replace(str(self.workspace.root) + "/", "")

    # -- approvals, drafts, events ----------------------------------------------------------

    def approve(self, relative: str, post_id: str, who: str, note: str) -> dict[str, Any]:
        from ..readers import read_posts
        from ..review.approve import approve as record
        from ..runner import Settings, check_groups

        target = self.workspace.resolve(relative)
        if not target.is_file():
            raise PageError("approve a post of a file, not a folder")
        moment = self.moment()
        settings = Settings(options=Options(now=moment, offline=self.offline))
        with self.lock:
            linter = self.linter()
            linter.settings = settings
            try:
                done, problems = record(
                    [str(target)], post_ids=(post_id,), who=who.strip() or None, note=note,
                    config_file=self.config_file,
                    check=lambda groups: check_groups(groups, settings, linter=linter), now=moment,
                    read=lambda names, error: read_posts(names, lambda message: None, error))
            except UsageError as exc:
                raise PageError(self._safe_error(exc)) from None
        if problems:
            raise PageError(self._safe_error(problems[0]))
        item = done[0]
        return {"post": item.approval.post, "path": self.workspace.display(target),
                "by": item.approval.by, "at": item.approval.at, "saw": list(item.approval.findings),
                "file": self.workspace.display(item.file), "review_on": item.review_on}

    def events(self, relative: str = "") -> dict[str, Any]:
        """What `postlint events` lists, for the config of `relative` (the opened queue)."""
        import json

        from ..engine import Context
        from ..events import live, readout

        target = self.workspace.resolve(relative)
        with self.lock:
            config = self.resolver().for_input(target / COMPOSE_PATH if target.is_dir() else target)
            if not config.data.get("markets") and not config.data.get("events"):
                return {"configured": False, "live": [], "coming": [], "dates": [], "feeds": []}
            moment = self.moment()
            the_world = live.build(Context(config, Options(now=moment, offline=self.offline)),
                                   warn=lambda message: None)
            data = json.loads(readout.render_json(the_world, moment, datetime.now(timezone.utc)))
        return {"configured": True, **data}


class PageError(Exception):
    """A request postlint cannot do (bad config, unknown post, approver not allowed): shown to
    the user as it is, status 400."""


def _resolver(config_file: Path | None) -> ConfigResolver:
    from functools import cache

    from ..config import check_languages
    from ..language import known_languages

    languages = cache(lambda: known_languages(()))
    try:
        return ConfigResolver(config_file, check=lambda config: check_languages(config, languages))
    except UsageError as exc:
        raise PageError(str(exc)) from None


@lru_cache(maxsize=1)
def length_rule() -> tuple[dict[str, int], dict[str, Any]]:
    """(limits, counting methods) of the built-in `platform.too-long` rule."""
    from ..api import _rules

    for rule in _rules(()):
        if rule.type == "platform" and rule.options.get("measure") == "length":
            return dict(rule.options["limits"]), dict(rule.options.get("counting") or {})
    return {}, {}


def lengths(text: str) -> list[dict[str, Any]]:
    """The text's length on every platform, counted as that platform counts (the rule's code)."""
    from ..ruletypes.platform import weighed_length

    limits, counting = length_rule()
    out = []
    for platform, limit in limits.items():
        method = counting.get(platform) or counting.get("default") or {"unit": "characters"}
        count, _ = weighed_length(text.strip(), method, limit)
        out.append({"platform": platform, "count": count, "limit": limit, "over": count > limit,
                    "unit": method.get("unit", "characters")})
    return out


def detected_language(post: Post, ctx: Any) -> str | None:
    """The language the checks used for the post (its own, or detection's pick)."""
    from ..language import resolve

    if post.language:
        return post.language
    try:
        return resolve(post, ctx) or None
    except Exception:  # noqa: BLE001 - the language label is a nicety, never a failure
        return None


def finding_json(finding: Finding, post: Post) -> dict[str, Any]:
    """A finding as JSON, with its span in the post's text in UTF-16 code units (what
    JavaScript strings index), or no span for findings about the whole post."""
    from ..formatters import suggestion_label, unsaid_suggestions
    from ..formatters.html import span_of

    data = finding.to_dict()
    span = span_of(post, finding)
    if span is not None and span[0] < span[1]:
        data["start"] = _utf16(post.text, span[0])
        data["end"] = _utf16(post.text, span[1])
    others = unsaid_suggestions(finding)
    data["suggest_label"] = suggestion_label(finding) if others else ""
    data["suggest_more"] = list(others)
    data["help"] = rule_help(finding.rule)
    return data


def _utf16(text: str, offset: int) -> int:
    head = text[:offset]
    return len(head) + sum(1 for ch in head if ord(ch) > 0xFFFF)


def rule_help(rule_id: str) -> dict[str, str]:
    """What `postlint explain` says: summary, why it matters, how to fix."""
    return _help_index().get(rule_id) or {"summary": "", "why": "", "fix": ""}


@lru_cache(maxsize=1)
def _help_index() -> dict[str, dict[str, str]]:
    from ..api import _rules

    return {rule.id: {"summary": rule.summary, "why": rule.rationale, "fix": rule.fix}
            for rule in _rules(())}
