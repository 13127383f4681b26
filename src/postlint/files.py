"""Read a file a user named, with a bound: only regular files, and at most `limit` bytes.

Config, rule and calendar paths come from people and from files people wrote. A typo or a
hostile file can name /dev/zero or /dev/urandom (endless), a FIFO (blocks forever on open) or
a multi-gigabyte log; each of those would hang the run or exhaust memory. Every config, rule
file and calendar is read through `read_bytes`, so each such case is one line and exit 2.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import UsageError

MB = 1 << 20
CONFIG_LIMIT = 1 * MB  # configs, rule files and their data files are written by hand
CALENDAR_LIMIT = 10 * MB  # exported calendars carry years of events and time-zone blocks


def read_bytes(path: Path | str, limit: int, what: str = "file") -> bytes:
    """The bytes of the regular file at `path`, or UsageError naming it.

    Opened non-blocking and checked with fstat on the open file (not a stat before opening),
    so a FIFO cannot block the open and cannot be swapped in between check and read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise UsageError(f"{what} not found", str(path)) from None
    except OSError as exc:
        raise UsageError(f"cannot read {what}: {exc.strerror or exc}", str(path)) from None
    except ValueError:  # a NUL byte in the name
        raise UsageError(f"cannot read {what}: not a valid file name", str(path)) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise UsageError(f"{what} is not a regular file (postlint reads no devices, FIFOs "
                         "or folders)", str(path))
    with os.fdopen(fd, "rb") as handle:
        if info.st_size > limit:
            raise UsageError(f"{what} is larger than {_size(limit)}", str(path))
        try:
            data = handle.read(limit + 1)  # /proc files report size 0: the read is the bound
        except OSError as exc:
            raise UsageError(f"cannot read {what}: {exc.strerror or exc}", str(path)) from None
    if len(data) > limit:
        raise UsageError(f"{what} is larger than {_size(limit)}", str(path))
    return data


def kind(path: Path | str) -> str:
    """What is at `path`: "file" (a regular one), "folder", "other" (a device, a FIFO),
    "missing", or "invalid" for a name the system refuses (too long, a NUL byte), for which
    pathlib's exists() and is_file() raise instead of answering."""
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return "missing"
    except (OSError, ValueError):
        return "invalid"
    if stat.S_ISREG(mode):
        return "file"
    return "folder" if stat.S_ISDIR(mode) else "other"


def read_text(path: Path | str, limit: int, what: str = "file") -> str:
    """`read_bytes` decoded as UTF-8 (a BOM is dropped); undecodable bytes are one line too."""
    data = read_bytes(path, limit, what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{what} is not UTF-8 text (byte {exc.start + 1} cannot be decoded)",
                         str(path)) from None


def _size(limit: int) -> str:
    return f"{limit // MB} MB" if limit >= MB and limit % MB == 0 else f"{limit} bytes"
