"""Bytes to text, the same way for every reader."""

from __future__ import annotations

from ..model import Problem

BINARY_SNIFF = 8192


def looks_binary(data: bytes) -> bool:
    return b"\x00" in data[:BINARY_SNIFF]


def decode(data: bytes) -> tuple[str | None, Problem | None]:
    """UTF-8 with or without BOM; anything else is a Problem at the first bad byte's line."""
    if looks_binary(data):
        return None, Problem("encoding", "file is not text (binary data)", 1)
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, Problem(
            "encoding",
            f"byte 0x{data[exc.start]:02x} is not valid UTF-8; save the file as UTF-8",
            line,
            column,
        )
