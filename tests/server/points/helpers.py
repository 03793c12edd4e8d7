"""Builders for points tests: a county service, a learner's seeded points, and signed
vouchers and batches that carry them in the heartbeat."""

from __future__ import annotations

import gzip
import json
import uuid

from xuedian.extensions import db
from xuedian.points import ledger
from xuedian.points.models import PointsService

from ..sync.helpers import STATUS, Phone, make_record, now_iso


def add_service(app, name: str = "戏曲票", points: int = 30) -> int:
    with app.app_context():
        service = PointsService(name=name, points=points)
        db.session.add(service)
        db.session.commit()
        return service.id


def seed_points(app, learner: str, points: int) -> None:
    with app.app_context():
        ledger.append(f"seed:{uuid.uuid4()}", learner, "earn", points, "test")
        db.session.commit()


def voucher(device: Phone, learner: str, service: int, points: int, voucher_id=None, **over):
    """Return a points-voucher envelope signed by ``device``."""
    signed = {
        "type": "points-voucher",
        "voucher_id": voucher_id or str(uuid.uuid4()),
        "learner": learner,
        "service": service,
        "points": points,
        "device_id": device.device_id,
        "time": now_iso(),
        **over,
    }
    return device.sign(signed)


def voucher_batch(device: Phone, vouchers: list, seq: int = 1, created=None) -> dict:
    """A signed batch of one record whose heartbeat carries ``vouchers``."""
    status = {**STATUS, "unsent": 1, "vouchers": vouchers}
    return device.batch([make_record(seq)], status=status, created=created or now_iso())


def voucher_bundle(device: Phone, vouchers: list, seq: int = 1, created=None) -> bytes:
    """A .xdsync file (as the kiosk relays it) of one batch carrying ``vouchers``."""
    created = created or now_iso()
    document = {
        "type": "xdsync",
        "schema_version": 1,
        "device_id": device.device_id,
        "created": created,
        "registration": device.registration(),
        "batches": [voucher_batch(device, vouchers, seq, created)],
    }
    return gzip.compress(json.dumps(document).encode("utf-8"))
