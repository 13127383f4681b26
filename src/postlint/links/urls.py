"""Pure questions about one URL: which site it is on, whether it is a shortener, whether
it looks unsafe, which tracking parameters it carries. No network, no state.
"""

from __future__ import annotations

import ipaddress
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, urlsplit, urlunsplit


@dataclass(frozen=True)
class Parsed:
    """The parts of a URL the checks need; `host` is lower-case, without port or brackets."""

    scheme: str
    host: str
    userinfo: bool
    path: str
    params: tuple[str, ...]


@lru_cache(maxsize=65536)  # a queue repeats the same few links thousands of times
def parse(url: str) -> Parsed | None:
    """None for something that is not a usable http(s) URL (no host, bad port, bad IPv6)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    names = tuple(k.lower() for k, _ in parse_qsl(parts.query, keep_blank_values=True))
    return Parsed(parts.scheme.lower(), host.lower().rstrip("."), "@" in parts.netloc,
                  parts.path, names)


@lru_cache(maxsize=65536)
def normalise(url: str) -> str:
    """The key under which a URL is checked and cached: no fragment, lower-case scheme and
    host, "/" for an empty path. Two spellings of one page are checked once."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/",
                       parts.query, ""))


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def site(host: str, second_level: frozenset[str]) -> str:
    """The registrable part of a host (acme.com for shop.acme.com, acme.co.uk for
    www.acme.co.uk), close enough to a public-suffix lookup for "same site or not"."""
    host = host.lower().rstrip(".")
    if is_ip(host):
        return host
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and ".".join(labels[-2:]) in second_level else 2
    return ".".join(labels[-keep:])


def in_domains(host: str, domains: frozenset[str] | set[str]) -> bool:
    """True if `host` is one of `domains` or a subdomain of one."""
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


def _scripts(label: str) -> set[str]:
    """Unicode scripts of the letters in a label (LATIN, CYRILLIC, GREEK, ...)."""
    found = set()
    for ch in label:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            found.add(name.split(" ")[0] if name else "UNKNOWN")
    return found


def mixes_scripts(label: str, confusable: frozenset[str]) -> bool:
    """A label that mixes Latin with a script of look-alike letters (Cyrillic "а" in
    "аpple"), or two such scripts. Japanese or Korean labels mixing their own scripts, or
    with Latin, are ordinary and not flagged."""
    scripts = _scripts(label)
    lookalikes = scripts & confusable
    return bool(lookalikes) and (len(lookalikes) > 1 or "LATIN" in scripts)


def unsafe_reason(parsed: Parsed, explicit_scheme: bool,
                  confusable: frozenset[str] = frozenset({"CYRILLIC", "GREEK"})) -> str | None:
    """Why a link as written is unsafe, most serious reason first, or None.

    Credentials in a URL are published to everyone; a label mixing scripts (Latin with a
    Cyrillic "а") or spelled in punycode is how look-alike domains imitate a brand; a raw IP
    address hides who runs the server; plain http can be altered on the way.
    """
    if parsed.userinfo:
        return "credentials"
    labels = parsed.host.split(".")
    if any(mixes_scripts(label, confusable) for label in labels):
        return "mixed_script"
    if any(label.startswith("xn--") for label in labels):
        return "punycode"  # browsers show punycode for look-alike hosts; nobody types it
    if is_ip(parsed.host):
        return "ip"
    if explicit_scheme and parsed.scheme == "http":
        return "http"
    return None


def leaking(parsed: Parsed, names: frozenset[str]) -> list[str]:
    return sorted({p for p in parsed.params if p in names})


def missing(parsed: Parsed, required: tuple[str, ...]) -> list[str]:
    return [p for p in required if p.lower() not in parsed.params]
