"""Rules and per-config resources kept warm for the life of the server.

`postlint check` builds a Context per config for one run (dictionaries, matchers, compiled
cues: 1-2 s), then exits. The page checks the same folders and the same draft again and again,
so it keeps one `WarmLinter` (the runner's own linter) whose Contexts are reused while the
config they were built for is unchanged: keyed by the config's file, freezes and content, so an
edited `.postlint.yaml` gets a fresh Context on the next request.
"""

from __future__ import annotations

import hashlib

from ..config import Config
from ..engine import Context, Options
from ..rules import Rule, configure
from ..runner import Settings, _Linter

MAX_CONTEXTS = 16  # configs x (compose, queue) kept warm; a long session editing configs stays flat


class WarmLinter(_Linter):
    """A runner `_Linter` that outlives a run. `settings` is set by the caller before each use
    (its `options` carry the run's "now"); `context` serves checks outside a run."""

    def __init__(self, rules: list[Rule]):
        super().__init__(Settings(), rules)

    def for_config(self, config: Config) -> tuple[list[Rule], Context]:
        return self.context(config, self.settings.options, self.settings.ignore)

    def context(self, config: Config, options: Options, ignore: tuple[str, ...] = ()
                ) -> tuple[list[Rule], Context]:
        key = (config.path, config.freezes, stamp(config), options.offline, options.use_cache, ignore)
        if key not in self._active:
            if len(self._active) >= MAX_CONTEXTS:
                self._active.clear()
            self._active[key] = (configure(self.rules, config, (), ignore), Context(config, options))
        active, ctx = self._active[key]
        ctx.options = options  # a new "now" for every request
        return active, ctx


def stamp(config: Config) -> str:
    """What the config says, as a short digest (its repr covers every field, data included)."""
    return hashlib.sha256(repr(config).encode("utf-8", "surrogatepass")).hexdigest()[:16]
