"""What one media file is: kind, format, size, pixels, length, and what its metadata gives away.

Read within bounds, never trusting the file: the size is checked before anything is opened,
Pillow reads only the header before the pixel count is checked (a decompression bomb is
never decoded), JPEGs are decoded at 1/8 scale and PNGs only have their checksums verified
(enough to find a truncated or damaged file), and videos are probed by FFmpeg (PyAV) from
their container header, never decoded. Every failure becomes a `problem` text: one bad file
must never stop the run.
"""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .data import MediaData

IMAGE_FORMATS = {"mpo": "jpeg", "jpeg2000": "jp2"}  # Pillow's name -> the name people use
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
GPS_POSITION = (2, 4)  # GPSLatitude, GPSLongitude


@dataclass(frozen=True)
class Probe:
    """What a file is. `kind`: image, video, or unreadable (missing, damaged, unknown).

    `too_large`: beyond what postlint opens (kept apart from `problem` because the file
    exists and is real; media.limits reports it, not media.missing).
    """

    kind: str
    format: str = ""
    size: int = 0
    width: int = 0
    height: int = 0
    seconds: float | None = None
    animated: bool = False
    problem: str = ""
    too_large: str = ""
    private: tuple[str, ...] = ()  # labels of the personal data found in the metadata

    @property
    def readable(self) -> bool:
        return self.kind != "unreadable"


def extension(source: str) -> str:
    """`photos/Latte.JPG` or `https://x.org/a.mp4?w=1` -> `jpg` / `mp4`."""
    name = source.split("?", 1)[0].split("#", 1)[0].rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} KB"


def probe(path: Path, data: MediaData) -> Probe:
    """Probe one local file; never raises."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return Probe("unreadable", problem="no such file")
    except OSError as exc:
        return Probe("unreadable", problem=f"cannot be read ({exc.strerror or exc})")
    if path.is_dir():
        return Probe("unreadable", problem="is a folder, not a file")
    if stat.st_size == 0:
        return Probe("unreadable", problem="is an empty file")
    try:
        if extension(path.name) in data.video_extensions:
            return _video(path, stat.st_size, data)
        return _image(path, stat.st_size, data)
    except Exception as exc:  # noqa: BLE001 - a decoder bug on one odd file must not stop the run
        return Probe("unreadable", size=stat.st_size,
                     problem=f"cannot be read ({type(exc).__name__}: {str(exc)[:120]})")


def cached(path: Path, data: MediaData, cache: dict[Any, Probe]) -> Probe:
    """`probe` memoised by (path, size, modification time): a queue reuses its pictures, and
    four rules ask about each. A changed file has a new key. Bounded."""
    try:
        stat = path.stat()
        key: Any = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    except OSError:
        return probe(path, data)
    found = cache.get(key)
    if found is None:
        if len(cache) >= 10_000:
            cache.clear()
        found = cache[key] = probe(path, data)
    return found


# --- pictures ----------------------------------------------------------------------------------


def _image(path: Path, size: int, data: MediaData) -> Probe:
    from PIL import Image, UnidentifiedImageError

    if size > data.max_image_bytes:
        return Probe("image", size=size, too_large=f"a {megabytes(size)} file")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # we check pixels below
        try:
            image = Image.open(path)
        except Image.DecompressionBombError:  # Pillow refuses twice its MAX_IMAGE_PIXELS
            limit = 2 * (Image.MAX_IMAGE_PIXELS or 0) / 1e6
            return Probe("image", size=size, too_large=f"a picture of more than {limit:.0f} megapixels")
        except UnidentifiedImageError:
            return Probe("unreadable", size=size,
                         problem="is not a picture or video postlint can read")
        except OSError as exc:
            return Probe("unreadable", size=size, problem=f"cannot be read ({exc.strerror or exc})")
        with image:
            fmt = (image.format or "").lower()
            fmt = IMAGE_FORMATS.get(fmt, fmt)
            width, height = image.size
            animated = bool(getattr(image, "is_animated", False))
            if width * height > data.max_image_pixels:
                return Probe("image", fmt, size, width, height, animated=animated,
                             too_large=f"{width}x{height} pixels ({width * height / 1e6:.0f} megapixels)")
            damage = _damage(image, fmt, path)
            private = () if damage else _image_private(image, data)
    if damage:
        return Probe("unreadable", fmt, size, width, height, problem=f"is damaged ({damage})")
    return Probe("image", fmt, size, width, height, animated=animated, private=private)


def _damage(image: Any, fmt: str, path: Path) -> str:
    """Why the picture cannot be decoded, or "" (a truncated upload, a half-copied file).

    Decoding costs: JPEGs are decoded at 1/8 scale (every byte is still read), PNGs only have
    their chunk checksums verified (Pillow's `verify` must run on a freshly opened file)."""
    from PIL import Image

    try:
        if fmt == "png":
            with Image.open(path) as fresh:
                fresh.verify()
        else:
            if fmt == "jpeg":
                image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
            image.load()
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        return str(exc)[:120] or type(exc).__name__
    return ""


def _image_private(image: Any, data: MediaData) -> tuple[str, ...]:
    """Labels of the personal data in a picture's EXIF and XMP (header data: no decoding)."""
    found = []
    exif = image.getexif()
    gps = exif.get_ifd(GPS_IFD) if exif else {}
    details = exif.get_ifd(EXIF_IFD) if exif else {}
    xmp = _xmp(image.info, data.max_metadata_bytes)
    for spec in data.private:
        if (spec.exif_gps_ifd and any(gps.get(tag) for tag in GPS_POSITION)) \
                or any(_filled(exif.get(tag, details.get(tag))) for tag in spec.exif) \
                or (xmp and any(_xmp_has(xmp, name) for name in spec.xmp)):
            found.append(spec.label)
    return tuple(found)


def _filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, bytes):
        value = value.decode("utf-8", "ignore")
    return bool(str(value).strip(" \0\t\r\n"))


