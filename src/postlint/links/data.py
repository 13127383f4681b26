"""The links rule type's content (`kind: links` data files) as one validated dataclass.

Shortener domains, leaking parameters, thresholds and the User-Agent are data so that a
brand can change them with a `--rules` folder, never by editing Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import yamlfile as y
from ..errors import UsageError

NETWORK = {
    "max_redirects": y.INT,
    "max_body_bytes": y.INT,
    "workers": y.INT,
    "per_host": y.INT,
    "retry_after_max": y.NUMBER,
    "head_fallback": y.list_of(y.INT),
    "bot_wall": y.list_of(y.INT),
    "blocked_addresses": y.list_of(y.STR),
    "private_ranges": y.list_of(y.STR),
    "ipv4_in_ipv6": y.map_of(y.INT),
    "run_deadline": y.NUMBER,
    "stalled_after": y.INT,
    "canaries": y.list_of(y.STR),
    "failure_ttl_hours": y.NUMBER,
    "cache_keep_days": y.NUMBER,
    "user_agent": y.STR,
}
SCHEMA = {
    "kind": y.STR,
    "shorteners": y.list_of(y.STR),
    "leaking_params": y.list_of(y.STR),
    "bare_domain_tlds": y.list_of(y.STR),
    "second_level_suffixes": y.list_of(y.STR),
    "confusable_scripts": y.list_of(y.STR),
    "network": NETWORK,
}


@dataclass(frozen=True)
class Network:
    """How the checker behaves; hashable so that one HTTP client serves equal settings."""

    max_redirects: int = 10
    max_body_bytes: int = 65536
    workers: int = 32
    per_host: int = 10
    retry_after_max: float = 5.0
    head_fallback: tuple[int, ...] = (403, 405, 501)
    bot_wall: tuple[int, ...] = (403, 999)
    blocked_addresses: tuple[str, ...] = ()
    private_ranges: tuple[str, ...] = ()
    ipv4_in_ipv6: tuple[tuple[str, int], ...] = ()  # (IPv6 prefix, bit where the IPv4 starts)
    run_deadline: float = 300.0
    stalled_after: int = 2
    canaries: tuple[str, ...] = ()
    failure_ttl_hours: float = 1.0
    cache_keep_days: float = 30.0
    user_agent: str = "postlint"


@dataclass(frozen=True)
class LinkData:
    shorteners: frozenset[str] = frozenset()
    leaking_params: frozenset[str] = frozenset()
    bare_domain_tlds: tuple[str, ...] = ("com", "org", "net")
    second_level_suffixes: frozenset[str] = frozenset()
    confusable_scripts: frozenset[str] = frozenset({"CYRILLIC", "GREEK"})
    network: Network = Network()


def build(files: list[tuple[Any, Any]]) -> LinkData:
    """Merge every `kind: links` file (built-in first, then --rules folders) into LinkData.

    Each file is validated with file and line, so a typo in a user's data file stops the run
    with one clear message instead of silently doing nothing.
    """
    from .. import __version__

    merged: dict[str, Any] = {}
    for path, _ in files:
        content, node = y.load(path)
        y.validate(node, SCHEMA, str(path))
        for key, value in (content or {}).items():
            if key == "network" and isinstance(value, dict):
                merged["network"] = {**merged.get("network", {}), **value}
            elif key != "kind":
                merged[key] = value
    net = dict(merged.get("network") or {})
    for key in ("head_fallback", "bot_wall", "blocked_addresses", "private_ranges", "canaries"):
        if key in net:
            net[key] = tuple(net[key])
    if "ipv4_in_ipv6" in net:
        net["ipv4_in_ipv6"] = tuple((str(k), int(v)) for k, v in net["ipv4_in_ipv6"].items())
    for key in ("max_redirects", "workers", "per_host", "max_body_bytes", "stalled_after"):
        if key in net and int(net[key]) < (0 if key == "max_redirects" else 1):
            raise UsageError(f"network.{key} must be at least 1", str(files[-1][0]))
    _check_addresses(net, str(files[-1][0]))
    network = Network(**net)
    network = Network(**{**network.__dict__,
                         "user_agent": network.user_agent.replace("{version}", __version__)})
    return LinkData(
        shorteners=frozenset(h.lower() for h in merged.get("shorteners") or ()),
        leaking_params=frozenset(p.lower() for p in merged.get("leaking_params") or ()),
        bare_domain_tlds=tuple(t.lower() for t in merged.get("bare_domain_tlds") or ("com", "org", "net")),
        second_level_suffixes=frozenset(s.lower() for s in merged.get("second_level_suffixes") or ()),
        confusable_scripts=frozenset(s.upper() for s in merged.get("confusable_scripts") or ("CYRILLIC", "GREEK")),
        network=network,
    )


def _check_addresses(net: dict[str, Any], where: str) -> None:
    """Address data must parse: a typo there would silently let an address through."""
    import ipaddress

    try:
        for address in net.get("blocked_addresses", ()):
            ipaddress.ip_address(address)
        for network in net.get("private_ranges", ()):
            ipaddress.ip_network(network, strict=False)
        for prefix, bit in net.get("ipv4_in_ipv6", ()):
            if ipaddress.ip_network(prefix, strict=False).version != 6 or not 0 <= bit <= 96:
                raise ValueError(f"{prefix}: {bit} (an IPv6 prefix, and 0-96)")
    except ValueError as exc:
        raise UsageError(f"network: not an IP address or range: {exc}", where) from None


def for_context(ctx: Any) -> LinkData:
    """The run's LinkData, built once per Context from the `kind: links` files."""
    return ctx.resource("links:data", lambda: build(ctx.data("links")))
