"""Two counties for staff tests: areas, learning points A, B (county 1) and C (county 2),
a phone at each point with profiles and a heartbeat, and staff of every role and scope.

    county c1 (pt-alpha's and pt-bravo's)      county c2
      township t1a      township t1b             township t2
        village v1a       village v1b              village v2
          point A           point B                  point C

Staff: admin_c1 (county 1), admin_t1a (township 1a), admin_c2 (county 2),
vol_a (point A), vol_b (point B). Every password is ``PASSWORD``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from werkzeug.security import generate_password_hash

from xuedian.core.timeutil import utcnow
from xuedian.extensions import db
from xuedian.learners.models import LearnerProfile
from xuedian.org import service
from xuedian.org.models import Staff
from xuedian.sync.models import Device, QuarantinedRecord

from ..staffsession import signed_in

PASSWORD = "correct horse battery"
_HASH = generate_password_hash(PASSWORD)

#: point key -> (code, name, distinctive device id)
POINTS = {
    "A": ("pt-alpha", "甲点", "aaaa1111" + "0" * 24),
    "B": ("pt-bravo", "乙点", "bbbb2222" + "0" * 24),
    "C": ("pt-charlie", "丙点", "cccc3333" + "0" * 24),
}
#: staff key -> (role, area code or point key)
STAFF = {
    "admin_c1": ("admin", "c1"),
    "admin_t1a": ("admin", "t1a"),
    "admin_c2": ("admin", "c2"),
    "vol_a": ("volunteer", "A"),
    "vol_b": ("volunteer", "B"),
}
#: Which points each account may see (written out, not computed by the code under test).
SEES_POINTS = {
    "admin_c1": {"A", "B"},
    "admin_t1a": {"A"},
    "admin_c2": {"C"},
    "vol_a": {"A"},
    "vol_b": {"B"},
}
SEES_AREAS = {
    "admin_c1": {"c1", "t1a", "t1b", "v1a", "v1b"},
    "admin_t1a": {"t1a", "v1a"},
    "admin_c2": {"c2", "t2", "v2"},
    "vol_a": {"v1a"},
    "vol_b": {"v1b"},
}
#: Which staff accounts each account may manage on /staff/people (administrators only):
#: strictly lower in rank, so never their own account nor a fellow of the same area.
SEES_STAFF = {
    "admin_c1": {"admin_t1a", "vol_a", "vol_b"},
    "admin_t1a": {"vol_a"},
    "admin_c2": set(),
    "vol_a": set(),
    "vol_b": set(),
}


@dataclass
class World:
    areas: dict[str, int] = field(default_factory=dict)
    points: dict[str, int] = field(default_factory=dict)
    staff: dict[str, int] = field(default_factory=dict)


def build_world(app) -> World:
    world = World()
    with app.app_context():
        for key, level, parent in (
            ("c1", "county", None),
            ("t1a", "township", "c1"),
            ("t1b", "township", "c1"),
            ("v1a", "village", "t1a"),
            ("v1b", "village", "t1b"),
            ("c2", "county", None),
            ("t2", "township", "c2"),
            ("v2", "village", "t2"),
        ):
            area = service.create_area(
                level, f"area-{key}", f"区域{key}", key, parent and f"area-{parent}"
            )
            world.areas[key] = area.id
        now = utcnow()
        for key, village in (("A", "v1a"), ("B", "v1b"), ("C", "v2")):
            code, name, device_id = POINTS[key]
            point = service.create_point(code, name, f"area-{village}")
            world.points[key] = point.id
            db.session.add(
                Device(
                    id=device_id,
                    public_key=None,
                    app_version="test",
                    created_at=now - timedelta(days=3),
                    last_seen_at=now - timedelta(days=1),
                    last_status={"unsent": 7, "quarantined": 0, "packs": {}, "point": code},
                    last_status_at=now - timedelta(days=1),
                    learning_point_id=point.id,
                )
            )
            db.session.flush()
            for band in ("60-69", "70+", None):
                db.session.add(
                    LearnerProfile(
                        learner=f"{device_id[:8]}-{band}",
                        device_id=device_id,
                        age_band=band,
                        village=None,
                        updated_at=now,
                    )
                )
            db.session.add(
                QuarantinedRecord(
                    device_id=device_id,
                    record_id=None,
                    code="x",
                    reason={},
                    body=None,
                    received_at=now,
                )
            )
        for key, (role, target) in STAFF.items():
            staff = Staff(
                username=key.replace("_", "-"),
                password_hash=_HASH,
                role=role,
                active=True,
                created_at=now,
            )
            if role == "admin":
                staff.area_id = world.areas[target]
            else:
                staff.point_id = world.points[target]
            db.session.add(staff)
            db.session.flush()
            world.staff[key] = staff.id
        db.session.commit()
    return world


def sign_in(client, staff_id: int | None, csrf: str = "test-csrf") -> None:
    """Put a signed-in session (or an anonymous one) with a known CSRF token in the client."""
    with client.session_transaction() as session:
        session.clear()
        if staff_id is not None:
            signed_in(session, staff_id, csrf)
        session["csrf"] = csrf
