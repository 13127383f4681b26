"""The HTTP link checker: concurrent, polite, bounded and safe.

- One `requests.Session` per process and policy, with pooled keep-alive connections
  (`session.py`: address-checked connections, deadlines, proxies from the environment).
- HEAD first (no body); GET when a server refuses HEAD; redirects followed by hand so that
  every hop is counted, loop-checked and address-checked.
- Every new connection's peer address is checked *after* DNS resolution (so a name that
  resolves to 127.0.0.1 or 169.254.169.254 cannot be used to probe the local network), on
  every redirect hop, unless the config allows private hosts (`addresses.py`).
- Bodies are never read past `max_body_bytes`; 429/503 with Retry-After are retried once when
  the wait is short, else reported as unverified instead of broken.
- Time is bounded three ways: each request within `links.timeout` in all (`deadline.py`,
  however slowly a server trickles), a host that stalls is not asked again for its other
  links, and the whole run within `network.run_deadline`.
- When no connection at all could be made, a canary site is asked whether the machine is
  online; if not, connection failures are "offline" (unverified), not hundreds of broken links.
- A bounded thread pool runs the checks; a semaphore per host keeps us polite.

`requests` is imported inside functions: listing rules or an --offline run never loads it.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, replace
from typing import Any, Iterable
from urllib.parse import urljoin, urlsplit

from . import addresses, deadline, session, urls
from .data import Network
from .results import CAUSES, Policy, Result  # noqa: F401 (names of this module too)
from .session import RefusedAddress

# Failures that say nothing about the link when nothing at all could be reached: the machine
# is offline (or behind a proxy it does not know about), not the site.
NETWORK_FAILURES = ("dns", "connection", "timeout", "refused")


def address_allowed(ip: str, policy: Policy) -> bool:
    """Public unicast addresses only, unless private hosts are allowed; metadata services
    (the `blocked_addresses` data) are refused even then. See `addresses.py`."""
    return addresses.allowed(ip, policy.allow_private, policy.network)


def _guarded_session(policy: Policy) -> Any:
    """The checker's HTTP session (see `session.py`); kept here for callers of the old name."""
    return session.guarded_session(policy)


class RequestTimedOut(Exception):
    """One request passed `links.timeout` in all (connect, headers and body together)."""


class RunOutOfTime(Exception):
    """The run's link phase passed `network.run_deadline`: no more requests are sent."""


