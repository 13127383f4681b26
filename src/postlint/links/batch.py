"""One run's link results: memory, then the SQLite cache, then the network, in that order.

Every URL of the run is checked at most once, whichever post, rule or config asks for it:
results are kept per run (keyed by the run's Options object) and per policy. `--offline`
stops before the network; `--no-cache` or `links.cache: false` skips the SQLite store.
"""

from __future__ import annotations

import threading
import time
import weakref
from typing import Any, Iterable

from . import urls
from .data import LinkData
from .results import Policy, Result

_RUNS: dict[int, tuple[weakref.ref, dict[Policy, dict[str, Result]]]] = {}
_LOCK = threading.Lock()


def policy_for(ctx: Any, data: LinkData) -> Policy:
    return Policy(float(ctx.config.links_timeout), bool(ctx.config.allow_private_hosts),
                  data.network)


def _run_memo(ctx: Any) -> dict[Policy, dict[str, Result]]:
    """Results of the current run: the run's Options object identifies it (every Context of
    one run shares it), so a long-lived process never reuses an earlier run's answers."""
    options = ctx.options
    with _LOCK:
        for key in [k for k, (ref, _) in _RUNS.items() if ref() is None]:
            del _RUNS[key]
        entry = _RUNS.get(id(options))
        if entry is None or entry[0]() is not options:
            entry = (weakref.ref(options), {})
            _RUNS[id(options)] = entry
        return entry[1]


def _cache(ctx: Any) -> Any:
    """The process's SQLite cache, or None when this run must not use one."""
    if not ctx.options.use_cache or not ctx.config.links_cache:
        return None
    from .cache import default_path

    path = default_path()
    return ctx.resource(f"links:cache:{path}", lambda: _shared_cache(path))


_CACHES: dict[str, Any] = {}


def _shared_cache(path: Any) -> Any:
    from .cache import LinkCache

    with _LOCK:
        if str(path) not in _CACHES:
            _CACHES[str(path)] = LinkCache(path)
        return _CACHES[str(path)]


def _fresh(entry: Any, now: float, ttl_hours: float, failure_ttl_hours: float) -> bool:
    limit = ttl_hours if entry.ok else min(ttl_hours, failure_ttl_hours)
    return now - entry.checked_at < limit * 3600


def _accept(prefix: str) -> Any:
    """A cache row is used only if it is a Result about its own URL, flagged as it says."""
    def accept(key: str, entry: Any) -> bool:
        result = Result.parse(entry.result)
        return result is not None and prefix + result.url == key and \
            entry.ok == (result.outcome == "ok") and result.cacheable
    return accept


def results(targets: Iterable[str], ctx: Any, data: LinkData) -> dict[str, Result]:
    """Result for every normalised URL in `targets` that can be known in this run.

    Offline, a URL the cache does not know has no result (and so no network finding).
    """
    targets = list(dict.fromkeys(targets))
    policy = policy_for(ctx, data)
    run = _run_memo(ctx)
    resume = policy in run  # a later block of this run's queue: same link phase
    memo = run.setdefault(policy, {})
    wanted = [u for u in targets if u not in memo]
    for url in [u for u in wanted if urls.parse(u) is None]:
        memo[url] = Result(url, "broken", "invalid")  # known without asking anyone
    wanted = [u for u in wanted if u not in memo]
    cache = _cache(ctx) if wanted else None  # a post without links opens no SQLite file
    if wanted and cache is not None:
        now = time.time()
        ttl = float((ctx.config.data.get("links") or {}).get("cache_ttl_hours", 24))
        prefix = policy.cache_prefix
        for key, entry in cache.get_many((prefix + u for u in wanted), _accept(prefix)).items():
            if _fresh(entry, now, ttl, data.network.failure_ttl_hours):
                memo[key[len(prefix):]] = Result.parse(entry.result)
        wanted = [u for u in wanted if u not in memo]
    if wanted and not ctx.options.offline:
        from .checker import for_policy

        checked = for_policy(policy).check_many(wanted, resume)
        memo.update(checked)
        if cache is not None:
            cache.put_many(((policy.cache_prefix + u, r.to_dict(), r.outcome == "ok")
                            for u, r in checked.items() if r.cacheable),
                           keep_days=data.network.cache_keep_days)
    return {u: memo[u] for u in targets if u in memo}
