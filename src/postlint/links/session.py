"""The HTTP session of the link checker: address-checked connections, deadlines, proxies.

- Every direct connection resolves the host once, keeps only the addresses the policy
  allows, connects to those very addresses (so the name cannot resolve differently in
  between) and checks the peer it reached.
- Every connection, direct or to a proxy, is put under the current request's deadline
  (`deadline.py`) as soon as it exists or is taken from the pool.
- Proxies come from the standard environment variables (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY,
  NO_PROXY, in either case), as curl and browsers use them. Behind a proxy the proxy opens
  the connection, so the peer cannot be checked: the host name is resolved here first and
  refused if any of its addresses is refused. A name only the proxy can resolve is left to
  the proxy (that is what a proxy is for); an IP address in the URL is always checked.
  Nothing else is taken from the environment (no .netrc credentials, no CA bundle override).

`requests` and `urllib3` are imported inside functions, so `postlint rules` or an --offline
run never loads them.
"""

from __future__ import annotations

import socket
from typing import Any, Callable
from urllib.parse import urlsplit

from . import addresses, deadline


class RefusedAddress(Exception):
    """A connection would reach an address the policy refuses (raised before any request)."""

    def __init__(self, address: str):
        super().__init__(address)
        self.address = address


def allowed(ip: str, policy: Any) -> bool:
    return addresses.allowed(ip, policy.allow_private, policy.network)


def proxies_for(url: str) -> dict[str, str]:
    """The environment's proxies for `url` ({} when none applies or NO_PROXY covers it)."""
    from requests.utils import get_environ_proxies, select_proxy

    proxies = get_environ_proxies(url)
    return proxies if proxies and select_proxy(url, proxies) else {}


def vet_for_proxy(url: str, policy: Any) -> None:
    """Raise RefusedAddress when `url`'s host is, or resolves here to, a refused address."""
    parts = urlsplit(url)
    host = (parts.hostname or "").strip("[]")
    if addresses.parse(host) is not None:
        found = [host]
    else:
        try:
            infos = socket.getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            return  # only the proxy can resolve it: the proxy decides
        found = list(dict.fromkeys(info[4][0] for info in infos))
    refused = [a for a in found if not allowed(a, policy)]
    if refused:
        raise RefusedAddress(refused[0])


def guarded_session(policy: Any, on_connect: Callable[[], None] = lambda: None) -> Any:
    """A Session whose connections are address-checked (direct) and deadline-bound (all).
    `on_connect` is called for every connection made: proof that the network works."""
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    def vetted_addresses(conn: Any) -> list[str]:
        from urllib3.exceptions import NameResolutionError

        host = conn._dns_host.strip("[]")
        try:
            infos = socket.getaddrinfo(host, conn.port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise NameResolutionError(conn.host, conn, exc) from exc
        found = list(dict.fromkeys(info[4][0] for info in infos))
        usable = [a for a in found if allowed(a, policy)]
        if not usable:
            raise RefusedAddress(found[0] if found else host)
        return usable

    def connect_vetted(conn: Any, parent_new_conn: Any) -> Any:
        original = conn._dns_host
        error: Exception | None = None
        sock = None
        try:
            for address in vetted_addresses(conn):  # like browsers: next address on failure
                if deadline.expired():
                    break
                conn._dns_host = address
                try:
                    sock = parent_new_conn()
                    break
                except Exception as exc:  # noqa: BLE001 - re-raised if no address works
                    error = exc
            if sock is None:
                raise error or TimeoutError("the request's deadline passed while connecting")
        finally:
            conn._dns_host = original
        peer = sock.getpeername()[0]
        if not allowed(peer, policy):  # belt and braces: what we actually reached
            sock.close()
            raise RefusedAddress(peer)
        deadline.attach(sock)
        on_connect()
        return sock

    class _Timed:
        """Connections under the request's deadline, also when reused from the pool."""

        def request(self, *args: Any, **kwargs: Any) -> Any:
            deadline.attach(self.sock)  # type: ignore[attr-defined]
            return super().request(*args, **kwargs)  # type: ignore[misc]

    class GuardedHTTP(_Timed, HTTPConnection):
        def _new_conn(self):  # type: ignore[no-untyped-def]
            return connect_vetted(self, super()._new_conn)

    class GuardedHTTPS(_Timed, HTTPSConnection):
        def _new_conn(self):  # type: ignore[no-untyped-def]
            return connect_vetted(self, super()._new_conn)

    class ProxyHTTP(_Timed, HTTPConnection):
        """To the proxy: its address is the user's choice (often private), not the post's."""

        def _new_conn(self):  # type: ignore[no-untyped-def]
            sock = super()._new_conn()
            deadline.attach(sock)
            on_connect()
            return sock

    class ProxyHTTPS(_Timed, HTTPSConnection):
        def _new_conn(self):  # type: ignore[no-untyped-def]
            sock = super()._new_conn()
            deadline.attach(sock)
            on_connect()
            return sock

    def pool(base: Any, connection: Any) -> Any:
        return type(f"{connection.__name__}Pool", (base,), {"ConnectionCls": connection})

    direct = {"http": pool(HTTPConnectionPool, GuardedHTTP),
              "https": pool(HTTPSConnectionPool, GuardedHTTPS)}
    proxied = {"http": pool(HTTPConnectionPool, ProxyHTTP),
               "https": pool(HTTPSConnectionPool, ProxyHTTPS)}

    class GuardedAdapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = direct

        def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
            manager = super().proxy_manager_for(proxy, **kwargs)
            manager.pool_classes_by_scheme = proxied
            return manager

    session = requests.Session()
    session.trust_env = False  # proxies are passed per request (proxies_for); nothing else
    size = max(policy.network.per_host, 1)
    adapter = GuardedAdapter(pool_connections=policy.network.workers, pool_maxsize=size,
                             max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers.update({"User-Agent": policy.network.user_agent, "Accept": "*/*",
                            "Accept-Encoding": "identity"})
    return session
