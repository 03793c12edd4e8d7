"""Helpers for benchmarks: a demo instance, a served process, figures against budgets."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
XUEDIAN = str(Path(sys.executable).with_name("xuedian"))


def figure(
    name: str, value: float, unit: str, budget: float | None = None, lower_is_better: bool = True
) -> None:
    """Print one figure, with its ratio to the budget when there is one."""
    line = f"{name:<56} {value:>10.1f} {unit}"
    if budget is not None:
        ratio = value / budget if lower_is_better else budget / value if value else float("inf")
        verdict = "within" if ratio <= 1 else "OVER"
        line += f"   budget {budget:g} {unit}  ratio {ratio:.2f}  {verdict}"
    print(line, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def demo_instance():
    """Yield the environment of a temporary instance with the demo packs published."""
    with tempfile.TemporaryDirectory(prefix="xuedian-bench-") as folder:
        env = {**os.environ, "XUEDIAN_INSTANCE_PATH": folder}
        subprocess.run([XUEDIAN, "demo"], env=env, check=True, capture_output=True)
        yield env


@contextmanager
def served(env: dict, workers: int = 1, start_timeout: float = 30):
    """Yield (base url, process) of ``xuedian serve`` on a free loopback port."""
    port = free_port()
    proc = subprocess.Popen(
        [XUEDIAN, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                with urllib.request.urlopen(url + "/api/v1/health", timeout=2):  # noqa: S310
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("xuedian serve did not start") from None
                time.sleep(0.2)
        yield url, proc
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def rss_kib(pid: int) -> int:
    """Return a process's resident set size in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def pss_kib(pid: int) -> int:
    """Return a process's proportional set size in KiB: pages it shares (with a forked
    gunicorn master, say) count as a share, so a sum over processes is the memory they use."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def uss_kib(pid: int) -> int:
    """Return a process's unique set size in KiB: the pages no other process maps."""
    fields = ("Private_Clean:", "Private_Dirty:")
    lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    return sum(int(line.split()[1]) for line in lines if line.startswith(fields))


def tree_kib(master: int) -> int:
    """Return the resident memory of a gunicorn master and its one worker, each page once.

    Summing RSS counts twice every page the worker still shares with the master it forked
    from (the interpreter, gunicorn, the libraries both loaded); the worker's RSS plus the
    master's unique pages counts them once. It is the figure an operator sees leave free
    memory. With several workers, the pages workers share among themselves alone would be
    missed, so this serves the one-worker servers (the embedded county server, the relay)."""
    workers = children(master)
    if len(workers) != 1:
        raise ValueError(f"tree_kib measures a master with one worker, not {len(workers)}")
    return rss_kib(workers[0]) + uss_kib(master)


def children(pid: int) -> list[int]:
    """Return the direct children of ``pid``."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


#: The PostgreSQL the benchmarks use (the same database the tests use).
PG_BASE = os.environ.get("XUEDIAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextmanager
def pg_schema(prefix: str):
    """Yield a database URL whose tables go into a new schema, dropped afterwards."""
    import sqlalchemy as sa

    schema = f"{prefix}_{os.getpid()}"
    admin = sa.create_engine(PG_BASE, poolclass=sa.pool.NullPool)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_BASE}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def on_both_databases(run, prefix: str) -> None:
    """Call ``run(backend, database_url, folder)`` on SQLite (empty URL: the instance's own
    file), then on PostgreSQL in a schema of its own; each gets a fresh instance folder."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="xuedian-bench-") as folder:
        run("sqlite", "", folder)
    with pg_schema(prefix) as url, tempfile.TemporaryDirectory(prefix="xuedian-bench-") as folder:
        run("postgresql", url, folder)
