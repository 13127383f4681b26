"""An overall time limit for one HTTP request, however slowly the server answers.

Socket timeouts bound each *read*: a server that sends one byte a second never trips them,
and a check could last for ever. A Deadline shuts down the sockets its request uses when
the time is up; the read blocked on them returns at once and the request fails, which the
checker reports as a timeout.

The request's connections register themselves (`attach`) when they connect or are reused
from the pool, through the thread's current deadline: each check runs in one worker thread,
so the thread identifies the request. One watchdog thread serves every deadline.
"""

from __future__ import annotations

import heapq
import itertools
import socket
import threading
import time
from contextlib import contextmanager
from typing import Iterator

_CURRENT = threading.local()


class Deadline:
    """Shuts down every socket attached to it once its time has come (unless cancelled)."""

    def __init__(self, seconds: float):
        self.when = time.monotonic() + max(seconds, 0.0)
        self.expired = False
        self.cancelled = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def attach(self, sock: socket.socket) -> None:
        with self._lock:
            if not self.expired:
                self._sockets.append(sock)
                return
        _shut(sock)

    def expire(self) -> None:
        with self._lock:
            if self.cancelled:
                return
            self.expired = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _shut(sock)

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            self._sockets = []


class _Watchdog:
    """One thread expires every deadline in time order. (A timer thread per request cost
    about 0.25 ms each, which a run of thousands of requests would notice.)"""

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._queue: list[tuple[float, int, Deadline]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, deadline: Deadline) -> None:
        with self._wake:
            heapq.heappush(self._queue, (deadline.when, next(self._order), deadline))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="postlint-deadlines",
                                                daemon=True)
                self._thread.start()
            self._wake.notify()

    def _run(self) -> None:
        while True:
            due: list[Deadline] = []
            with self._wake:
                now = time.monotonic()
                while self._queue and (self._queue[0][0] <= now or self._queue[0][2].cancelled):
                    due.append(heapq.heappop(self._queue)[2])
                if not due:
                    self._wake.wait(self._queue[0][0] - now if self._queue else None)
            for deadline in due:
                deadline.expire()  # outside the lock: shutting sockets down can take a moment


_WATCHDOG = _Watchdog()


def _shut(sock: socket.socket) -> None:
    """Wake whoever reads `sock`. The plain socket's shutdown, also for a TLS socket: the
    fd is shared, and `SSLSocket.shutdown` would tear down its TLS state under the reader."""
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # already closed or never connected


@contextmanager
def limit(seconds: float) -> Iterator[Deadline]:
    """Run the body with a deadline of `seconds` for this thread's connections."""
    deadline = Deadline(seconds)
    previous = getattr(_CURRENT, "deadline", None)
    _CURRENT.deadline = deadline
    _WATCHDOG.watch(deadline)
    try:
        yield deadline
    finally:
        deadline.cancel()
        _CURRENT.deadline = previous


def attach(sock: socket.socket | None) -> None:
    """Put `sock` under this thread's current deadline, if there is one."""
    deadline = getattr(_CURRENT, "deadline", None)
    if deadline is not None and sock is not None:
        deadline.attach(sock)


def expired() -> bool:
    deadline = getattr(_CURRENT, "deadline", None)
    return deadline is not None and deadline.expired
