"""Sync ingest speed: 10,506 records from one device into an empty server, then a re-send
of them all, on SQLite and on PostgreSQL (budgets: ≤ 3 s and ≥ 5,000 records/s).

Requests go through the real app (routing, auth, JSON, validation, one transaction per
batch) with Flask's test client, so the figures are server cost without network time.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid

import sqlalchemy as sa

from .common import figure

RECORDS = 10_506
BATCH = 500
PG_BASE = os.environ.get("XUEDIAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _records(count: int) -> list[dict]:
    from tests.server.sync.helpers import make_record

    return [make_record(seq) for seq in range(1, count + 1)]


def _sync(client, auth: dict, records: list[dict]) -> float:
    start = time.perf_counter()
    for i in range(0, len(records), BATCH):
        batch = {"batch_id": str(uuid.uuid4()), "records": records[i : i + BATCH]}
        response = client.post("/api/v1/sync/batches", json=batch, headers=auth)
        assert response.status_code == 200, response.json
    return time.perf_counter() - start


def run(backend: str, database_url: str, instance: str) -> None:
    from flask_migrate import upgrade

    from xuedian import create_app

    app = create_app({"instance_path": instance, "database_url": database_url})
    with app.app_context():
        upgrade()
    client = app.test_client()
    response = client.post("/api/v1/devices", json={})
    auth = {"Authorization": f"Device {response.json['device_id']}:{response.json['token']}"}
    records = _records(RECORDS)
    first = _sync(client, auth, records)
    again = _sync(client, auth, records)
    figure(f"[{backend}] sync {RECORDS:,} records into empty server", first, "s", 3.0)
    # Not the "no-op re-sync" of the budget: that is a phone with nothing new, which sends
    # no batch at all. This is the worst case, a phone that lost every receipt.
    figure(f"[{backend}] re-send all (every one a duplicate)", again, "s")
    figure(f"[{backend}] ingest rate", RECORDS / first, "records/s", 5000, lower_is_better=False)
    with app.app_context():
        from xuedian.extensions import db

        db.engine.dispose()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="xuedian-bench-") as folder:
        run("sqlite", "", folder)
    schema = f"xd_bench_{os.getpid()}"
    admin = sa.create_engine(PG_BASE)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        with tempfile.TemporaryDirectory(prefix="xuedian-bench-") as folder:
            run("postgresql", f"{PG_BASE}?options=-csearch_path%3D{schema}", folder)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
