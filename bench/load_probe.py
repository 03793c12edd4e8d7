"""What a load costs the server: CPU seconds and RSS of the gunicorn master and its workers
(workers recycled by ``max_requests`` included), and CPU seconds of the PostgreSQL backends
that serve it (found by the ``application_name`` the bench gives its database URL).

A sampler thread reads ``/proc`` every ``interval`` seconds and keeps, per process, the
highest CPU time seen, so a process that exits between samples loses at most one interval.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import sqlalchemy as sa

from .common import children, rss_kib

_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """Return the user + system CPU seconds process ``pid`` has used (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime


class Probe:
    """Samples the server tree rooted at ``pid`` and the PostgreSQL backends named ``app``."""

    def __init__(self, pid: int, database_url: str = "", app: str = "", interval: float = 0.5):
        self.pid, self.app, self.interval = pid, app, interval
        self.engine = (
            sa.create_engine(database_url, poolclass=sa.pool.NullPool)
            if database_url.startswith("postgresql") and app
            else None
        )
        self.server: dict[int, float] = {}
        self.database: dict[int, float] = {}
        self.peak_rss_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _backends(self) -> list[int]:
        if self.engine is None:
            return []
        with self.engine.connect() as conn:
            query = sa.text("SELECT pid FROM pg_stat_activity WHERE application_name = :a")
            return list(conn.execute(query, {"a": self.app}).scalars())

    def sample(self) -> None:
        tree = [self.pid, *children(self.pid)]
        for pid in tree:
            self.server[pid] = max(self.server.get(pid, 0.0), cpu_seconds(pid))
        self.peak_rss_kib = max(self.peak_rss_kib, sum(rss_kib(pid) for pid in tree))
        for pid in self._backends():
            self.database[pid] = max(self.database.get(pid, 0.0), cpu_seconds(pid))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.sample()
            except (OSError, sa.exc.SQLAlchemyError):
                continue  # a process that ended mid-read; the next sample has the rest

    def __enter__(self) -> Probe:
        self.sample()
        self.base_server, self.base_database = self.totals()
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()
        if self.engine is not None:
            self.engine.dispose()

    def totals(self) -> tuple[float, float]:
        return sum(self.server.values()), sum(self.database.values())

    def used(self) -> tuple[float, float]:
        """Return (server, database) CPU seconds used since the probe started."""
        server, database = self.totals()
        return server - self.base_server, database - self.base_database

    def rss_mb(self) -> float:
        """Return the server tree's RSS now, in MB."""
        tree = [self.pid, *children(self.pid)]
        return sum(rss_kib(pid) for pid in tree) / 1024
