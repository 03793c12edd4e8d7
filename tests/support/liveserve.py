"""A throw-away ``xuedian serve`` on a free loopback port, for suites that talk HTTP to it.

The conformance runners (tests/server/credentials/conformance.py) start one per run; it is
stopped by PID (support.processes.stop) however the run ends.
"""

from __future__ import annotations

import subprocess
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import wait_until
from .processes import free_port, stop

XUEDIAN = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "xuedian"


@contextmanager
def serving(
    env: dict, probe: str, log_path: Path, workers: int = 2, port: int | None = None
) -> Iterator[str]:
    """Serve with ``env`` and yield ``http://127.0.0.1:PORT`` once GET ``probe`` answers.

    ``port`` is a free port chosen beforehand (a server that must know its own public URL);
    by default one is chosen here. The server's output goes to ``log_path``; a server that
    exits early raises naming it.
    """
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [XUEDIAN, "serve", "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:

            def answers() -> bool:
                if server.poll() is not None:
                    raise RuntimeError(f"xuedian serve exited; see {log_path}")
                try:
                    urllib.request.urlopen(base + probe, timeout=5).read()  # noqa: S310
                except OSError:
                    return False
                return True

            # A loaded 2-core machine can take most of a minute to import and bind.
            wait_until(answers, 180, f"the server to answer {probe}")
            yield base
        finally:
            stop(server)
