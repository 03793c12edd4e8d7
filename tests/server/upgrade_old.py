"""A county on an old release, filled by its own code: run by tests/server/test_upgrade.py
in a subprocess whose PYTHONPATH puts that release's ``server/`` first (never collected by
pytest, never imported by today's tests).

It migrates the database with the old release's migrations, makes a county with a point and
its administrator, registers a phone at the point and syncs real records through the old
app: completions with evidence of engagement, one without, a quiz, a topic request, a
voided completion, and heartbeats with a learner profile. It then writes what the test
needs to carry on with today's code to a JSON file: the phone's private key and device id,
the ids of its records, its feed cursor, and the dashboard's totals as the old code counted
them.

It imports only the old ``xuedian`` and libraries: today's test helpers may use what the old
release lacks.

Usage: ``python -P upgrade_old.py INSTANCE DATABASE_URL OUT`` (DATABASE_URL ``""``: SQLite
in INSTANCE).
"""

from __future__ import annotations

import base64
import json
import os
import sys
import time
import uuid
from datetime import UTC, datetime

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

VERB = "http://adlnet.gov/expapi/verbs/"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def uuid7() -> str:
    millis = int(time.time() * 1000)
    raw = bytearray(millis.to_bytes(6, "big") + os.urandom(10))
    raw[6] = (raw[6] & 0x0F) | 0x70
    raw[8] = (raw[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(raw)))


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class OldPhone:
    """A phone of the old release: an Ed25519 key, the device id derived from it, and
    envelopes signed over the old code's canonical JSON."""

    def __init__(self, canonical_bytes):
        import hashlib

        self.key = Ed25519PrivateKey.generate()
        self.raw_public = self.key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.device_id = hashlib.sha256(self.raw_public).hexdigest()[:32]
        self.canonical_bytes = canonical_bytes
        self.learner = str(uuid.uuid4())
        self.seq = 0

    def sign(self, signed: dict) -> dict:
        return {"signed": signed, "signature": b64url(self.key.sign(self.canonical_bytes(signed)))}

    def private_key(self) -> str:
        raw = self.key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return b64url(raw)

    def record(self, verb: str, obj: dict, result: dict | None) -> dict:
        self.seq += 1
        rec = {
            "id": uuid7(),
            "learner": self.learner,
            "verb": VERB + verb,
            "object": obj,
            "timestamp": now_iso(),
            "device_seq": self.seq,
        }
        if result is not None:
            rec["result"] = result
        return rec

    def completed(self, lesson: str, evidence: dict | None) -> dict:
        result = {"duration": "PT2M", "success": True}
        if evidence is not None:
            result["evidence"] = evidence
        return self.record(
            "completed", {"pack": "xuedian-welcome", "version": 1, "lesson": lesson}, result
        )


def make_county(app) -> None:
    """County › township › village › point ``p1a``, and the county's administrator."""
    from xuedian.core.timeutil import utcnow
    from xuedian.extensions import db
    from xuedian.org.auth import hash_password
    from xuedian.org.models import Area, LearningPoint, Staff

    with app.app_context():
        parent = county = None
        for level, code, name in (
            ("county", "qingshui", "清水县"),
            ("township", "t1a", "东镇"),
            ("village", "v1a", "东庄村"),
        ):
            row = Area(parent_id=parent.id if parent else None, level=level, code=code, name=name)
            row.name_en = code
            db.session.add(row)
            db.session.flush()
            row.path = f"{parent.path if parent else '/'}{row.id}/"
            parent, county = row, county or row
        point = LearningPoint(code="p1a", name="东庄学习点", name_en="p1a", area_id=parent.id)
        point.created_at = utcnow()
        admin = Staff(username="admin", password_hash=hash_password("x"), role="admin")
        admin.area_id, admin.created_at = county.id, utcnow()
        db.session.add_all([point, admin])
        db.session.commit()


