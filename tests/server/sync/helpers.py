"""Builders for devices and records in sync tests."""

from __future__ import annotations

import os
import time
import uuid
from datetime import UTC, datetime, timedelta

LEARNER = str(uuid.uuid4())


def uuid7() -> str:
    """Return a UUID version 7 (time-ordered), as the PWA makes them."""
    millis = int(time.time() * 1000)
    raw = bytearray(millis.to_bytes(6, "big") + os.urandom(10))
    raw[6] = (raw[6] & 0x0F) | 0x70
    raw[8] = (raw[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(raw)))


def make_record(
    seq: int, verb: str = "http://adlnet.gov/expapi/verbs/completed", shift_days: int = 0
) -> dict:
    moment = datetime.now(UTC) + timedelta(days=shift_days)
    return {
        "id": uuid7(),
        "learner": LEARNER,
        "verb": verb,
        "object": {"pack": "xuedian-welcome", "version": 1, "lesson": f"0{seq % 10}-lesson"},
        "result": {"duration": "PT1M5S", "success": True},
        "timestamp": moment.isoformat().replace("+00:00", "Z"),
        "device_seq": seq,
    }


def register(client) -> dict:
    """Register a device and return its Authorization header."""
    response = client.post("/api/v1/devices", json={"app_version": "test"})
    assert response.status_code == 201
    return {"Authorization": f"Device {response.json['device_id']}:{response.json['token']}"}
