"""The HTTP link checker: concurrent, polite, bounded and safe.

- One `requests.Session` per process and policy, with pooled keep-alive connections.
- HEAD first (no body); GET when a server refuses HEAD; redirects followed by hand so that
  every hop is counted, loop-checked and address-checked.
- Every new connection's peer address is checked *after* DNS resolution (so a name that
  resolves to 127.0.0.1 or 169.254.169.254 cannot be used to probe the local network), on
  every redirect hop, unless the config allows private hosts.
- Bodies are never read past `max_body_bytes`; 429/503 with Retry-After are retried once when
  the wait is short, else reported as unverified instead of broken.
- A bounded thread pool runs the checks; a semaphore per host keeps us polite.

`requests` is imported inside functions: listing rules or an --offline run never loads it.
"""

from __future__ import annotations

import email.utils
import ipaddress
import threading
import time
from collections import defaultdict, deque
from dataclasses import asdict, dataclass, replace
from typing import Any, Iterable
from urllib.parse import urljoin, urlsplit

from . import urls
from .data import Network


@dataclass(frozen=True)
class Policy:
    """What a check depends on besides the URL: results are cached and shared per policy."""

    timeout: float
    allow_private: bool
    network: Network

    @property
    def cache_prefix(self) -> str:
        return f"p{int(self.allow_private)}|"


@dataclass(frozen=True)
class Result:
    """What became of one URL.

    outcome: "ok", "broken" or "unverified".
    cause (broken): not_found, gone, login, client_error, server_error, dns, refused,
    timeout, ssl, connection, loop, too_many_redirects, private, invalid, bad_redirect;
    (unverified): rate_limited, blocked.
    """

    url: str
    outcome: str
    cause: str = ""
    code: int | None = None
    final_url: str = ""
    redirects: int = 0
    address: str = ""
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Result:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


class RefusedAddress(Exception):
    """A connection reached an address the policy refuses (raised inside urllib3)."""

    def __init__(self, address: str):
        super().__init__(address)
        self.address = address


def address_allowed(ip: str, policy: Policy) -> bool:
    """Public unicast addresses only, unless private hosts are allowed; metadata services
    (the `blocked_addresses` data) are refused even then."""
    try:
        addr = ipaddress.ip_address(ip.split("%")[0])
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    if str(addr) in policy.network.blocked_addresses:
        return False
    if policy.allow_private:
        return True
    return addr.is_global and not addr.is_multicast


