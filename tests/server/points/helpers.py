"""Builders for points tests: a county service, a learner's seeded points, a volunteer's
redemption phone, and signed vouchers and batches that carry them in the heartbeat."""

from __future__ import annotations

import gzip
import json
import uuid

from xuedian.core.timeutil import utcnow
from xuedian.extensions import db
from xuedian.org.models import Area, LearningPoint
from xuedian.points import ledger
from xuedian.points.models import PointsService, RedemptionPhone
from xuedian.sync.models import Device

from ..sync.helpers import STATUS, Phone, make_record, now_iso, register


def make_point(app, code: str | None = None) -> int:
    """A learning point in a village of its own; return its id."""
    with app.app_context():
        code = code or f"pt-{uuid.uuid4().hex[:8]}"
        village = Area(level="village", code=f"v-{code}", name="村", path="/")
        db.session.add(village)
        db.session.flush()
        village.path = f"/{village.id}/"
        point = LearningPoint(code=code, name="学习点", area_id=village.id)
        point.created_at = utcnow()
        db.session.add(point)
        db.session.commit()
        return point.id


def mark_phone(app, phone: Phone, point_id: int, marked: bool = True) -> None:
    """Enrol ``phone`` at the point and, if ``marked``, make it the point's redemption phone
    (as the point page's button does)."""
    with app.app_context():
        db.session.get(Device, phone.device_id).learning_point_id = point_id
        if marked:
            db.session.add(
                RedemptionPhone(
                    device_id=phone.device_id,
                    point_id=point_id,
                    marked_by="vol",
                    marked_at=utcnow(),
                )
            )
        db.session.commit()


def volunteer_phone(app, client, point_id: int | None = None) -> Phone:
    """A registered phone marked as a learning point's redemption phone."""
    phone = register(client)
    mark_phone(app, phone, point_id if point_id is not None else make_point(app))
    return phone


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