def _xmp(info: dict[str, Any], limit: int) -> str:
    """The XMP packet as text (JPEG and WebP keep it as `xmp`, PNG as an iTXt chunk)."""
    raw = info.get("xmp") or info.get("XML:com.adobe.xmp") or ""
    if isinstance(raw, bytes):
        raw = raw[:limit].decode("utf-8", "ignore")
    return raw[:limit]


def _xmp_has(xmp: str, name: str) -> bool:
    """A property with a value: `name="…"` (attribute form) or `<name>…</name>` (element)."""
    return _xmp_pattern(name).search(xmp) is not None


@lru_cache(maxsize=64)
def _xmp_pattern(name: str) -> re.Pattern[str]:
    n = re.escape(name)
    return re.compile(rf'\b{n}\s*=\s*["\']\s*[^"\'\s]|<{n}\b[^>]*>(?:\s*<[^>]+>)*\s*[^<\s]')


# --- videos ------------------------------------------------------------------------------------


def _video(path: Path, size: int, data: MediaData) -> Probe:
    fmt = extension(path.name)
    if size > data.max_video_bytes:
        return Probe("video", fmt, size, too_large=f"a {megabytes(size)} file")
    try:
        import av
    except ImportError:  # a core dependency; only a broken install lacks it
        return Probe("video", fmt, size, problem="PyAV is not installed")
    try:
        # probesize bounds how much FFmpeg reads to find the streams (bytes)
        with av.open(str(path), options={"probesize": "5000000"}) as container:
            stream = next((s for s in container.streams if s.type == "video"), None)
            if stream is None:
                return Probe("unreadable", fmt, size, problem="has no video stream")
            seconds = _seconds(container, stream)
            width = stream.codec_context.width or 0
            height = stream.codec_context.height or 0
            keys = {str(k).lower(): v for k, v in {**container.metadata, **stream.metadata}.items()}
    except Exception as exc:  # noqa: BLE001 - FFmpeg raises many kinds for broken input
        text = getattr(exc, "strerror", None) or str(exc)
        return Probe("unreadable", fmt, size, problem=f"is not a video postlint can read ({text[:100]})")
    private = tuple(spec.label for spec in data.private
                    if any(_filled(keys.get(k)) for k in spec.video))
    return Probe("video", fmt, size, width, height, seconds, private=private)


def _seconds(container: Any, stream: Any) -> float | None:
    import av

    if container.duration:
        return container.duration / av.time_base
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    return None


def resolve(source: str, post_path: str) -> Path:
    """A media path relative to the post's file (stdin and API posts: the current folder)."""
    target = Path(os.path.expanduser(source))
    if target.is_absolute():
        return target
    base = Path(post_path).parent if post_path not in ("-", "<memory>") else Path(".")
    return base / target
