"""Fixtures for fault drills: a migrated database (SQLite in a temporary instance, or a
PostgreSQL schema of its own) and a way to start ``xuedian serve`` on it."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from xuedian import create_app
from xuedian.extensions import db

from .drill import Ledger, ServerProcess

ROOT = Path(__file__).resolve().parents[2]
# As in tests/conftest.py, which pytest imports as a top-level module of its own.
PG_BASE = os.environ.get("XUEDIAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = [b for b in os.environ.get("XUEDIAN_TEST_BACKENDS", "sqlite,postgresql").split(",") if b]


@dataclass
class DrillDatabase:
    backend: str
    instance: Path
    #: The URL the test reads with; the server gets ``server_url`` (empty: SQLite default).
    url: str
    server_url: str
    #: PostgreSQL application_name of the server's connections.
    app_name: str

    def server_env(self, pg_lock_timeout_ms: int = 0, **settings) -> dict:
        """The server's environment: this database, plus ``XUEDIAN_<NAME>`` for each setting.

        ``pg_lock_timeout_ms`` sets PostgreSQL's lock_timeout on the server's connections (a
        connection option an operator can put in the URL), PostgreSQL's "busy timeout".
        """
        env = {k: v for k, v in os.environ.items() if not k.startswith("XUEDIAN_")}
        env.update(
            XUEDIAN_INSTANCE_PATH=str(self.instance),
            XUEDIAN_PWA_DIST=str(ROOT / "pwa" / "dist"),
        )
        if self.server_url:
            url = self.server_url
            if pg_lock_timeout_ms:
                url = url.replace(
                    "&application_name",
                    f"%20-clock_timeout%3D{pg_lock_timeout_ms}&application_name",
                )
            env["XUEDIAN_DATABASE_URL"] = url
        env.update({f"XUEDIAN_{k.upper()}": str(v) for k, v in settings.items()})
        return env

    @contextmanager
    def write_locked(self):
        """Hold a write lock on the records from another connection while the block runs:
        SQLite's one write lock (BEGIN IMMEDIATE), or on PostgreSQL an EXCLUSIVE lock on
        learning_record, which lets readers through and makes every writer wait."""
        held, release = threading.Event(), threading.Event()
        failed: list[BaseException] = []

        def hold() -> None:
            try:
                if self.backend == "sqlite":
                    conn = sqlite3.connect(self.instance / "xuedian.sqlite3", timeout=10)
                    conn.isolation_level = None
                    conn.execute("BEGIN IMMEDIATE")
                    held.set()
                    release.wait(60)
                    conn.execute("ROLLBACK")
                    conn.close()
                    return
                engine = sa.create_engine(self.url, poolclass=sa.pool.NullPool)
                with engine.begin() as conn:
                    conn.execute(sa.text("LOCK TABLE learning_record IN EXCLUSIVE MODE"))
                    held.set()
                    release.wait(60)
                engine.dispose()
            except BaseException as exc:  # reported by the caller
                failed.append(exc)
                held.set()

        thread = threading.Thread(target=hold, daemon=True)
        thread.start()
        assert held.wait(20), "the lock was not taken"
        assert not failed, failed
        try:
            yield
        finally:
            release.set()
            thread.join(20)
        assert not failed, failed

    def in_transaction(self) -> bool:
        """Whether a server connection is inside a write transaction right now."""
        if self.backend == "sqlite":
            probe = sqlite3.connect(self.instance / "xuedian.sqlite3", timeout=0)
            probe.isolation_level = None
            try:
                probe.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc):
                    return True
                raise
            else:
                probe.execute("ROLLBACK")
                return False
            finally:
                probe.close()
        engine = sa.create_engine(PG_BASE, poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                return bool(
                    conn.execute(
                        sa.text(
                            "SELECT count(*) FROM pg_stat_activity WHERE application_name = :n"
                            " AND state = 'idle in transaction' AND backend_xid IS NOT NULL"
                        ),
                        {"n": self.app_name},
                    ).scalar()
                )
        finally:
            engine.dispose()


@pytest.fixture(params=BACKENDS)
def drill_db(request, tmp_path):
    """A migrated, empty database for one drill, on SQLite and on PostgreSQL."""
    instance = tmp_path / "instance"
    instance.mkdir()
    name = f"xd_fault_{uuid.uuid4().hex[:10]}"
    if request.param == "sqlite":
        shutil.copyfile(request.getfixturevalue("sqlite_template"), instance / "xuedian.sqlite3")
        yield DrillDatabase(
            "sqlite", instance, f"sqlite:///{instance / 'xuedian.sqlite3'}", "", name
        )
        return
    admin = sa.create_engine(PG_BASE, poolclass=sa.pool.NullPool)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    url = f"{PG_BASE}?options=-csearch_path%3D{name}"
    app = create_app({"instance_path": str(instance), "database_url": url})
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        db.engine.dispose()
    try:
        yield DrillDatabase("postgresql", instance, url, f"{url}&application_name={name}", name)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


@pytest.fixture
def ledger(drill_db):
    reader = Ledger(drill_db.url)
    yield reader
    reader.dispose()


@pytest.fixture
def serve(drill_db, tmp_path):
    """Start ``xuedian serve`` on the drill database; every server started is stopped."""
    started: list[ServerProcess] = []

    def start(workers: int = 1, port: int | None = None, **settings) -> ServerProcess:
        server = ServerProcess(
            drill_db.server_env(**settings), tmp_path / "serve.log", workers, port
        )
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()
