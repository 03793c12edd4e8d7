"""Builders for report tests: a county with two townships, learning points, an admin
signed in by setting the session, phones reporting at a point."""

from __future__ import annotations

import uuid
from datetime import timedelta

from xuedian.core.timeutil import utcnow
from xuedian.extensions import db
from xuedian.org.auth import hash_password
from xuedian.org.enrolment import make_token
from xuedian.org.models import Area, LearningPoint, Staff

from ..staffsession import signed_in
from ..sync.helpers import STATUS, Phone, make_record


def area(parent: Area | None, level: str, code: str, name: str) -> Area:
    row = Area(parent_id=parent.id if parent else None, level=level, code=code, name=name)
    row.name_en = code
    db.session.add(row)
    db.session.flush()
    row.path = f"{parent.path if parent else '/'}{row.id}/"
    return row


def make_org(app) -> dict:
    """County qingshui › townships 1a, 1b › one village each › points p1a, p1b, and an
    empty point p1a-empty in 1a's village (no phone ever reports there). Returns ids."""
    with app.app_context():
        county = area(None, "county", "qingshui", "清水县")
        ta = area(county, "township", "t1a", "东镇")
        tb = area(county, "township", "t1b", "西镇")
        va = area(ta, "village", "v1a", "东庄村")
        vb = area(tb, "village", "v1b", "西庄村")
        ids = {"county": county.id, "t1a": ta.id, "t1b": tb.id, "v1a": va.id, "v1b": vb.id}
        for code, village, name in (
            ("p1a", va, "东庄学习点"),
            ("p1a-empty", va, "东庄二点"),
            ("p1b", vb, "西庄学习点"),
        ):
            point = LearningPoint(code=code, name=name, name_en=code, area_id=village.id)
            point.created_at = utcnow()
            db.session.add(point)
            db.session.flush()
            ids[code] = point.id
        for username, role, area_id, point_id in (
            ("admin", "admin", county.id, None),
            ("admin1a", "admin", ta.id, None),
            ("vol", "volunteer", None, ids["p1a"]),
        ):
            staff = Staff(username=username, password_hash=hash_password("x"), role=role)
            staff.area_id, staff.point_id, staff.created_at = area_id, point_id, utcnow()
            db.session.add(staff)
            db.session.flush()
            ids[username] = staff.id
        db.session.commit()
        return ids


def sign_in(client, staff_id: int) -> None:
    with client.session_transaction() as session:
        signed_in(session, staff_id)


def enrolment_token(app, code: str) -> str:
    """The token a point's QR code carries, as the volunteer page makes it."""
    with app.app_context():
        return make_token(code)


class Learner:
    """A phone at a point (enrolled by its token; None: unenrolled) with one learner."""

    def __init__(self, client, point: str | None, learner: str | None = None):
        self.client = client
        self.point = point
        self.learner = learner or str(uuid.uuid4())
        self.phone = Phone()
        self.phone.register(client)
        self.seq = 0

    def record(self, verb: str = "completed", lesson: str | None = None, **extra) -> dict:
        self.seq += 1
        rec = make_record(self.seq, verb="http://adlnet.gov/expapi/verbs/" + verb)
        rec["learner"] = self.learner
        if lesson is not None:
            rec["object"]["lesson"] = lesson
        if verb == "completed":
            # As the app sends it: a minute on a short lesson's text is evidence enough.
            rec["result"]["evidence"] = {"seconds": 65, "chars": 300}
        rec.update(extra)
        return rec

    def asked(self, topic: str) -> dict:
        rec = self.record("asked")
        rec["object"] = {"topic": topic}
        rec.pop("result")
        return rec

    def envelope(self, records: list, **status):
        token = enrolment_token(self.client.application, self.point) if self.point else None
        heartbeat = {**STATUS, "point": self.point, "enrolment": token} if token else STATUS
        return self.phone.batch(records, status={**heartbeat, **status})

    def send(self, records: list, envelope=None, **status) -> dict:
        response = self.client.post(
            "/api/v1/sync/batches", json=envelope or self.envelope(records, **status)
        )
        assert response.status_code == 200, response.get_json()
        return response.get_json()


DAY = timedelta(days=1)
