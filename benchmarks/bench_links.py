"""Benchmark the link checks: 10,000 posts sharing 1,000 distinct URLs, against a loopback
server that answers every request after 50 ms.

    python3 benchmarks/bench_links.py [--posts 10000] [--urls 1000] [--delay 0.05]

Prints the time of a cold run (empty cache: every distinct URL checked once, concurrently,
politely per host), of the network phase alone, of a warm run (everything from the cache,
no request), and the requests the server received. The server runs in its own process so
that it does not compete with the checker for the interpreter lock. Nothing leaves
127.0.0.1; the cache lives in a temporary folder.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path


def serve(port_queue: "multiprocessing.Queue[int]", counter: "multiprocessing.Value", delay: float) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_HEAD(self) -> None:
            with counter.get_lock():
                counter.value += 1
            time.sleep(delay)
            code = 404 if self.path.endswith("/7") else 200  # a few broken links to report
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_HEAD

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 512

    server = Server(("127.0.0.1", 0), Handler)
    port_queue.put(server.server_address[1])
    server.serve_forever()


def write_inputs(folder: Path, posts: int, urls: int, port: int) -> Path:
    (folder / ".postlint.yaml").write_text("links: {timeout: 5, allow_private_hosts: true}\n")
    queue = folder / "queue.csv"
    with queue.open("w", encoding="utf-8") as out:
        out.write("id,message\n")
        for i in range(posts):
            url = f"http://127.0.0.1:{port}/page/{i % urls}"
            out.write(f"p{i},\"Our autumn blend is back! Details: {url}\"\n")
    return queue


def timed_run(queue: Path, **options: object) -> tuple[float, int]:
    from postlint.engine import Options
    from postlint.runner import Settings, run

    settings = Settings(select=("links",), ignore=("links.unsafe",), options=Options(**options))
    started = time.perf_counter()
    result = run([str(queue)], settings, jobs=1)
    return time.perf_counter() - started, len(result.findings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--urls", type=int, default=1_000)
    parser.add_argument("--delay", type=float, default=0.05)
    args = parser.parse_args()

    ports: multiprocessing.Queue[int] = multiprocessing.Queue()
    counter = multiprocessing.Value("i", 0)
    server = multiprocessing.Process(target=serve, args=(ports, counter, args.delay), daemon=True)
    server.start()
    port = ports.get(timeout=10)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["POSTLINT_CACHE_DIR"] = str(Path(tmp) / "cache")
            queue = write_inputs(Path(tmp), args.posts, args.urls, port)

            from postlint.links import checker

            network = {"seconds": 0.0}
            original = checker.Checker.check_many

            def measured(self, targets):  # type: ignore[no-untyped-def]
                started = time.perf_counter()
                try:
                    return original(self, targets)
                finally:
                    network["seconds"] += time.perf_counter() - started

            checker.Checker.check_many = measured  # type: ignore[method-assign]
            from postlint.links.data import build
            from postlint.rules import load_data

            net = build(load_data("links")).network
            cold, findings = timed_run(queue)
            cold_requests = counter.value
            warm, warm_findings = timed_run(queue)
            warm_requests = counter.value - cold_requests
            offline, _ = timed_run(queue, offline=True)
            print(f"posts={args.posts} distinct_urls={args.urls} server_delay={args.delay * 1000:.0f}ms "
                  f"workers={net.workers} per_host={net.per_host}")
            print(f"cold run (empty cache): {cold:.2f} s total, network phase {network['seconds']:.2f} s, "
                  f"{cold_requests} requests, {findings} findings")
            print(f"warm run (cache):       {warm:.2f} s total, {warm_requests} requests, "
                  f"{warm_findings} findings")
            print(f"offline run (cache):    {offline:.2f} s total")
            ideal = args.urls * args.delay / net.per_host
            print(f"lower bound for one host at per_host={net.per_host}: {ideal:.2f} s")
    finally:
        server.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
