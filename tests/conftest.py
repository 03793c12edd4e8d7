"""Fixtures shared by every test: the app on SQLite and PostgreSQL, a client, a CLI runner.

Server tests take the ``app`` fixture, which is parametrised over both databases, so each
test runs on SQLite (in a temporary instance folder) and on the local PostgreSQL (in a
schema of its own inside database ``test``).
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from xuedian import create_app
from xuedian.extensions import db

ROOT = Path(__file__).resolve().parents[1]
PG_BASE = os.environ.get("XUEDIAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = [b for b in os.environ.get("XUEDIAN_TEST_BACKENDS", "sqlite,postgresql").split(",") if b]


def _migrate(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated SQLite database, copied for each test (migrating once is faster)."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    app = create_app({"instance_path": str(folder)})
    _migrate(app)
    with app.app_context():
        db.engine.dispose()
    return folder / "xuedian.sqlite3"


@pytest.fixture(scope="session")
def pg_url():
    """A fresh PostgreSQL schema for this test session, migrated once, dropped at the end."""
    schema = f"xd_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(PG_BASE)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_BASE}?options=-csearch_path%3D{schema}"
    app = create_app({"instance_path": "/tmp", "database_url": url})
    _migrate(app)
    with app.app_context():
        db.engine.dispose()
    yield url
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def app(backend, request, tmp_path):
    """The app on an empty, migrated database with a signing key in its instance."""
    settings = {"instance_path": str(tmp_path / "instance")}
    if backend == "sqlite":
        (tmp_path / "instance").mkdir()
        shutil.copyfile(
            request.getfixturevalue("sqlite_template"), tmp_path / "instance" / "xuedian.sqlite3"
        )
    else:
        settings["database_url"] = request.getfixturevalue("pg_url")
    application = create_app(settings)
    application.config["TESTING"] = True
    with application.app_context():
        application.extensions["xuedian.keyring"].ensure()
    yield application
    with application.app_context():
        if backend == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
