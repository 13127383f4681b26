"""Pure checks of one probed file, or of a post's list of files, against a platform's limits.

Each check returns (problem, limit) texts for the message "{problem}; {platform} takes {limit}",
so that a social media manager reads what is wrong and what would be right in one sentence.
"""

from __future__ import annotations

from .data import KindLimits, PlatformLimits
from .probe import Probe, megabytes

ASPECT_TOLERANCE = 0.01  # 1080x1351 is "4:5" to everyone, platforms included


def file_problems(found: Probe, limits: KindLimits) -> list[tuple[str, str]]:
    """What is wrong with one readable file: format, bytes, pixels, aspect ratio, length."""
    problems: list[tuple[str, str]] = []
    if limits.formats and found.format and found.format not in limits.formats:
        problems.append((f"a {found.format.upper()} file",
                         " or ".join(f.upper() for f in limits.formats)))
    max_bytes = limits.max_bytes_gif if found.format == "gif" and limits.max_bytes_gif \
        else limits.max_bytes
    if max_bytes and found.size > max_bytes:
        problems.append((f"{megabytes(found.size)}", f"at most {megabytes(max_bytes)}"))
    problems += _pixels(found, limits)
    problems += _aspect(found, limits)
    problems += _seconds(found, limits)
    return problems


def _pixels(found: Probe, limits: KindLimits) -> list[tuple[str, str]]:
    width, height = found.width, found.height
    if not width or not height:
        return []
    size = f"{width}x{height} pixels"
    checks = [
        (limits.min_width is not None and width < limits.min_width, f"at least {limits.min_width} pixels wide"),
        (limits.max_width is not None and width > limits.max_width, f"at most {limits.max_width} pixels wide"),
        (limits.min_height is not None and height < limits.min_height, f"at least {limits.min_height} pixels high"),
        (limits.max_height is not None and height > limits.max_height, f"at most {limits.max_height} pixels high"),
        (limits.max_pixels is not None and width * height > limits.max_pixels,
         f"at most {(limits.max_pixels or 0) / 1e6:.1f} megapixels"),
    ]
    return [(size, limit) for failed, limit in checks if failed]


def _aspect(found: Probe, limits: KindLimits) -> list[tuple[str, str]]:
    if limits.aspect is None or not found.width or not found.height:
        return []
    low, high = limits.aspect
    ratio = found.width / found.height
    if low * (1 - ASPECT_TOLERANCE) <= ratio <= high * (1 + ASPECT_TOLERANCE):
        return []
    low_text, high_text = limits.aspect_text or (f"{low:g}", f"{high:g}")
    return [(f"an aspect ratio of {ratio:.2f}:1 ({found.width}x{found.height})",
             f"{low_text} to {high_text}")]


def _seconds(found: Probe, limits: KindLimits) -> list[tuple[str, str]]:
    if found.seconds is None:
        return []
    length = f"{found.seconds:.1f} seconds long"
    if limits.max_seconds is not None and found.seconds > limits.max_seconds:
        return [(length, f"at most {_duration(limits.max_seconds)}")]
    if limits.min_seconds is not None and found.seconds < limits.min_seconds:
        return [(length, f"at least {_duration(limits.min_seconds)}")]
    return []


def _duration(seconds: float) -> str:
    if seconds >= 120 and seconds % 60 == 0:
        return f"{seconds / 60:g} minutes"
    return f"{seconds:g} seconds"


def count_problems(kinds: list[str], limits: PlatformLimits) -> list[tuple[int, str, str]]:
    """(index of the first item too many, problem, limit) for the whole list of a post."""
    problems = []
    if limits.max_items is not None and len(kinds) > limits.max_items:
        problems.append((limits.max_items, f"{len(kinds)} pictures and videos in one post",
                         f"at most {limits.max_items}"))
    videos = [i for i, kind in enumerate(kinds) if kind == "video"]
    if not limits.mix and videos and len(videos) < len(kinds):
        problems.append((videos[0], "pictures and a video in one post", "either pictures or one video"))
    if limits.max_videos is not None and len(videos) > limits.max_videos:
        problems.append((videos[limits.max_videos], f"{len(videos)} videos in one post",
                         f"at most {limits.max_videos}"))
    return problems