def main(instance: str, database_url: str, out: str) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import select, text

    import xuedian
    from xuedian import create_app
    from xuedian.core.canonjson import canonical_bytes
    from xuedian.extensions import db

    settings = {"instance_path": instance}
    if database_url:
        settings["database_url"] = database_url
    app = create_app(settings)
    app.config["TESTING"] = True
    with app.app_context():
        upgrade()
        app.extensions["xuedian.keyring"].ensure()
        revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    make_county(app)
    client = app.test_client()
    phone = OldPhone(canonical_bytes)

    from xuedian.org.enrolment import make_token

    with app.app_context():
        token = make_token("p1a")
    registration = {
        "type": "device-registration",
        "device_id": phone.device_id,
        "public_key": b64url(phone.raw_public),
        "app_version": "0.1.0",
        "created": now_iso(),
        "point": "p1a",
        "enrolment": token,
    }
    answer = client.post("/api/v1/devices", json=phone.sign(registration))
    assert answer.status_code == 201, answer.get_json()
    status = {
        "unsent": 0,
        "quarantined": 0,
        "app_version": "0.1.0",
        "packs": {"xuedian-welcome": 1},
        "storage_free": 1_000_000_000,
        "point": "p1a",
        "enrolment": token,
        "profiles": [{"learner": phone.learner, "age_band": "45-59", "village": "东庄村"}],
    }

    def send(records: list) -> dict:
        signed = {
            "type": "sync-batch",
            "device_id": phone.device_id,
            "batch_id": str(uuid.uuid4()),
            "created": now_iso(),
            "records": records,
            "status": status,
        }
        response = client.post("/api/v1/sync/batches", json=phone.sign(signed))
        assert response.status_code == 200, response.get_json()
        receipt = response.get_json()
        assert sorted(receipt["accepted"]) == sorted(r["id"] for r in records), receipt
        return receipt

    engaged = {"seconds": 120, "chars": 300, "quiz": True}
    records = {
        "engaged": phone.completed("01-welcome", engaged),
        "engaged2": phone.completed("02-app", {"seconds": 90, "chars": 200}),
        "unverified": phone.completed("03-offline", None),
        "quiz": phone.record(
            "answered",
            {"pack": "xuedian-welcome", "version": 1, "lesson": "01-welcome", "item": "quiz"},
            {"score": 0.8, "success": True},
        ),
        "asked": phone.record("asked", {"topic": "养猪"}, None),
    }
    send(list(records.values()))
    records["voiding"] = phone.record(
        "voided",
        {"pack": "xuedian-welcome", "version": 1, "record": records["engaged2"]["id"]},
        None,
    )
    send([records["voiding"]])

    cursor, more = None, True
    while more:
        signed = {
            "type": "changes-request",
            "device_id": phone.device_id,
            "created": now_iso(),
            "cursor": cursor,
        }
        response = client.post("/api/v1/sync/changes", json=phone.sign(signed))
        assert response.status_code == 200, response.get_json()
        page = response.get_json()
        cursor, more = page["cursor"], page["more"]

    from xuedian.credits.certify import accounts_for
    from xuedian.org.models import Staff
    from xuedian.reports import figures
    from xuedian.reports.scope import frame

    now = datetime.now(UTC)
    with app.app_context():
        accounts_for([phone.learner])  # the learner's learning account, as certifying makes it
        db.session.commit()
    with app.test_request_context():
        admin = db.session.scalars(select(Staff).where(Staff.username == "admin")).one()
        totals = figures.build(frame(admin, {}, now), parts=("groups",))["totals"]
        db.session.remove()
        db.engine.dispose()

    with open(out, "w", encoding="utf-8") as f:
        json.dump(
            {
                "xuedian": xuedian.__file__,
                "version": xuedian.__version__,
                "revision": revision,
                "private_key": phone.private_key(),
                "device_id": phone.device_id,
                "learner": phone.learner,
                "seq": phone.seq,
                "records": {name: rec["id"] for name, rec in records.items()},
                "cursor": cursor,
                "now": now.isoformat(),
                "totals": totals,
            },
            f,
            ensure_ascii=False,
            indent=1,
        )


if __name__ == "__main__":
    main(*sys.argv[1:4])