def _guarded_session(policy: Policy) -> Any:
    """A Session whose new connections check their peer address right after connecting."""
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    def vetted_addresses(conn: Any) -> list[str]:
        """Resolve once and keep only the addresses the policy allows; the connection is then
        made to those very addresses, so the name cannot resolve differently in between."""
        import socket

        from urllib3.exceptions import NameResolutionError

        host = conn._dns_host.strip("[]")
        try:
            infos = socket.getaddrinfo(host, conn.port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise NameResolutionError(conn.host, conn, exc) from exc
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
        allowed = [a for a in addresses if address_allowed(a, policy)]
        if not allowed:
            raise RefusedAddress(addresses[0] if addresses else host)
        return allowed

    def connect_vetted(conn: Any, parent_new_conn: Any) -> Any:
        original = conn._dns_host
        error: Exception | None = None
        try:
            for address in vetted_addresses(conn):  # like browsers: next address on failure
                conn._dns_host = address
                try:
                    sock = parent_new_conn()
                    break
                except Exception as exc:  # noqa: BLE001 - re-raised if no address works
                    error = exc
            else:
                assert error is not None
                raise error
        finally:
            conn._dns_host = original
        peer = sock.getpeername()[0]
        if not address_allowed(peer, policy):  # belt and braces: what we actually reached
            sock.close()
            raise RefusedAddress(peer)
        return sock

    class GuardedHTTP(HTTPConnection):
        def _new_conn(self):  # type: ignore[no-untyped-def]
            return connect_vetted(self, super()._new_conn)

    class GuardedHTTPS(HTTPSConnection):
        def _new_conn(self):  # type: ignore[no-untyped-def]
            return connect_vetted(self, super()._new_conn)

    class HTTPPool(HTTPConnectionPool):
        ConnectionCls = GuardedHTTP

    class HTTPSPool(HTTPSConnectionPool):
        ConnectionCls = GuardedHTTPS

    class GuardedAdapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": HTTPPool, "https": HTTPSPool}

    session = requests.Session()
    session.trust_env = False  # no proxy from the environment: the peer check must see the site
    size = max(policy.network.per_host, 1)
    adapter = GuardedAdapter(pool_connections=policy.network.workers, pool_maxsize=size,
                             max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers.update({"User-Agent": policy.network.user_agent, "Accept": "*/*",
                            "Accept-Encoding": "identity"})
    return session


@dataclass(frozen=True)
class _Response:
    code: int
    location: str | None
    retry_after: float | None


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class Checker:
    """Checks URLs for one policy; built once per process and policy (see `for_policy`)."""

    def __init__(self, policy: Policy):
        self.policy = policy
        self.session = _guarded_session(policy)
        self._hosts: dict[str, threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()
        self.requests_sent = 0  # for tests and the benchmark
        # (scheme, host, port) that cannot be reached at all (no DNS, refused, no connection
        # in time): every other URL on it fails the same way, without waiting again.
        self._dead: dict[tuple[str, str, int | None], Result] = {}

    def _host_slot(self, url: str) -> threading.BoundedSemaphore:
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            if host not in self._hosts:
                self._hosts[host] = threading.BoundedSemaphore(self.policy.network.per_host)
            return self._hosts[host]

    def _fetch(self, url: str, method: str) -> _Response:
        """One request, no redirects, at most `max_body_bytes` of body read."""
        net = self.policy.network
        with self._host_slot(url):
            with self._lock:
                self.requests_sent += 1
            response = self.session.request(method, url, allow_redirects=False, stream=True,
                                            timeout=(self.policy.timeout, self.policy.timeout))
            try:
                length = response.headers.get("Content-Length", "")
                if method == "GET" and length.isdigit() and int(length) <= net.max_body_bytes:
                    response.raw.read(net.max_body_bytes)  # small: drain it, keep the connection
            finally:
                response.close()  # a bigger body is never read: the connection is dropped
        return _Response(response.status_code, response.headers.get("Location"),
                         _retry_after(response.headers.get("Retry-After")))

    def _ask(self, url: str) -> _Response:
        """HEAD, then GET if HEAD is refused, then one bounded wait on 429/503."""
        net = self.policy.network
        method = "HEAD"
        response = self._fetch(url, method)
        if response.code in net.head_fallback:
            method = "GET"
            response = self._fetch(url, method)
        if response.code in (429, 503) and response.retry_after is not None \
                and response.retry_after <= net.retry_after_max:
            time.sleep(response.retry_after)
            response = self._fetch(url, method)
        return response

    def check(self, url: str) -> Result:
        """Follow `url` to its final answer; never raises."""
        try:
            return self._follow(url)
        except Exception as exc:  # noqa: BLE001 - one odd URL must not stop the run
            return Result(url, "broken", "connection", detail=f"{type(exc).__name__}: {exc}")

    def _follow(self, url: str) -> Result:
        if urls.parse(url) is None:
            return Result(url, "broken", "invalid")
        # A page may be visited twice (A -> B sets a cookie -> A answers): a third visit is a loop.
        visits = {urls.normalise(url): 1}
        current, hops = url, 0
        while True:
            origin = _origin(current)
            dead = self._dead.get(origin)
            if dead is not None:
                return replace(dead, url=url, final_url=current, redirects=hops)
            try:
                response = self._ask(current)
            except RefusedAddress as exc:
                result = Result(url, "broken", "private", final_url=current, redirects=hops,
                                address=exc.address)
                self._dead[origin] = result
                return result
            except Exception as exc:  # noqa: BLE001 - mapped to a cause below
                result = _failure(url, current, hops, exc)
                if result.cause in ("dns", "refused") or _is_connect_timeout(exc):
                    self._dead[origin] = result
                return result
            if 300 <= response.code < 400 and response.location:
                target = urljoin(current, response.location.strip())
                if urls.parse(target) is None:
                    return Result(url, "broken", "bad_redirect", response.code, target, hops)
                key = urls.normalise(target)
                visits[key] = visits.get(key, 0) + 1
                if visits[key] > 2:
                    return Result(url, "broken", "loop", response.code, target, hops + 1)
                hops += 1
                if hops > self.policy.network.max_redirects:
                    return Result(url, "broken", "too_many_redirects", response.code, target, hops)
                current = target
                continue
            return _classify(url, current, hops, response, self.policy.network)

    def check_many(self, targets: Iterable[str]) -> dict[str, Result]:
        """Check distinct URLs concurrently: a bounded pool, hosts interleaved so one slow
        host does not hold every worker."""
        from concurrent.futures import ThreadPoolExecutor

        ordered = _interleave_by_host(list(dict.fromkeys(targets)))
        self._dead = {}  # a host down in an earlier run of this process may be back
        if not ordered:
            return {}
        workers = min(self.policy.network.workers, len(ordered))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="postlint-link") as pool:
            return dict(zip(ordered, pool.map(self.check, ordered)))


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port


def _is_connect_timeout(exc: Exception) -> bool:
    import requests

    return isinstance(exc, requests.exceptions.ConnectTimeout)


def _interleave_by_host(targets: list[str]) -> list[str]:
    by_host: dict[str, deque[str]] = defaultdict(deque)
    for url in targets:
        by_host[(urlsplit(url).hostname or "") if urls.parse(url) else ""].append(url)
    queues = list(by_host.values())
    ordered: list[str] = []
    while queues:
        queues = [q for q in queues if q]
        for q in queues:
            ordered.append(q.popleft())
    return ordered


def _classify(url: str, final: str, hops: int, response: _Response, net: Network) -> Result:
    code = response.code
    if code < 400:  # 2xx, or a 3xx without a Location to follow
        return Result(url, "ok", "", code, final, hops)
    if code == 429 or (code == 503 and response.retry_after is not None):
        return Result(url, "unverified", "rate_limited", code, final, hops)
    if code in net.bot_wall:
        return Result(url, "unverified", "blocked", code, final, hops)
    cause = {404: "not_found", 410: "gone", 401: "login"}.get(code)
    if cause is None:
        cause = "server_error" if code >= 500 else "client_error"
    return Result(url, "broken", cause, code, final, hops)


def _failure(url: str, current: str, hops: int, exc: Exception) -> Result:
    """Map a requests/urllib3/socket exception to a cause a social media manager can act on."""
    import socket

    import requests

    chain: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and len(chain) < 10:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__ or (seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None)
    names = " ".join(type(e).__name__ for e in chain)
    text = " ".join(str(e) for e in chain)

    def result(cause: str) -> Result:
        return Result(url, "broken", cause, None, current, hops, detail=f"{type(exc).__name__}: {exc}"[:300])

    if isinstance(exc, requests.exceptions.SSLError) or "SSLError" in names:
        return result("ssl")
    if isinstance(exc, requests.exceptions.Timeout) or "Timeout" in names:
        return result("timeout")
    if any(isinstance(e, socket.gaierror) for e in chain) or "NameResolutionError" in names \
            or "Name or service not known" in text or "getaddrinfo failed" in text:
        return result("dns")
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or "Connection refused" in text:
        return result("refused")
    if isinstance(exc, requests.exceptions.InvalidURL) or "InvalidURL" in names or \
            "LocationParseError" in names:
        return result("invalid")
    return result("connection")


_CHECKERS: dict[Policy, Checker] = {}
_CHECKERS_LOCK = threading.Lock()


def for_policy(policy: Policy) -> Checker:
    """The process's Checker for a policy: one Session and one set of host limits."""
    with _CHECKERS_LOCK:
        if policy not in _CHECKERS:
            _CHECKERS[policy] = Checker(policy)
        return _CHECKERS[policy]
