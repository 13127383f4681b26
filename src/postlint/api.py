"""The public Python API: `lint(posts, config) -> findings`, a pure function over posts.

The CLI reads files; this API takes posts you already have (from a database, a data lake,
a Spark or Dask partition), so postlint can run inside an existing batch or distributed
engine. Rules and expensive resources are loaded once per process and reused across calls,
so calling `lint` once per partition is cheap.

    >>> import postlint
    >>> posts = [postlint.make_post("Big sale!", id="a", platform="x")]
    >>> findings = postlint.lint(posts, postlint.load_config(".postlint.yaml"))
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

from . import config as config_module
from .config import Config
from .engine import Context, Options, lint_post, lint_queue, lint_review, rank
from .model import Finding, Locator, Post
from .readers.fields import build_post
from .rules import Rule, configure, load_rules, rule_type


def make_post(text: str, *, id: str = "post", path: str = "<memory>", index: int = 0,
              **fields: Any) -> Post:
    """A Post from plain values; fields as in front matter (platform, account, scheduled_at, …).

    A bad field value (unknown platform, bad date) becomes an `input.malformed` finding, as it
    does for files.
    """
    return build_post(path=path, post_id=id, text=text, fields={"id": id, **fields},
                      locator=Locator(1, 1), index=index)


def load_config(path: str | Path | None = None) -> Config:
    """A validated config (with `extends` resolved), or the built-in defaults for None."""
    return config_module.load(Path(path)) if path else config_module.DEFAULT


@lru_cache(maxsize=8)
def _rules(rule_dirs: tuple[str, ...]) -> list[Rule]:
    return load_rules(Path(d) for d in rule_dirs)


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_CONTEXTS: dict[tuple, tuple[Config, list[Rule], Context]] = {}  # a cache, per process


def _context(config: Config, select: tuple[str, ...], ignore: tuple[str, ...],
             options: Options) -> tuple[list[Rule], Context]:
    """Rules and Context for a config, reused across calls (keeps per-config resources warm)."""
    key = (id(config), select, ignore, replace(options, now=_EPOCH))  # `now` changes per call
    cached = _CONTEXTS.get(key)
    if cached is None or cached[0] is not config:
        if len(_CONTEXTS) > 32:
            _CONTEXTS.clear()
        _check_languages(config, options)
        active = configure(_rules(options.rule_dirs), config, select, ignore)
        cached = _CONTEXTS[key] = (config, active, Context(config, options))
    cached[2].options = options
    return cached[1], cached[2]


def _check_languages(config: Config, options: Options) -> None:
    """As the CLI does: an unknown language in the config or `options.lang` is a UsageError,
    not a run without spelling."""
    from .config import check_languages
    from .errors import UsageError
    from .language import known_languages, unknown_language

    check_languages(config, lambda: known_languages(options.rule_dirs))
    if options.lang:
        problem = unknown_language(options.lang, known_languages(options.rule_dirs))
        if problem:
            raise UsageError(f"lang: {problem}")


def lint(
    posts: Iterable[Post | Mapping[str, Any]],
    config: Config | str | Path | None = None,
    *,
    options: Options | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> list[Finding]:
    """Ranked findings for `posts` under one config, including whole-queue rules.

    `posts` may be Post objects or mappings with a `text` key and front matter fields.
    `options` carries `now`, `offline`, `lang`, `platform` and `rule_dirs` (extra rule
    folders), exactly as the CLI's options do.
    """
    cfg = config if isinstance(config, Config) else load_config(config)
    opts = options or Options()
    active, ctx = _context(cfg, tuple(select), tuple(ignore), opts)
    materialised: list[Post] = []
    for i, item in enumerate(posts):
        if isinstance(item, Mapping):
            fields = dict(item)
            text = str(fields.pop("text", fields.pop("message", "")))
            item = make_post(text, id=str(fields.pop("id", f"post-{i}")), index=i, **fields)
        materialised.append(item)
    findings: list[Finding] = []
    for post in materialised:
        findings.extend(lint_post(post, active, ctx))
    if any(hasattr(rule_type(r.type), "check_queue") for r in active):
        findings.extend(lint_queue(materialised, active, ctx))
    findings.extend(lint_review(materialised, findings, active, ctx)[0])  # last: it judges the rest
    return rank(findings)

