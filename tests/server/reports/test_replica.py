"""Report pages and exports read a real PostgreSQL streaming replica; writes, and reads of
what a request just wrote, go to the primary (core/dbrouting.py).

The fixture starts a throw-away primary and replica (tests/support/pgreplica.py). Pausing
the replica's WAL replay makes it lag on purpose: what a report shows then says where it
was read.
"""

from __future__ import annotations

import csv
import io
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from support import pgreplica, wait_until

from xuedian import create_app
from xuedian.audit.models import AuditEvent
from xuedian.core.dbrouting import replica_reads
from xuedian.core.timeutil import utcnow
from xuedian.extensions import db

from .helpers import Learner, make_org, sign_in

TOPICS = "/staff/reports/export/topics.csv?lang=en"


@pytest.fixture(scope="module")
def pair():
    started = pgreplica.start()
    yield started
    pgreplica.finish(started)


@pytest.fixture
def county(pair, tmp_path):
    """An app whose database lives on the throw-away primary, reports on its replica."""
    name = f"xd_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(pair.primary.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    app = create_app(
        {
            "instance_path": str(tmp_path / "instance"),
            "database_url": pair.primary.url(name),
            "read_replica_url": pair.replica.url(name),
        }
    )
    app.config["TESTING"] = True
    with app.app_context():
        upgrade()
        app.extensions["xuedian.keyring"].ensure()
    replica = sa.create_engine(pair.replica.url(name), isolation_level="AUTOCOMMIT")
    yield app, admin, replica, name
    with replica.connect() as conn:
        conn.execute(sa.text("SELECT pg_wal_replay_resume()"))
    replica.dispose()
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def _topics(client) -> list[str]:
    answer = client.get(TOPICS)
    assert answer.status_code == 200
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    return [row[0] for row in rows[1:]]


def _pause(replica) -> None:
    with replica.connect() as conn:
        conn.execute(sa.text("SELECT pg_wal_replay_pause()"))

    def paused():
        with replica.connect() as conn:
            return conn.execute(sa.text("SELECT pg_get_wal_replay_pause_state()")).scalar()

    wait_until(lambda: paused() == "paused", 60, "the replica's replay to pause")


def _resume(replica) -> None:
    with replica.connect() as conn:
        conn.execute(sa.text("SELECT pg_wal_replay_resume()"))


def _count(engine, name: str, table: str) -> int:
    url = engine.url.set(database=name)
    other = sa.create_engine(url)
    try:
        with other.connect() as conn:
            return conn.scalar(sa.select(sa.func.count()).select_from(sa.table(table)))
    finally:
        other.dispose()


@pytest.mark.timeout(300)
def test_report_pages_and_exports_read_the_replica_writes_go_to_the_primary(county):
    app, admin, replica, name = county
    client = app.test_client()
    ids = make_org(app)
    sign_in(client, ids["admin"])
    phone = Learner(client, "p1a")
    phone.send([phone.asked("养鸡")])
    wait_until(lambda: _topics(client) == ["养鸡"], 120, "the first topic on the replica")

    _pause(replica)
    phone.send([phone.asked("种茶")])  # ingest writes the primary (the replica is read-only)
    assert _count(admin, name, "learning_record") == 2
    exports_before = _count(admin, name, "audit_event")
    assert _topics(client) == ["养鸡"]  # read where replay stands still
    page = client.get("/staff/reports/?lang=en").get_data(as_text=True)
    assert "养鸡" in page and "种茶" not in page
    # The export's audit row was written in the same request, on the primary.
    assert _count(admin, name, "audit_event") == exports_before + 1
    with replica.connect() as conn:
        readers = conn.execute(
            sa.text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE application_name = 'xuedian-reports' AND datname = :name"
            ),
            {"name": name},
        ).scalar()
    assert readers >= 1

    _resume(replica)
    wait_until(lambda: _topics(client) == ["养鸡", "种茶"], 120, "the new topic on the replica")


@pytest.mark.timeout(300)
def test_a_request_reads_what_it_wrote_from_the_primary(county):
    app, admin, replica, name = county
    make_org(app)
    wait_until(lambda: _count(replica, name, "staff") == 3, 120, "the staff on the replica")
    _pause(replica)
    primary = sa.create_engine(admin.url.set(database=name))
    with primary.begin() as conn:
        conn.execute(sa.text("DELETE FROM staff WHERE username = 'vol'"))
    primary.dispose()

    def count(table) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(table))

    @replica_reads
    def view():
        seen = [count(AuditEvent), count(sa.table("staff"))]  # replica: 0, and 3 (stale)
        db.session.add(AuditEvent(**EVENT, at=utcnow()))
        db.session.commit()
        seen.append(count(AuditEvent))  # written here: the primary's 1
        seen.append(count(sa.table("staff")))  # untouched: still the replica's 3
        # Raw SQL may write anything: it, and every read after it, uses the primary.
        seen.append(db.session.execute(sa.text("SELECT count(*) FROM staff")).scalar())
        seen.append(count(sa.table("staff")))
        return seen

    with app.test_request_context():
        assert view() == [0, 3, 1, 3, 2, 2]
        db.session.remove()
    with app.test_request_context():
        assert count(sa.table("staff")) == 2  # not asked for: the primary


EVENT = {"actor": "cli", "action": "export", "target": "t", "address": "cli", "area_path": ""}
