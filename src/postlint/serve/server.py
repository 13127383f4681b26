"""Bind, print the address, serve with uvicorn: for `postlint serve` and for the tests.

The socket is bound here (not by uvicorn) so that the address printed, the Host values the
guard accepts and the port really listened on are one and the same, also with `--port 0`.
"""

from __future__ import annotations

import secrets
import socket
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .security import is_loopback


@dataclass
class Serving:
    url: str  # what to open in a browser (with ?token= beyond loopback)
    host: str
    port: int
    token: str | None
    server: Any  # uvicorn.Server
    sock: socket.socket
    thread: threading.Thread | None = None

    def stop(self) -> None:
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(10)
        self.sock.close()


def prepare(path: Path, *, host: str = "127.0.0.1", port: int = 8765, config_file: Path | None = None,
            offline: bool = False, now: datetime | None = None) -> Serving:
    """Everything up to serving: the service, the guarded app, a bound socket, uvicorn."""
    import uvicorn

    from .app import MAX_BODY, build
    from .security import Policy
    from .service import Service
    from .workspace import Workspace

    host = host.strip("[]")  # `--host [::1]` as written in a URL
    workspace = Workspace.at(path if path.is_dir() else path.parent)
    token = None if is_loopback(host) else secrets.token_urlsafe(24)
    sock = _bind(host, port)
    bound = sock.getsockname()[1]
    policy = Policy(host=host, port=bound, token=token, max_body=MAX_BODY)
    initial = workspace.display(path) if path.is_file() else ""
    app = build(Service(workspace, config_file, offline, now, initial=initial), policy)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                            server_header=False, date_header=False, limit_concurrency=64,
                            timeout_keep_alive=5, ws="none", h11_max_incomplete_event_size=16 * 1024)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{bound}/" + (f"?token={token}" if token else "")
    return Serving(url, host, bound, token, uvicorn.Server(config), sock)


def run_forever(serving: Serving) -> None:
    serving.server.run(sockets=[serving.sock])


def start_thread(serving: Serving) -> Serving:
    """Serve from a background thread (tests, screenshots); returns once it accepts requests."""
    serving.thread = threading.Thread(target=run_forever, args=(serving,), daemon=True)
    serving.thread.start()
    for _ in range(500):
        if serving.server.started:
            return serving
        threading.Event().wait(0.01)
    raise RuntimeError("the server did not start")


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(128)
    sock.set_inheritable(True)
    return sock
