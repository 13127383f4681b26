"""Media: the pictures and videos of a post, from its `media` field.

- `check` (per post): `missing` (a local file that does not exist or cannot be read),
  `alt-text`, `limits` (the platform's limits, data in rules/media-limits.yaml) and
  `metadata` (GPS position, owner, serial number in EXIF/XMP or the video's tags);
- `check_queue` (once per config, after the per-post pass): `missing` for URLs, through the
  link checker (same safety, cache and --offline as links.broken), and `explicit`, the
  optional model, loaded once and told once when it is not installed.

A post without media returns at once, and nothing here imports Pillow, PyAV or the model
until a post has media: a run without media is as fast as before.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any, Iterator

from .. import yamlfile as y
from ..model import Finding, MediaItem, Post, Severity

CHECKS = ("missing", "alt-text", "limits", "metadata", "explicit")
FIELDS = frozenset({"problem", "limit", "platform", "what", "score", "alt", "count"})  # message placeholders
OPTIONS = {
    "check": y.choice(*CHECKS),
    "messages": y.map_of(y.STR),  # variants: empty (alt-text), too-large, no-probe, not-installed
}


def prepare(options: dict[str, Any]) -> dict[str, Any]:
    if options.get("check") not in CHECKS:
        raise ValueError(f"a media rule needs `check` (one of: {', '.join(CHECKS)})")
    return options


def _emit(rule: Any, post: Post, item: MediaItem, variant: str | None = None, **fmt: Any) -> Finding:
    template = (rule.options.get("messages") or {}).get(variant) if variant else None
    return rule.finding(post, line=item.line, match=item.source, message=template, **fmt)


def _probes(post: Post, ctx: Any) -> tuple[tuple[MediaItem, Any], ...]:
    """(item, Probe or None for a URL) of every item, probed once per post for every rule."""
    from ..media import data, probe

    def build() -> tuple[tuple[MediaItem, Any], ...]:
        settings = data.for_context(ctx)
        cache = ctx.resource("media:probes", dict)
        return tuple((item, None if item.is_url else
                      probe.cached(probe.resolve(item.source, post.path), settings, cache))
                     for item in post.media)

    return ctx.memo(post, "media:probes", build)


def _is_video(item: MediaItem, found: Any, ctx: Any) -> bool:
    if found is not None and found.readable:
        return found.kind == "video"
    from ..media import data, probe

    return probe.extension(item.source) in data.for_context(ctx).video_extensions


def check(post: Post, rule: Any, ctx: Any) -> Iterator[Finding]:
    if not post.media:
        return
    kind = rule.options["check"]
    if kind == "explicit":
        return  # check_queue: the model is loaded once and run over the whole queue
    entries = _probes(post, ctx)
    if kind == "missing":
        for item, found in entries:
            if found is not None and not found.readable:
                yield _emit(rule, post, item, problem=found.problem)
    elif kind == "alt-text":
        yield from _alt_text(post, rule, ctx, entries)
    elif kind == "limits":
        yield from _limits(post, rule, ctx, entries)
    elif kind == "metadata":
        for item, found in entries:
            if found is not None and found.private:
                yield _emit(rule, post, item, what=" and ".join(found.private))


def _alt_text(post: Post, rule: Any, ctx: Any, entries: Any) -> Iterator[Finding]:
    from ..media import data, probe

    empty = data.for_context(ctx).empty_alt
    for item, found in entries:
        if (found is not None and not found.readable) or _is_video(item, found, ctx):
            continue  # media.missing speaks for a file it cannot read; videos have captions
        if not item.alt:
            yield _emit(rule, post, item)
            continue
        name = item.source.rsplit("/", 1)[-1].lower()
        words = item.alt.strip(" .").lower()
        if words in empty or words in (name, name.rsplit(".", 1)[0]) or probe.extension(words) \
                in ("jpg", "jpeg", "png", "gif", "webp", "heic"):
            yield _emit(rule, post, item, "empty", alt=item.alt)


def _limits(post: Post, rule: Any, ctx: Any, entries: Any) -> Iterator[Finding]:
    from ..media import data, limits

    for item, found in entries:  # beyond what postlint opens: said whatever the platform
        if found is not None and found.too_large:
            settings = data.for_context(ctx)
            bound = (f"{settings.max_image_pixels / 1e6:.0f} megapixels, "
                     f"{settings.max_image_bytes / 1e6:.0f} MB")
            yield _emit(rule, post, item, "too-large", problem=found.too_large, limit=bound,
                        platform=post.platform or "")
    platform = post.platform
    wanted = data.limits_for_context(ctx).get(platform) if platform else None
    if wanted is None:
        return
    kinds = ["video" if _is_video(item, found, ctx) else "image" for item, found in entries]
    for index, problem, limit in limits.count_problems(kinds, wanted):
        yield _emit(rule, post, entries[index][0], problem=problem, limit=limit, platform=platform)
    for (item, found), kind in zip(entries, kinds):
        if found is None or not found.readable or found.too_large:
            continue  # URLs: reachability only (media.missing); unreadable: media.missing
        section = wanted.video if kind == "video" else wanted.image
        for problem, limit in limits.file_problems(found, section):
            yield _emit(rule, post, item, problem=problem, limit=limit, platform=platform)
        if kind == "video" and found.seconds is None and section.max_seconds and found.problem:
            yield _emit(rule, post, item, "no-probe", problem=found.problem,
                        limit=f"at most {section.max_seconds:g} seconds", platform=platform)


# --- whole queue: URLs and the model ---------------------------------------------------------------


def check_queue(posts: list[Post], rule: Any, ctx: Any) -> Iterator[Finding]:
    kind = rule.options["check"]
    if kind not in ("missing", "explicit"):
        return
    from ..rules import matches

    wanted = [post for post in posts if post.media and not post.problems
              and not any(matches(rule, s) for s in post.ignore)]
    if not wanted:
        return
    if kind == "missing":
        yield from _unreachable(wanted, rule, ctx)
    else:
        yield from _explicit(wanted, rule, ctx)


def _unreachable(posts: list[Post], rule: Any, ctx: Any) -> Iterator[Finding]:
    """Media URLs the link checker finds broken (offline: what its cache knows)."""
    from ..links import batch, urls
    from ..links import data as link_data

    occurrences = [(post, item, urls.normalise(item.source))
                   for post in posts for item in post.media if item.is_url]
    if not occurrences:
        return
    known = batch.results((key for _, _, key in occurrences), ctx, link_data.for_context(ctx))
    for post, item, key in occurrences:
        result = known.get(key)
        if result is not None and result.outcome == "broken":
            code = f"HTTP {result.code}" if result.code else result.cause.replace("_", " ")
            yield _emit(rule, post, item, problem=f"cannot be fetched ({code})")


def _explicit(posts: list[Post], rule: Any, ctx: Any) -> Iterator[Finding]:
    from ..media import data, explicit

    pictures = [(post, item, found) for post in posts for item, found in _probes(post, ctx)
                if found is not None and found.kind in ("image", "video") and not found.too_large]
    if not pictures:
        return
    if explicit.bundled_model() is None:
        if _first_time(ctx.options):  # once per run, whatever the number of configs
            post, item, _ = pictures[0]
            yield _notice(rule, post, item, len(pictures))
        return
    from ..media import probe

    threshold = data.for_context(ctx).explicit_threshold
    scores: dict[str, float] = ctx.resource("media:explicit-scores", dict)
    for post, item, found in pictures:
        path = probe.resolve(item.source, post.path)
        key = str(path.resolve())
        if key not in scores:
            try:
                scores[key] = explicit.score(path, found.kind)
            except Exception:  # noqa: BLE001 - media.missing reports files that cannot be read
                scores[key] = 0.0
        if scores[key] >= threshold:
            yield _emit(rule, post, item, score=scores[key])


def _notice(rule: Any, post: Post, item: MediaItem, count: int) -> Finding:
    """The one "not installed" finding: info, not the rule's critical (nothing was found)."""
    from dataclasses import replace

    finding = _emit(rule, post, item, "not-installed", count=count)
    return replace(finding, severity=Severity.INFO)


_TOLD: dict[int, weakref.ref] = {}
_TOLD_LOCK = threading.Lock()


def _first_time(options: Any) -> bool:
    """True once per run (the run's Options object identifies it, as for link results)."""
    with _TOLD_LOCK:
        for key in [k for k, ref in _TOLD.items() if ref() is None]:
            del _TOLD[key]
        ref = _TOLD.get(id(options))
        if ref is not None and ref() is options:
            return False
        _TOLD[id(options)] = weakref.ref(options)
        return True
