"""Fetch one feed over HTTP with the link checker's safety, and read its body (bounded).

The link checker only asks whether a URL answers; a feed needs its body. This module adds the
one thing missing, a bounded GET, on top of the link checker's guarded session
(`postlint.links.checker.for_policy(...).session`), so every connection, on every redirect hop,
goes through the same address checks after DNS resolution: loopback, private and link-local
addresses are refused unless `events.allow_private_hosts` (or `links.allow_private_hosts`) is
true, and cloud metadata addresses always. Proxies from the environment are not used, for the
same reason as in the link checker.

Bounds: `timeout` seconds per connect and per read, an overall DEADLINE_FACTOR x timeout for
the whole fetch (a server trickling one byte a second cannot hold the run), at most
MAX_BYTES of body, at most the link data's `max_redirects` hops.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urljoin

MAX_BYTES = 4 * 1024 * 1024  # newsroom RSS is 50 KB-1 MB; more is not a feed we should parse
DEADLINE_FACTOR = 3
CHUNK = 16384
ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
          "text/calendar;q=0.9, application/yaml;q=0.8, text/yaml;q=0.8, application/xml;q=0.8, "
          "text/xml;q=0.8, */*;q=0.5")


class FetchError(Exception):
    """Why a feed could not be fetched, in words for a warning line (never the body)."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    body: bytes
    content_type: str


def fetch(url: str, timeout: float, allow_private: bool, network: object) -> Fetched:
    """GET `url` (following redirects by hand) and return its body; raises FetchError."""
    from ..links import urls
    from ..links.checker import Policy, RefusedAddress, for_policy

    session = for_policy(Policy(timeout, allow_private, network)).session  # type: ignore[arg-type]
    deadline = time.monotonic() + DEADLINE_FACTOR * timeout
    current = url
    for _ in range(getattr(network, "max_redirects", 10) + 1):
        if urls.parse(current) is None:
            raise FetchError(f"not a valid http(s) address: {current}")
        try:
            response = session.get(current, allow_redirects=False, stream=True,
                                   timeout=(timeout, timeout), headers={"Accept": ACCEPT})
        except RefusedAddress as exc:
            raise FetchError(f"refused: {exc.address} is a private or local address "
                             "(set events.allow_private_hosts: true for an intranet feed)") from None
        except Exception as exc:  # noqa: BLE001 - mapped to one line below
            raise FetchError(_why(exc)) from None
        try:
            if 300 <= response.status_code < 400 and response.headers.get("Location"):
                current = urljoin(current, response.headers["Location"].strip())
                continue
            if response.status_code >= 400:
                raise FetchError(f"HTTP {response.status_code}")
            body = _read(response, deadline)
            return Fetched(current, body, response.headers.get("Content-Type", ""))
        finally:
            response.close()
    raise FetchError("too many redirects")


def _read(response: object, deadline: float) -> bytes:
    """The body, up to MAX_BYTES and the deadline. `read1` returns what has arrived, so the
    deadline is checked between small reads even when a server trickles bytes."""
    raw = response.raw  # type: ignore[attr-defined]
    length = response.headers.get("Content-Length", "")  # type: ignore[attr-defined]
    if length.isdigit() and int(length) > MAX_BYTES:
        raise FetchError(f"larger than {MAX_BYTES // (1024 * 1024)} MiB ({int(length)} bytes announced)")
    parts: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError("took too long (overall deadline)")
        try:
            chunk = raw.read1(CHUNK) if hasattr(raw, "read1") else raw.read(CHUNK)
        except Exception as exc:  # noqa: BLE001 - a read timeout, a reset
            raise FetchError(_why(exc)) from None
        if not chunk:
            return b"".join(parts)
        size += len(chunk)
        if size > MAX_BYTES:
            raise FetchError(f"larger than {MAX_BYTES // (1024 * 1024)} MiB")
        parts.append(chunk)


def _why(exc: BaseException) -> str:
    """A cause a social media manager can act on, from the exception chain."""
    chain, seen = [], exc
    while seen is not None and len(chain) < 10:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    names = " ".join(type(e).__name__ for e in chain)
    text = " ".join(str(e) for e in chain)
    if "RefusedAddress" in names:
        return "refused: a private or local address (set events.allow_private_hosts: true for an intranet feed)"
    if "Timeout" in names or "timed out" in text:
        return "timed out"
    if "NameResolution" in names or "gaierror" in names or "Name or service not known" in text:
        return "the host name does not resolve"
    if "Connection refused" in text or "ConnectionRefused" in names:
        return "connection refused"
    if "SSL" in names:
        return "TLS/SSL error"
    return f"connection failed ({type(exc).__name__})"
