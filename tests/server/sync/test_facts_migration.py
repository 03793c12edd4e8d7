"""Migration 0007 fills the facts of records stored before it, with the parser ingest uses,
marks voided records and gives each learner to the device of its first record."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from xuedian.extensions import db
from xuedian.sync import facts
from xuedian.sync.models import LearnerOwner, LearningRecord

VECTORS = json.loads(
    (Path(__file__).resolve().parents[2] / "vectors" / "record_facts.json").read_text("utf-8")
)
DEVICES = ("a" * 32, "b" * 32)


def test_migration_0007_fills_the_facts_of_stored_records(app):
    case = next(c for c in VECTORS["cases"] if "void after" in c["name"])
    quiz = next(c for c in VECTORS["cases"] if c["name"].startswith("the app's real records"))
    records = case["records"] + quiz["records"]
    expected = case["facts"] + quiz["facts"]
    start = datetime(2026, 11, 30, tzinfo=UTC)
    with app.app_context():
        downgrade(revision="0006")
        with db.engine.begin() as conn:
            device = sa.table(
                "device",
                *(sa.column(c) for c in ("id", "app_version", "created_at", "max_contiguous_seq")),
            )
            conn.execute(
                device.insert(),
                [
                    {"id": d, "app_version": "", "created_at": start, "max_contiguous_seq": 0}
                    for d in DEVICES
                ],
            )
            old = sa.table(
                "learning_record",
                *(sa.column(c) for c in ("id", "device_id", "device_seq", "learner", "verb")),
                sa.column("object", sa.JSON()),
                sa.column("result", sa.JSON()),
                *(sa.column(c) for c in ("timestamp", "content_hash", "received_at")),
            )
            rows = []
            for seq, record in enumerate(records, 1):
                # The second device once sent a record for the first's learner: the
                # learner stays the first device's.
                rows.append(
                    {
                        **{k: record.get(k) for k in ("id", "learner", "verb", "object")},
                        "result": record.get("result"),
                        "device_id": DEVICES[0] if seq != 2 else DEVICES[1],
                        "device_seq": seq,
                        "timestamp": start,
                        "content_hash": "0" * 64,
                        "received_at": start + timedelta(seconds=seq),
                    }
                )
            conn.execute(old.insert(), rows)
        upgrade()
        r = LearningRecord
        for record, want in zip(records, expected, strict=True):
            got = db.session.execute(
                select(r.voided, *(getattr(r, c) for c in facts.COLUMNS)).where(
                    r.id == record["id"]
                )
            ).one()
            assert dict(got._mapping) == want, record
        owners = dict(
            db.session.execute(select(LearnerOwner.learner, LearnerOwner.device_id)).all()
        )
        assert owners == {records[0]["learner"]: DEVICES[0]}