class HostDown(Exception):
    """The host was found unreachable while this request waited for its turn."""

    def __init__(self, result: Result):
        super().__init__(result.cause)
        self.result = result


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
        import email.utils  # only for a Retry-After date: ~10 ms of import otherwise

        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class Checker:
    """Checks URLs for one policy; built once per process and policy (see `for_policy`)."""

    def __init__(self, policy: Policy):
        self.policy = policy
        self.session = session.guarded_session(policy, self._connected)
        self._hosts: dict[str, threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()
        self.requests_sent = 0  # for tests and the benchmark
        self._start_run()

    def _start_run(self) -> None:
        """Forget what an earlier run of this process learnt: a host down then may be back."""
        # (scheme, host, port) that cannot be reached (no DNS, refused, no connection in
        # time, or stalled): every other URL on it fails the same way, without waiting again.
        self._dead: dict[tuple[str, str, int | None], Result] = {}
        self._timeouts: Counter[tuple[str, str, int | None]] = Counter()
        self._answered: set[tuple[str, str, int | None]] = set()  # hosts that sent any answer
        self._reached = False  # some connection was made: the network works
        self._run_ends = time.monotonic() + self.policy.network.run_deadline

    def _connected(self) -> None:
        self._reached = True

    def _host_slot(self, url: str) -> threading.BoundedSemaphore:
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            if host not in self._hosts:
                self._hosts[host] = threading.BoundedSemaphore(self.policy.network.per_host)
            return self._hosts[host]

    def _fetch(self, url: str, method: str) -> _Response:
        """One request, no redirects, at most `max_body_bytes` of body read, and at most
        `links.timeout` seconds in all (the socket timeouts only bound each read)."""
        net = self.policy.network
        with self._host_slot(url):
            dead = self._dead.get(_origin(url))
            if dead is not None:  # found dead while this request waited for a slot
                raise HostDown(dead)
            seconds = min(self.policy.timeout, self._run_ends - time.monotonic())
            if seconds <= 0:
                raise RunOutOfTime()
            proxies = session.proxies_for(url)
            if proxies:  # the proxy connects, so the name is checked here (see session.py)
                session.vet_for_proxy(url, self.policy)
            with self._lock:
                self.requests_sent += 1
            with deadline.limit(seconds) as limit:
                try:
                    response = self.session.request(method, url, allow_redirects=False,
                                                    stream=True, timeout=(seconds, seconds),
                                                    proxies=proxies)
                except Exception as exc:
                    if not limit.expired:
                        raise
                    if seconds < self.policy.timeout:  # cut short by the run's deadline
                        raise RunOutOfTime() from exc
                    raise RequestTimedOut(f"no complete answer within {seconds:g} s") from exc
                try:
                    length = response.headers.get("Content-Length", "")
                    if method == "GET" and length.isdigit() and int(length) <= net.max_body_bytes:
                        response.raw.read(net.max_body_bytes)  # small: drain it, keep the connection
                except Exception:
                    if not limit.expired:
                        raise  # the status is known; a body that trickles past the deadline is not
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
            time.sleep(max(0.0, min(response.retry_after, self._run_ends - time.monotonic())))
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
            except HostDown as exc:
                return replace(exc.result, url=url, final_url=current, redirects=hops)
            except RunOutOfTime:
                return Result(url, "unverified", "deadline", final_url=current, redirects=hops)
            except RefusedAddress as exc:
                result = Result(url, "broken", "private", final_url=current, redirects=hops,
                                address=exc.address)
                self._dead[origin] = result
                return result
            except Exception as exc:  # noqa: BLE001 - mapped to a cause below
                result = _failure(url, current, hops, exc)
                self._note_failure(origin, result, exc)
                return result
            with self._lock:
                self._answered.add(origin)
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

    def _note_failure(self, origin: tuple[str, str, int | None], result: Result,
                      exc: Exception) -> None:
        """Remember hosts not worth asking again in this run. No DNS, refused, no connection:
        at once. Timeouts: a host that answered nothing yet and timed out `stalled_after`
        times is stalled (a slow page on a host that answers other pages is not)."""
        with self._lock:
            if result.cause in ("dns", "refused") or _is_connect_timeout(exc):
                self._dead[origin] = result
            elif result.cause == "timeout" and origin not in self._answered:
                self._timeouts[origin] += 1
                if self._timeouts[origin] >= self.policy.network.stalled_after:
                    self._dead[origin] = result

    def check_many(self, targets: Iterable[str], resume: bool = False) -> dict[str, Result]:
        """Check distinct URLs concurrently: a bounded pool, hosts interleaved so one slow
        host does not hold every worker, the whole phase within `network.run_deadline`.

        `resume`: another block of the same run (a streamed queue checks its links block by
        block): what was learnt about dead hosts is kept, and the deadline's clock, stopped
        between blocks, goes on, so the run's link phase as a whole keeps its deadline."""
        from concurrent.futures import ThreadPoolExecutor

        ordered = _interleave_by_host(list(dict.fromkeys(targets)))
        paused = getattr(self, "_paused_at", None)
        if resume and paused is not None:
            self._run_ends += time.monotonic() - paused
        else:
            self._start_run()
        self._paused_at = time.monotonic()
        if not ordered:
            return {}
        workers = min(self.policy.network.workers, len(ordered))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="postlint-link") as pool:
            results = dict(zip(ordered, pool.map(self.check, ordered)))
        self._paused_at = time.monotonic()
        if self._nothing_reached(results) and not self.online():
            results = {u: _offline(r) for u, r in results.items()}
        return results

    def _nothing_reached(self, results: dict[str, Result]) -> bool:
        """No connection could be made at all, and some link failed for want of one."""
        return not self._reached and any(r.cause in NETWORK_FAILURES for r in results.values())

    def online(self) -> bool:
        """Can this machine reach the web at all? Asked only when no link's host answered:
        any answer from one of `network.canaries` (well-known sites) means yes, and the
        failures are the sites' own. Without canaries there is no way to tell: yes."""
        canaries = self.policy.network.canaries
        for canary in canaries:
            try:
                self._ask(canary)
                return True
            except Exception:  # noqa: BLE001 - no answer from this one
                continue
        return not canaries


def _offline(result: Result) -> Result:
    """A failure to connect, on a machine that could connect nowhere: not the link's fault."""
    if result.outcome == "broken" and result.cause in NETWORK_FAILURES:
        return replace(result, outcome="unverified", cause="offline")
    return result


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

    if isinstance(exc, RequestTimedOut):  # before SSL: a TLS read cut short looks like one
        return result("timeout")
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
