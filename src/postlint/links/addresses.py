"""Which IP addresses a link check may connect to.

A post's link is written by anyone, so it must not become a way to probe the machine's own
network: loopback, private, link-local, shared and multicast addresses are refused unless
the config allows private hosts, and cloud metadata services (which hand out credentials)
are refused even then.

The same address has many spellings. IPv6 can carry an IPv4 address inside it (IPv4-mapped
`::ffff:127.0.0.1`, IPv4-compatible `::127.0.0.1`, NAT64 `64:ff9b::7f00:1`, 6to4
`2002:7f00:1::`), and a NAT64 or 6to4 gateway turns such an address back into the IPv4 one.
So the IPv4 address inside is what is judged. Which prefixes carry one, and the ranges
refused beyond Python's own list of non-global addresses, are data
(`rules/links-data.yaml`, `network.ipv4_in_ipv6` and `network.private_ranges`).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=64)
def _networks(ranges: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(ipaddress.ip_network(r, strict=False) for r in ranges)


@lru_cache(maxsize=64)
def _carriers(prefixes: tuple[tuple[str, int], ...]) -> tuple[tuple[Any, int], ...]:
    return tuple((ipaddress.ip_network(p, strict=False), bit) for p, bit in prefixes)


def embedded_ipv4(addr: IPAddress, carriers: tuple[tuple[str, int], ...]) -> IPAddress:
    """The IPv4 address an IPv6 address carries (`bit`: where its 32 bits start), else `addr`."""
    if isinstance(addr, ipaddress.IPv4Address):
        return addr
    for network, bit in _carriers(carriers):
        if addr in network:
            value = (int(addr) >> (128 - bit - 32)) & 0xFFFFFFFF
            return ipaddress.IPv4Address(value)
    return addr


def parse(ip: str) -> IPAddress | None:
    """An address from getaddrinfo or a URL (scope ids like `fe80::1%eth0` dropped)."""
    try:
        return ipaddress.ip_address(ip.split("%")[0].strip("[]"))
    except ValueError:
        return None


def allowed(ip: str, allow_private: bool, network: Any) -> bool:
    """Public unicast addresses only, unless private hosts are allowed; `blocked_addresses`
    (metadata services) are refused even then. `network` is the links data's Network."""
    addr = parse(ip)
    if addr is None:
        return False
    forms = {addr, embedded_ipv4(addr, network.ipv4_in_ipv6)}
    blocked = {parse(b) for b in network.blocked_addresses}
    if forms & blocked:
        return False
    if allow_private:
        return True
    private = _networks(network.private_ranges)
    return all(a.is_global and not a.is_multicast
               and not any(a.version == n.version and a in n for n in private)
               for a in forms)
