"""Upgrade in place: a county filled by an old release's own code, then migrated by today's
``xuedian init``, keeps every row and its phones keep syncing without registering again.

Each baseline is a released commit (CHANGELOG.md). The first, v0.1.0, is commit a69f63c:
the last state before the release notes began, with migrations 0001-0017; no tag marked it
then. Tags may not travel with a clone, so the test names the commit, not the tag: each new
release is tagged and its commit added to BASELINES (v0.2.0 is commit 809ee3c, migrations
0001-0022).

The old release's ``server/xuedian`` is taken from git history (``git archive``) and run in
a subprocess with it first on PYTHONPATH (tests/server/upgrade_old.py): its migrations make
its schema on the test database, its app registers a phone and stores that phone's records.
The test then migrates that database with today's code, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from xuedian import create_app
from xuedian.cli import main
from xuedian.credits.card import short_number
from xuedian.credits.models import LearningAccount
from xuedian.extensions import MIGRATIONS, db
from xuedian.keys.service import b64url_decode
from xuedian.sync.models import Device, LearningRecord

from .sync.helpers import STATUS, Phone, make_record
from .sync.test_feed import ask

ROOT = Path(__file__).resolve().parents[2]
OLD = Path(__file__).with_name("upgrade_old.py")

#: Released commits a county may upgrade from: (release, commit).
BASELINES = [("v0.1.0", "a69f63c"), ("v0.2.0", "809ee3c")]


def _git(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, **kwargs)


def old_server(commit: str, into: Path) -> Path:
    """Extract ``server/xuedian`` of ``commit`` under ``into``; return its ``server`` folder.

    Skips the test, saying why, where this checkout has no git history to take it from.
    """
    if shutil.which("git") is None or _git("rev-parse", "--git-dir").returncode != 0:
        pytest.skip("upgrade test needs the git history: this checkout is no git repository")
    if _git("cat-file", "-e", f"{commit}^{{commit}}").returncode != 0:
        pytest.skip(f"upgrade test needs commit {commit}: clone with full history")
    archive = _git("archive", "--format=tar", commit, "server/xuedian", check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "server"


@pytest.fixture
def database(backend, request):
    """The database URL for this test ("" for SQLite in the instance); on PostgreSQL a
    schema of its own, dropped at the end."""
    if backend == "sqlite":
        yield ""
        return
    base = request.getfixturevalue("pg_url").split("?")[0]
    schema = f"xd_up_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, poolclass=sa.pool.NullPool)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    yield f"{base}?options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def fill_with_old_release(commit: str, tmp_path: Path, instance: Path, url: str) -> dict:
    """Run tests/server/upgrade_old.py on the old release's code; return what it wrote."""
    server = old_server(commit, tmp_path / "old")
    out = tmp_path / "old-county.json"
    env = {**os.environ, "PYTHONPATH": str(server)}
    # -P: the script's own folder (tests/server, with packages named like features) is not
    # put on the path; the old code comes only from PYTHONPATH, ahead of today's install.
    done = subprocess.run(
        [sys.executable, "-P", str(OLD), str(instance), url, str(out)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    old = json.loads(out.read_text(encoding="utf-8"))
    assert Path(old["xuedian"]).is_relative_to(server), old["xuedian"]
    return old


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        names = sa.inspect(db.engine).get_table_names()
        counts = {
            name: db.session.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar()  # noqa: S608
            for name in names
        }
        db.session.remove()
        return counts


def totals(app, now: datetime) -> dict:
    """The county administrator's dashboard totals, as today's page counts them."""
    from xuedian.org.models import Staff
    from xuedian.reports import figures
    from xuedian.reports.scope import frame

    with app.test_request_context():
        admin = db.session.scalars(select(Staff).where(Staff.username == "admin")).one()
        counted = figures.build(frame(admin, {}, now), parts=("groups",))["totals"]
        db.session.remove()
        return counted


def dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def init(app):
    """``xuedian init`` on ``app``'s instance: the upgrade command of docs/deploy.md."""
    with app.app_context():
        result = CliRunner().invoke(main, ["init"])
        db.session.remove()
    assert result.exit_code == 0, result.output
    return result


def schema_state(app) -> tuple[str, list]:
    """The schema's revision and its differences from today's models (none expected)."""
    with app.app_context(), db.engine.connect() as connection:
        revision = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return revision, compare_metadata(context, db.metadata)


@pytest.mark.timeout(300)
@pytest.mark.parametrize(("release", "commit"), BASELINES)
def test_upgrade_keeps_rows_and_phones_sync_without_registering(
    release, commit, database, tmp_path, request
):
    instance = tmp_path / "instance"
    old = fill_with_old_release(commit, tmp_path, instance, database)
    settings = {"instance_path": str(instance)}
    if database:
        settings["database_url"] = database
    app = create_app(settings)
    app.config["TESTING"] = True
    request.addfinalizer(lambda: dispose(app))
    before = row_counts(app)
    assert before["alembic_version"] == 1 and before["learning_record"] == 6, before

    init(app)
    revision, differences = schema_state(app)
    # Today's head, whatever the release's own revision was (the newest release's is head),
    # and a schema that matches today's models.
    assert revision == ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert differences == []
    after = row_counts(app)
    assert {name: after[name] for name in before} == before
    now = datetime.fromisoformat(old["now"])
    counted = totals(app, now)
    assert counted["lessons"] == 1 and counted["unverified"] == 1 and counted["records"] == 6
    assert {k: counted[k] for k in old["totals"]} == old["totals"]

    # A second run changes nothing: the same revision, the same rows.
    init(app)
    assert schema_state(app) == (revision, []) and row_counts(app) == after

    with app.app_context():
        ids = old["records"]
        stored = db.session.scalars(
            select(LearningRecord).where(LearningRecord.id.in_(ids.values()))
        )
        assert {(r.id, r.device_id, r.learner) for r in stored} == {
            (i, old["device_id"], old["learner"]) for i in ids.values()
        }
        assert db.session.get(Device, old["device_id"]).learning_point_id is not None
        account = db.session.scalars(
            select(LearningAccount).where(LearningAccount.learner == old["learner"])
        ).one()
        assert account.short_number == short_number(old["learner"])  # migration 0020
        db.session.remove()

    # The same phone, with the key it always had, carries on: no registration.
    client = app.test_client()
    phone = Phone(Ed25519PrivateKey.from_private_bytes(b64url_decode(old["private_key"])))
    assert phone.device_id == old["device_id"]
    phone.learner = old["learner"]
    record = make_record(old["seq"] + 1)
    record["object"]["lesson"] = "04-new"
    record["result"]["evidence"] = {"seconds": 120, "chars": 300}
    status = {**STATUS, "profiles": [{"learner": old["learner"], "age_band": "45-59"}]}
    sent = client.post("/api/v1/sync/batches", json=phone.batch([record], status=status))
    assert sent.status_code == 200, sent.get_json()
    assert sent.get_json()["accepted"] == [record["id"]]
    assert sent.get_json()["max_contiguous_seq"] == old["seq"] + 1

    # Its old cursor is still good, and the learner's progress holds the old lessons.
    answer = ask(client, phone, old["cursor"])
    assert answer.status_code == 200, answer.get_json()
    progress = {p["lesson"]: p for p in answer.get_json()["progress"]}
    assert progress["01-welcome"]["completed"] and progress["01-welcome"]["verified"]
    assert progress["01-welcome"]["best_score"] == 0.8
    assert progress["03-offline"]["completed"] and not progress["03-offline"]["verified"]
    assert not progress.get("02-app", {}).get("completed")  # voided before the upgrade
    assert progress["04-new"]["completed"] and progress["04-new"]["verified"]

    counted = totals(app, now)
    assert counted["lessons"] == 2 and counted["records"] == 7 and counted["devices"] == 1
    assert row_counts(app)["device"] == before["device"] == 1
