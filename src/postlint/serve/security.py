"""ASGI middleware that keeps the page to its own user.

A web server on loopback is still reachable from every web page the user has open: a hostile
page can POST to http://127.0.0.1:8765 (cross-site request), or rebind a name it controls to
127.0.0.1 and read the answers (DNS rebinding). So every request must:

- name this server in `Host` (127.0.0.1:PORT, localhost:PORT, [::1]:PORT, or the --host given):
  a rebound name fails here;
- come from this server's own page when it carries `Origin` (and `Sec-Fetch-Site`, when the
  browser sends it, must not be cross-site); a request that changes something must be JSON,
  which a cross-site form cannot send without a preflight this server never grants;
- carry the start-up token when the server listens beyond loopback (cookie, `X-Postlint-Token`
  header, or `?token=` on the page's address, which sets the cookie);
- have a body of at most `max_body` bytes.

Refusals are JSON `{"error": "..."}` with a status, never a traceback.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qs

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

COOKIE = "postlint_token"
HEADER = b"x-postlint-token"
SAFE_METHODS = {"GET", "HEAD"}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_wildcard(host: str) -> bool:
    return host.strip("[]") in ("0.0.0.0", "::", "")


@dataclass(frozen=True)
class Policy:
    host: str  # as given to --host
    port: int  # the port actually bound
    token: str | None  # required beyond loopback
    max_body: int

    def allowed_hosts(self) -> frozenset[str] | None:
        """`host:port` values this server answers to; None: any (a wildcard bind, where only
        the token protects it, since every address of the machine is its own)."""
        if is_wildcard(self.host):
            return None
        bare = self.host.strip("[]")
        names = {f"[{bare}]" if ":" in bare else bare}  # an IPv6 address is bracketed in Host
        if is_loopback(bare):
            names |= {"127.0.0.1", "localhost", "[::1]"}
        return frozenset(f"{name}:{self.port}".lower() for name in names)

    def host_ok(self, host: str) -> bool:
        allowed = self.allowed_hosts()
        return allowed is None or host.lower() in allowed

    def origin_ok(self, origin: str, host: str) -> bool:
        """The page's own origin: http:// and the Host the request was sent to (checked above)."""
        return origin.lower() == f"http://{host.lower()}"

    def token_ok(self, supplied: str | None) -> bool:
        return self.token is None or (supplied is not None and
                                      hmac.compare_digest(supplied.encode(), self.token.encode()))


class Guard:
    """Wraps the app: checks each HTTP request against the policy before the app sees it."""

    def __init__(self, app: Callable, policy: Policy):
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await _json_error(send, *refusal)
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        sets_cookie = bool(self.policy.token and query.get("token"))
        body, too_big = await _read_body(receive, self.policy.max_body, headers)
        if too_big:
            limit = self.policy.max_body // 1024
            await _json_error(send, 413, f"the request is larger than {limit} KiB")
            return
        await self.app(scope, _replay(body, receive), self._with_headers(send, sets_cookie))

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        host = headers.get("host", "")
        if not self.policy.host_ok(host):
            return 421, "this server answers only to its own address (Host refused)"
        origin = headers.get("origin")
        if origin is not None and not self.policy.origin_ok(origin, host):
            return 403, "requests from other sites are refused (Origin)"
        if headers.get("sec-fetch-site") == "cross-site":
            return 403, "requests from other sites are refused"
        if scope["method"] not in SAFE_METHODS:
            kind = headers.get("content-type", "").split(";")[0].strip().lower()
            if kind != "application/json":
                return 415, "send JSON (Content-Type: application/json)"
        if self.policy.token and not self.policy.token_ok(_supplied_token(scope, headers)):
            return 401, ("this server needs the token printed when it started "
                         "(open the address it printed)")
        return None

    def _with_headers(self, send: Send, sets_cookie: bool) -> Send:
        token = self.policy.token

        async def wrapped(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"x-content-type-options", b"nosniff"),
                         (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
                         (b"cross-origin-resource-policy", b"same-origin")]
                if sets_cookie and token:
                    extra.append((b"set-cookie", f"{COOKIE}={token}; Path=/; HttpOnly; "
                                                 "SameSite=Strict".encode()))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        return wrapped


def _supplied_token(scope: Scope, headers: dict[str, str]) -> str | None:
    if headers.get(HEADER.decode()):
        return headers[HEADER.decode()]
    cookie = SimpleCookie()
    try:
        cookie.load(headers.get("cookie", ""))
    except Exception:  # noqa: BLE001 - a malformed cookie header is no token
        return None
    if COOKIE in cookie:
        return cookie[COOKIE].value
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return (query.get("token") or [None])[0]


async def _read_body(receive: Receive, cap: int, headers: dict[str, str]) -> tuple[bytes, bool]:
    """The whole body, or (b"", True) as soon as it is over `cap` (by Content-Length or by
    what actually arrives: a client may send no length, or lie)."""
    length = headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > cap):
        return b"", True
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > cap:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks), False


def _replay(body: bytes, original: Receive) -> Receive:
    """The body read above, then whatever the client sends next (a disconnect)."""
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await original()

    return receive


async def _json_error(send: Send, status: int, message: str) -> None:
    payload = json.dumps({"error": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(payload)).encode()),
                            (b"x-content-type-options", b"nosniff"), (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": payload})
