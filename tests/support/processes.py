"""Processes a test starts: a free loopback port for them, and stopping them by PID."""

from __future__ import annotations

import signal
import socket
import subprocess
import urllib.request


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(proc: subprocess.Popen) -> None:
    """End a process this test started (by its PID, SIGTERM then SIGKILL), then reap it."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def answers(url: str) -> bool:
    """Return whether a server a test started answers ``url`` with 200 (False while it
    is not listening yet)."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
            return response.status == 200
    except OSError:
        return False
