"""Instances for backup tests: a county that is backed up, then lost, then restored
elsewhere. On PostgreSQL every instance of one test shares one schema of its own (a dump
is restored into the schema it came from), dropped at the end."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from xuedian import create_app
from xuedian.cli import main
from xuedian.extensions import db


class Site:
    """Where instances live: folders under ``tmp_path`` and, on PostgreSQL, one schema."""

    def __init__(self, backend: str, tmp_path: Path, pg_base: str = ""):
        self.backend = backend
        self.pg_base = pg_base
        self.tmp_path = tmp_path
        self.apps = []
        self.schema = f"xd_bk_{uuid.uuid4().hex[:12]}"
        self.url = f"{pg_base}?options=-csearch_path%3D{self.schema}"
        if backend == "postgresql":
            self._admin(f'CREATE SCHEMA "{self.schema}"')

    def _admin(self, sql: str) -> None:
        engine = sa.create_engine(self.pg_base, poolclass=sa.pool.NullPool)
        with engine.begin() as conn:
            conn.execute(sa.text(sql))
        engine.dispose()

    def app(self, name: str, revision: str | None = "head"):
        """An app on instance ``name``, migrated to ``revision`` (None: not at all)."""
        from flask_migrate import upgrade

        settings = {"instance_path": str(self.tmp_path / name)}
        if self.backend == "postgresql":
            settings["database_url"] = self.url
        app = create_app(settings)
        app.config["TESTING"] = True
        if revision:
            with app.app_context():
                upgrade(revision=revision)
        self.apps.append(app)
        return app

    def lose(self, app) -> None:
        """The county's machine is gone: its folder and database (on PostgreSQL the schema
        is made again, empty, as a new database's public would be)."""
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        shutil.rmtree(app.instance_path)
        if self.backend == "postgresql":
            self._admin(f'DROP SCHEMA "{self.schema}" CASCADE')
            self._admin(f'CREATE SCHEMA "{self.schema}"')

    def close(self) -> None:
        for app in self.apps:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        if self.backend == "postgresql":
            self._admin(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')


@pytest.fixture
def site(backend, tmp_path, request):
    # The session's PostgreSQL URL without its schema: the same server and database.
    base = request.getfixturevalue("pg_url").split("?")[0] if backend == "postgresql" else ""
    place = Site(backend, tmp_path, base)
    yield place
    place.close()


def run(app, *args: str):
    """Invoke ``xuedian ARGS`` on ``app``; return the click result."""
    with app.app_context():
        return CliRunner().invoke(main, list(args))
