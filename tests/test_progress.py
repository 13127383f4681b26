"""The progress bar: shown on a terminal for long queues, never in CI logs or with --quiet."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys

from postlint.progress import QueueProgress


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_bar_when_not_a_terminal():
    stream = io.StringIO()
    with QueueProgress(enabled=True, threshold=1, stream=stream) as progress:
        progress(1000)
    assert stream.getvalue() == ""


def test_no_bar_below_threshold_or_when_quiet():
    stream = FakeTTY()
    with QueueProgress(enabled=True, threshold=500, stream=stream) as progress:
        progress(499)
    with QueueProgress(enabled=False, threshold=1, stream=stream) as progress:
        progress(1000)
    assert stream.getvalue() == ""


def test_bar_on_a_real_terminal(tmp_path):
    """Run the real CLI with stderr on a pseudo-terminal and look for the bar's text."""
    queue = tmp_path / "q.jsonl"
    queue.write_text("".join(f'{{"text": "post {i}"}}\n' for i in range(1500)))
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "postlint", "check", "--offline", "--select", "platform",
         "--jobs", "1", "--format", "json", str(queue)],
        stdout=subprocess.DEVNULL, stderr=follower, env={**os.environ, "TERM": "xterm"})
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    proc.wait(timeout=120)
    text = seen.decode("utf-8", "replace")
    assert "checking posts" in text
    assert "Checked 1500 posts" in text
