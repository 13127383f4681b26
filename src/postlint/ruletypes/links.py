"""Links: broken, redirected elsewhere, shortened, unsafe, tracking, or unverifiable.

Two passes, because network checks must see the whole run to be fast:
- `check` (per post, no network): `unsafe` and `tracking`, which read only the URL;
- `check_queue` (once per config, after the per-post pass): `broken`, `redirected`,
  `shortened` and `unverified`. Their URLs are deduplicated across the run and checked
  concurrently (see `postlint.links.batch`), so 10,000 posts sharing 1,000 links cost
  1,000 requests, and a second run costs none while the cache is fresh.

Messages, shortener domains, leaking parameters and thresholds are YAML
(`rules/links.yaml`, `rules/links-data.yaml`); this module only decides which one applies.
"""

from __future__ import annotations

from typing import Any, Iterator

from .. import yamlfile as y
from ..model import Finding, Post

CHECKS = ("broken", "redirected", "shortened", "unsafe", "tracking", "unverified")
NETWORK_CHECKS = ("broken", "redirected", "shortened", "unverified")
OPTIONS = {
    "check": y.choice(*CHECKS),
    "messages": y.map_of(y.STR),  # cause -> message template (default: `message`)
    "via": y.STR,  # appended to a message when the link was reached through redirects
}
# message placeholders this type fills, besides {match} (checked when rules load)
FIELDS = frozenset({
    "url", "code", "final", "address", "timeout", "max", "host", "detail", "via", "params",
    "run_deadline",
})


def prepare(options: dict[str, Any]) -> dict[str, Any]:
    if "check" not in options:
        raise ValueError(f"a links rule needs `check` (one of: {', '.join(CHECKS)})")
    return options


def _config(ctx: Any) -> dict[str, Any]:
    return ctx.config.data.get("links") or {}


def _emit(rule: Any, post: Post, link: Any, cause: str, **fmt: Any) -> Finding:
    """A finding on the link's span, or on the `link` field's line for a queue's link."""
    template = (rule.options.get("messages") or {}).get(cause)
    fmt.setdefault("url", link.written)
    if link.span is not None:
        return rule.finding(post, link.span, message=template, **fmt)
    return rule.finding(post, line=post.field_line("link"), message=template,
                        match=link.written, **fmt)


def check(post: Post, rule: Any, ctx: Any) -> Iterator[Finding]:
    kind = rule.options["check"]
    if kind not in ("unsafe", "tracking"):
        return
    from ..links import data as link_data
    from ..links import extract, urls

    data = link_data.for_context(ctx)
    for link in extract.in_post(post, data.bare_domain_tlds):
        parsed = urls.parse(link.url)
        if parsed is None:
            continue  # links.broken reports an address that is not valid
        if kind == "unsafe":
            reason = urls.unsafe_reason(parsed, link.explicit_scheme, data.confusable_scripts)
            if reason:
                yield _emit(rule, post, link, reason, host=parsed.host)
        else:
            yield from _tracking(rule, post, link, parsed, data, ctx)


def _tracking(rule: Any, post: Post, link: Any, parsed: Any, data: Any, ctx: Any) -> Iterator[Finding]:
    from ..links import urls

    conf = _config(ctx)
    forbidden = data.leaking_params | {p.lower() for p in conf.get("forbidden_params") or ()}
    leaks = urls.leaking(parsed, frozenset(forbidden))
    if leaks:
        yield _emit(rule, post, link, "leaking", params=", ".join(leaks))
    required = tuple(conf.get("required_params") or ())
    own = {d.lower().lstrip(".") for d in conf.get("own_domains") or ()}
    if required and parsed.host not in data.shorteners and (not own or urls.in_domains(parsed.host, own)):
        absent = urls.missing(parsed, required)
        if absent:
            yield _emit(rule, post, link, "missing", params=", ".join(absent))


def check_queue(posts: list[Post], rule: Any, ctx: Any) -> Iterator[Finding]:
    kind = rule.options["check"]
    if kind not in NETWORK_CHECKS:
        return
    from ..rules import matches

    data, occurrences, known = _queue_index(posts, ctx)
    for post, link, key in occurrences:
        if any(matches(rule, s) for s in post.ignore):
            continue  # the engine's per-post `ignore` does not reach queue rules
        finding = _network_finding(kind, rule, post, link, known.get(key), data, ctx)
        if finding is not None:
            yield finding


def _queue_index(posts: list[Post], ctx: Any) -> tuple[Any, list[tuple[Post, Any, str]], dict]:
    """(data, (post, link, URL key) for every link, results), built once per posts list:
    the four network rules of one config share one extraction and one network pass."""
    from ..links import batch, extract, urls
    from ..links import data as link_data

    held = ctx.cache.get("links:queue")
    if held is not None and held[0] is posts:
        return held[1]
    data = link_data.for_context(ctx)
    occurrences = [(post, link, urls.normalise(link.url))
                   for post in posts if not post.problems  # unreadable posts: input rules only
                   for link in extract.in_post(post, data.bare_domain_tlds)]
    known = batch.results((key for _, _, key in occurrences), ctx, data)
    ctx.cache["links:queue"] = (posts, (data, occurrences, known))
    return data, occurrences, known


def _via(rule: Any, result: Any) -> str:
    if not result.redirects or not result.final_url:
        return ""
    return str(rule.options.get("via", "")).replace("{final}", result.final_url) \
        .replace("{redirects}", str(result.redirects))


def _network_finding(kind: str, rule: Any, post: Post, link: Any, result: Any, data: Any,
                     ctx: Any) -> Finding | None:
    from ..links import urls

    parsed = urls.parse(link.url)
    host = parsed.host if parsed else ""
    fmt = {"code": result.code if result else "", "final": result.final_url if result else "",
           "address": result.address if result else "", "timeout": f"{ctx.config.links_timeout:g}",
           "max": data.network.max_redirects, "host": host,
           "run_deadline": f"{data.network.run_deadline:g}",
           "detail": result.detail if result else "", "via": _via(rule, result) if result else ""}
    if kind == "shortened":
        if host not in data.shorteners:
            return None
        if result is not None and result.outcome == "ok" and result.redirects:
            return _emit(rule, post, link, "resolved", **fmt)
        return _emit(rule, post, link, "unresolved", **fmt)
    if result is None:
        return None
    if kind == "broken" and result.outcome == "broken":
        return _emit(rule, post, link, result.cause, **fmt)
    if kind == "unverified" and result.outcome == "unverified":
        return _emit(rule, post, link, result.cause, **fmt)
    if kind == "redirected" and result.outcome == "ok" and result.redirects and parsed \
            and host not in data.shorteners:
        final = urls.parse(result.final_url)
        if final is None:
            return None
        if urls.site(final.host, data.second_level_suffixes) != urls.site(host, data.second_level_suffixes):
            return _emit(rule, post, link, "elsewhere", **fmt)
        if parsed.path not in ("", "/") and final.path in ("", "/"):
            return _emit(rule, post, link, "home", **fmt)
    return None


