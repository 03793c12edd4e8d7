"""Builders for sync tests: a phone with its own Ed25519 key, its records, batches, bundles."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import time
import uuid
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from xuedian.core.canonjson import canonical_bytes
from xuedian.keys.service import b64url

LEARNER = str(uuid.uuid4())
STATUS = {
    "unsent": 0,
    "quarantined": 0,
    "app_version": "test",
    "packs": {"xuedian-welcome": 1},
    "storage_free": 1_000_000_000,
}


def uuid7() -> str:
    """Return a UUID version 7 (time-ordered), as the PWA makes them."""
    millis = int(time.time() * 1000)
    raw = bytearray(millis.to_bytes(6, "big") + os.urandom(10))
    raw[6] = (raw[6] & 0x0F) | 0x70
    raw[8] = (raw[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(raw)))


def now_iso(shift: timedelta = timedelta()) -> str:
    return (datetime.now(UTC) + shift).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def make_record(
    seq: int, verb: str = "http://adlnet.gov/expapi/verbs/completed", shift_days: int = 0
) -> dict:
    return {
        "id": uuid7(),
        "learner": LEARNER,
        "verb": verb,
        "object": {"pack": "xuedian-welcome", "version": 1, "lesson": f"0{seq % 10}-lesson"},
        "result": {"duration": "PT1M5S", "success": True},
        "timestamp": now_iso(timedelta(days=shift_days)),
        "device_seq": seq,
    }


class Phone:
    """A device as the PWA is one: a key pair, an id derived from it, signed envelopes."""

    def __init__(self, key: Ed25519PrivateKey | None = None):
        self.key = key or Ed25519PrivateKey.generate()
        raw = self.key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.public_key = b64url(raw)
        self.device_id = hashlib.sha256(raw).hexdigest()[:32]
        #: The learner this phone's records name where a test left the shared LEARNER: a
        #: learner id belongs to one phone, so two phones never share one by accident.
        self.learner = str(uuid.uuid4())

    def sign(self, signed: dict) -> dict:
        """Return the envelope of ``signed`` with this phone's signature."""
        return {"signed": signed, "signature": b64url(self.key.sign(canonical_bytes(signed)))}

    def registration(self, app_version: str = "test", **overrides) -> dict:
        signed = {
            "type": "device-registration",
            "device_id": self.device_id,
            "public_key": self.public_key,
            "app_version": app_version,
            "created": now_iso(),
            **overrides,
        }
        return self.sign(signed)

    def batch(self, records: list, batch_id: str | None = None, **overrides) -> dict:
        """Return a signed sync-batch envelope of ``records`` (LEARNER is this phone's own)."""
        signed = {
            "type": "sync-batch",
            "device_id": self.device_id,
            "batch_id": batch_id or str(uuid.uuid4()),
            "created": now_iso(),
            "records": [self.own(r) for r in records],
            "status": {**STATUS, "unsent": len(records)},
            **overrides,
        }
        return self.sign(signed)

    def own(self, record):
        """Return ``record`` with the shared LEARNER replaced by this phone's learner."""
        if isinstance(record, dict) and record.get("learner") == LEARNER:
            return {**record, "learner": self.learner}
        return record

    def register(self, client, status: int = 201):
        response = client.post("/api/v1/devices", json=self.registration())
        assert response.status_code == status, response.json
        return response

    def send(self, client, records: list, batch_id: str | None = None, **kwargs):
        """POST a signed batch of ``records`` and return the response."""
        return client.post("/api/v1/sync/batches", json=self.batch(records, batch_id), **kwargs)

    def bundle(self, batches: list[list], created: str | None = None, **overrides) -> bytes:
        """Return the bytes of a .xdsync file holding one signed batch per record list."""
        document = {
            "type": "xdsync",
            "schema_version": 1,
            "device_id": self.device_id,
            "created": created or now_iso(),
            "registration": self.registration(),
            "batches": [self.batch(records) for records in batches],
            **overrides,
        }
        return gzip.compress(json.dumps(document, ensure_ascii=False).encode("utf-8"))


def register(client) -> Phone:
    """Register a new phone and return it."""
    phone = Phone()
    phone.register(client)
    return phone
