"""Support for the link tests (no tests here): a real HTTP server on 127.0.0.1 that routes
by path and counts requests.

Each route is a function (handler, method) -> None that answers the request; `count[path]`
and `peak` (most requests in flight at once) let tests prove what was or was not sent.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

Route = Callable[["Handler", str], None]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "LinkServer"

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def answer(self, code: int, headers: dict[str, str] | None = None, body: bytes = b"") -> None:
        self.send_response(code)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def _serve(self) -> None:
        path = self.path.split("?")[0]
        srv = self.server
        with srv.lock:
            srv.count[path] += 1
            srv.methods.append((self.command, path))
            srv.in_flight += 1
            srv.peak = max(srv.peak, srv.in_flight)
        try:
            route = srv.routes.get(path)
            if route is None:
                self.answer(404)
            else:
                route(self, self.command)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            with srv.lock:
                srv.in_flight -= 1

    do_HEAD = do_GET = _serve


class LinkServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # many clients connect at once; the default 5 drops SYNs

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.routes: dict[str, Route] = {}
        self.count: Counter[str] = Counter()
        self.methods: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0
        self.body_sent = 0
        self.release = threading.Event()  # set on shutdown: stalled routes stop waiting

    def shutdown(self) -> None:
        self.release.set()
        super().shutdown()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    @property
    def port(self) -> int:
        return self.server_address[1]

    def total(self) -> int:
        return sum(self.count.values())


def status(code: int, **headers: str) -> Route:
    return lambda h, method: h.answer(code, {k.replace("_", "-"): v for k, v in headers.items()})


def redirect(location: str, code: int = 301) -> Route:
    return lambda h, method: h.answer(code, {"Location": location})


def slow(seconds: float, code: int = 200) -> Route:
    def route(h: Handler, method: str) -> None:
        time.sleep(seconds)
        h.answer(code)
    return route


def head_refused(code: int = 405) -> Route:
    """HEAD answered with `code`, GET with 200."""
    return lambda h, method: h.answer(code if method == "HEAD" else 200)


def huge_body(size: int) -> Route:
    """HEAD refused; GET announces and streams `size` bytes (the client must not read them)."""
    def route(h: Handler, method: str) -> None:
        if method == "HEAD":
            h.answer(405)
            return
        h.send_response(200)
        h.send_header("Content-Length", str(size))
        h.end_headers()
        chunk = b"x" * 65536
        sent = 0
        try:
            while sent < size:
                h.wfile.write(chunk)
                sent += len(chunk)
        finally:
            h.server.body_sent = sent  # how much the client let us send before hanging up
    return route


def stall() -> Route:
    """Accept the request and never answer (until the server shuts down): a hung backend."""
    def route(h: Handler, method: str) -> None:
        h.server.release.wait(120)
        h.close_connection = True
    return route


def trickle(interval: float, body: int = 0) -> Route:
    """Answer one byte every `interval` seconds, so that no single read ever times out.

    body=0: the status line and headers trickle (1 KiB of them). body>0: HEAD is refused and
    GET sends its headers at once, then a body of `body` bytes one byte at a time."""
    def drip(h: Handler, data: bytes) -> None:
        for i in range(len(data)):
            if h.server.release.is_set():
                return
            h.wfile.write(data[i:i + 1])
            h.wfile.flush()
            time.sleep(interval)

    def route(h: Handler, method: str) -> None:
        h.close_connection = True
        if not body:
            drip(h, b"HTTP/1.1 200 OK\r\nX-Padding: " + b"x" * 1024 + b"\r\nContent-Length: 0\r\n\r\n")
        elif method == "HEAD":
            h.answer(405)
        else:
            h.wfile.write(f"HTTP/1.1 200 OK\r\nContent-Length: {body}\r\n\r\n".encode())
            h.wfile.flush()
            drip(h, b"x" * body)
    return route


def sequence(*routes: Route) -> Route:
    """The n-th request gets the n-th route (the last one repeats)."""
    calls = {"n": 0}
    lock = threading.Lock()

    def route(h: Handler, method: str) -> None:
        with lock:
            n = calls["n"]
            calls["n"] += 1
        routes[min(n, len(routes) - 1)](h, method)
    return route


def start() -> LinkServer:
    server = LinkServer()
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server
