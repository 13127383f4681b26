"""`kind: media` and `kind: media-limits` data files as validated dataclasses.

Bounds, metadata tags and platform limits are data so that a brand changes them with a
`--rules` folder (a new platform rule, a Premium account's longer videos), never in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import yamlfile as y
from ..config import merge
from ..errors import UsageError

RATIO = y.one_of(y.STR, y.NUMBER)
KIND_LIMITS = {
    "formats": y.list_of(y.STR),
    "max_bytes": y.BYTES,
    "max_bytes_gif": y.BYTES,
    "min_width": y.INT,
    "max_width": y.INT,
    "min_height": y.INT,
    "max_height": y.INT,
    "max_pixels": y.INT,
    "aspect": y.list_of(RATIO),
    "min_seconds": y.NUMBER,
    "max_seconds": y.NUMBER,
}
PLATFORM = {"max_items": y.INT, "max_videos": y.INT, "mix": y.BOOL, "image": KIND_LIMITS,
            "video": KIND_LIMITS}
LIMITS_SCHEMA = {"kind": y.STR, "platforms": y.map_of(PLATFORM)}
METADATA = {"label": y.STR, "exif_gps_ifd": y.BOOL, "exif": y.list_of(y.INT),
            "xmp": y.list_of(y.STR), "video": y.list_of(y.STR)}
DATA_SCHEMA = {
    "kind": y.STR,
    "max_image_bytes": y.BYTES,
    "max_image_pixels": y.INT,
    "max_video_bytes": y.BYTES,
    "max_metadata_bytes": y.BYTES,
    "video_extensions": y.list_of(y.STR),
    "metadata": y.map_of(METADATA),
    "empty_alt": y.list_of(y.STR),
    "explicit_threshold": y.NUMBER,
}


@dataclass(frozen=True)
class Private:
    """One kind of personal data a file's metadata can hold (a GPS position, an owner)."""

    name: str
    label: str
    exif_gps_ifd: bool = False
    exif: tuple[int, ...] = ()
    xmp: tuple[str, ...] = ()
    video: tuple[str, ...] = ()


@dataclass(frozen=True)
class MediaData:
    max_image_bytes: int = 200_000_000
    max_image_pixels: int = 100_000_000
    max_video_bytes: int = 20_000_000_000
    max_metadata_bytes: int = 1_000_000
    video_extensions: frozenset[str] = frozenset({"mp4", "mov", "webm"})
    private: tuple[Private, ...] = ()
    empty_alt: frozenset[str] = frozenset()
    explicit_threshold: float = 0.8


@dataclass(frozen=True)
class KindLimits:
    """What a platform takes for one kind of file (image or video); None: not checked."""

    formats: tuple[str, ...] = ()
    max_bytes: int | None = None
    max_bytes_gif: int | None = None
    min_width: int | None = None
    max_width: int | None = None
    min_height: int | None = None
    max_height: int | None = None
    max_pixels: int | None = None
    aspect: tuple[float, float] | None = None
    aspect_text: tuple[str, str] | None = None
    min_seconds: float | None = None
    max_seconds: float | None = None


@dataclass(frozen=True)
class PlatformLimits:
    max_items: int | None = None
    max_videos: int | None = None
    mix: bool = True  # pictures and videos in one post
    image: KindLimits = field(default_factory=KindLimits)
    video: KindLimits = field(default_factory=KindLimits)


def _merged(files: list[tuple[Any, Any]], schema: dict[str, Any]) -> dict[str, Any]:
    """Every file validated with file and line, then merged in order (built-in first)."""
    merged: dict[str, Any] = {}
    for path, _ in files:
        content, node = y.load(path)
        y.validate(node, schema, str(path))
        merged = merge(merged, {k: v for k, v in (content or {}).items() if k != "kind"})
    return merged


def build_data(files: list[tuple[Any, Any]]) -> MediaData:
    merged = _merged(files, DATA_SCHEMA)
    private = tuple(
        Private(name, str(spec.get("label") or name), bool(spec.get("exif_gps_ifd")),
                tuple(int(t) for t in spec.get("exif") or ()), tuple(spec.get("xmp") or ()),
                tuple(str(k).lower() for k in spec.get("video") or ()))
        for name, spec in (merged.get("metadata") or {}).items())
    defaults = MediaData()
    return MediaData(
        max_image_bytes=int(merged.get("max_image_bytes", defaults.max_image_bytes)),
        max_image_pixels=int(merged.get("max_image_pixels", defaults.max_image_pixels)),
        max_video_bytes=int(merged.get("max_video_bytes", defaults.max_video_bytes)),
        max_metadata_bytes=int(merged.get("max_metadata_bytes", defaults.max_metadata_bytes)),
        video_extensions=frozenset(e.lower().lstrip(".") for e in
                                   merged.get("video_extensions") or defaults.video_extensions),
        private=private,
        empty_alt=frozenset(w.lower() for w in merged.get("empty_alt") or ()),
        explicit_threshold=float(merged.get("explicit_threshold", defaults.explicit_threshold)),
    )


def parse_ratio(value: Any) -> float:
    """`"4:5"` -> 0.8, `"1.91:1"` -> 1.91, `1.5` -> 1.5 (width divided by height)."""
    if isinstance(value, (int, float)):
        ratio = float(value)
    else:
        width, sep, height = str(value).partition(":")
        try:
            ratio = float(width) / float(height) if sep else float(width)
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"not an aspect ratio like 4:5 or 1.91:1: {value!r}") from None
    if ratio <= 0:
        raise ValueError(f"an aspect ratio must be positive: {value!r}")
    return ratio


def _kind(spec: dict[str, Any], where: str, path: str) -> KindLimits:
    values = {k: v for k, v in spec.items() if k not in ("aspect", "formats")}
    aspect = aspect_text = None
    if spec.get("aspect") is not None:
        if len(spec["aspect"]) != 2:
            raise UsageError(f"{where}.aspect must be [narrowest, widest], e.g. ['4:5', '1.91:1']", path)
        try:
            low, high = sorted(parse_ratio(v) for v in spec["aspect"])
        except ValueError as exc:
            raise UsageError(f"{where}.aspect: {exc}", path) from None
        aspect = (low, high)
        aspect_text = tuple(str(v) for v in sorted(spec["aspect"], key=parse_ratio))
    return KindLimits(formats=tuple(f.lower() for f in spec.get("formats") or ()), aspect=aspect,
                      aspect_text=aspect_text, **values)  # type: ignore[arg-type]


def build_limits(files: list[tuple[Any, Any]]) -> dict[str, PlatformLimits]:
    merged = _merged(files, LIMITS_SCHEMA)
    where = str(files[-1][0]) if files else "media-limits"
    limits = {}
    for platform, spec in (merged.get("platforms") or {}).items():
        limits[str(platform)] = PlatformLimits(
            max_items=spec.get("max_items"), max_videos=spec.get("max_videos"),
            mix=bool(spec.get("mix", True)),
            image=_kind(spec.get("image") or {}, f"platforms.{platform}.image", where),
            video=_kind(spec.get("video") or {}, f"platforms.{platform}.video", where))
    return limits


def for_context(ctx: Any) -> MediaData:
    return ctx.resource("media:data", lambda: build_data(ctx.data("media")))


def limits_for_context(ctx: Any) -> dict[str, PlatformLimits]:
    return ctx.resource("media:limits", lambda: build_limits(ctx.data("media-limits")))
