"""Two counties for staff tests: areas, learning points A, B (county 1) and C (county 2),
a phone at each point with profiles and a heartbeat, and staff of every role and scope.

    county c1 (pt-alpha's and pt-bravo's)      county c2
      township t1a      township t1b             township t2
        village v1a       village v1b              village v2
          point A           point B                  point C

Staff: admin_c1 (county 1), admin_t1a (township 1a), admin_c2 (county 2),
vol_a (point A), vol_b (point B), author_a and author_b (publishers A and B). Every
password is ``PASSWORD``.

Publishing institutions (the studio): A registered by township t1a, B by township t1b,
C by county c2, each with one draft of one lesson (``DRAFTS``).

:func:`add_activity` adds what pages show about the points: a run of every report job
(figures and point codes per area) and sync bundles carried across areas (phone C's by
vol_a of county 1, phone A's by vol_b of the other township).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete
from werkzeug.security import generate_password_hash

from xuedian.audit.models import AuditEvent
from xuedian.core.timeutil import utcnow
from xuedian.extensions import db
from xuedian.learners.models import LearnerProfile
from xuedian.org import service
from xuedian.org.models import Area, Staff
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
    "author_a": ("author", "A"),
    "author_b": ("author", "B"),
}
#: publisher key -> (code, name, registering area); each has one draft, pack id DRAFTS[key].
PUBLISHERS = {
    "A": ("pub-a", "甲文化馆", "t1a"),
    "B": ("pub-b", "乙学校", "t1b"),
    "C": ("pub-c", "丙图书馆", "c2"),
}
DRAFTS = {"A": "draft-alpha", "B": "draft-bravo", "C": "draft-charlie"}
LESSON = "01-lesson"
#: Which points each account may see (written out, not computed by the code under test).
SEES_POINTS = {
    "admin_c1": {"A", "B"},
    "admin_t1a": {"A"},
    "admin_c2": {"C"},
    "vol_a": {"A"},
    "vol_b": {"B"},
    "author_a": set(),
    "author_b": set(),
}
SEES_AREAS = {
    "admin_c1": {"c1", "t1a", "t1b", "v1a", "v1b"},
    "admin_t1a": {"t1a", "v1a"},
    "admin_c2": {"c2", "t2", "v2"},
    "vol_a": {"v1a"},
    "vol_b": {"v1b"},
    "author_a": set(),
    "author_b": set(),
}
#: Whose drafts each account may read and change (the studio).
SEES_DRAFTS = {
    "admin_c1": {"A", "B"},
    "admin_t1a": {"A"},
    "admin_c2": {"C"},
    "vol_a": set(),
    "vol_b": set(),
    "author_a": {"A"},
    "author_b": {"B"},
}
#: A phone enrolled at no point, and who may see it: administrators of top-level areas.
UNENROLLED = "a0b1c2d3" + "0" * 24
SEES_UNENROLLED = {"admin_c1", "admin_c2"}
#: Which staff accounts each account may manage on /staff/people (administrators only):
#: strictly lower in rank, so never their own account nor a fellow of the same area.
SEES_STAFF = {
    "admin_c1": {"admin_t1a", "vol_a", "vol_b", "author_a", "author_b"},
    "admin_t1a": {"vol_a", "author_a"},
    "admin_c2": set(),
    "vol_a": set(),
    "vol_b": set(),
    "author_a": set(),
    "author_b": set(),
}


@dataclass
class World:
    areas: dict[str, int] = field(default_factory=dict)
    points: dict[str, int] = field(default_factory=dict)
    staff: dict[str, int] = field(default_factory=dict)
    publishers: dict[str, int] = field(default_factory=dict)
    drafts: dict[str, int] = field(default_factory=dict)


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
        db.session.add(Device(id=UNENROLLED, public_key=None, app_version="test", created_at=now))
        db.session.flush()
        db.session.add(
            QuarantinedRecord(
                device_id=UNENROLLED,
                record_id=None,
                code="x",
                reason={},
                body=None,
                received_at=now,
            )
        )
        for key, (code, name, area) in PUBLISHERS.items():
            area_row = db.session.get(Area, world.areas[area])
            publisher = service.create_publisher(code, name, "", "cultural-centre", area_row)
            world.publishers[key] = publisher.id
            world.drafts[key] = add_draft(publisher, DRAFTS[key]).id
        # The world starts with an empty audit log: its drafts are set-up, not anyone's act.
        db.session.execute(delete(AuditEvent))
        for key, (role, target) in STAFF.items():
            staff = Staff(
                username=username(key),
                password_hash=_HASH,
                role=role,
                active=True,
                created_at=now,
            )
            if role == "admin":
                staff.area_id = world.areas[target]
            elif role == "author":
                staff.publisher_id = world.publishers[target]
            else:
                staff.point_id = world.points[target]
            db.session.add(staff)
            db.session.flush()
            world.staff[key] = staff.id
        db.session.commit()
    return world


def add_draft(publisher, pack_id: str, title: str = "剪纸入门"):
    """A draft of ``publisher`` with one lesson (:data:`LESSON`) through the studio's service."""
    from xuedian.studio import service as studio

    draft = studio.create_draft(
        publisher,
        {
            "id": pack_id,
            "title": {"zh-CN": title, "en": "Paper cutting"},
            "description": {"zh-CN": "一节课。", "en": "One lesson."},
            "category": "heritage",
            "credit_hours": 0.5,
            "license": "CC-BY-4.0",
            "authors": ["县文化馆"],
        },
    )
    meta = {"title": {"zh-CN": "第一课", "en": "Lesson one"}}
    studio.save_lesson(draft, None, meta, "剪纸是一门手艺。", "Paper cutting is a craft.")
    return draft


def username(key: str) -> str:
    """The account name of a staff key of :data:`STAFF` (``vol_a`` -> ``vol-a``)."""
    return key.replace("_", "-")


#: Bundles of :func:`add_activity`: (phone's point key, carrier's staff key).
CARRIED = (("C", "vol_a"), ("A", "vol_b"))


def add_activity(app, world: World) -> None:
    """Run every report job (the silence check as if ten days had passed, so every point
    is named in its summary) and store the bundles of :data:`CARRIED`."""
    from xuedian.jobs import load_jobs
    from xuedian.jobs.registry import Job
    from xuedian.jobs.runs import run_job
    from xuedian.sync.models import SyncBundle

    with app.app_context():
        now = utcnow()
        for name, job in sorted(load_jobs().items()):
            fn = job.fn
            if name == "reports-silent-points":

                def fn(moment, run=job.fn):
                    return run(moment + timedelta(days=10))

            run_job(Job(name, job.cron, fn, job.description, job.shared), now, "run-once")
        for point, carrier in CARRIED:
            device_id = POINTS[point][2]
            db.session.add(
                SyncBundle(
                    bundle_id=hashlib.sha256(f"{point}{carrier}".encode()).hexdigest(),
                    device_id=device_id,
                    made_at=now - timedelta(hours=30),
                    received_at=now - timedelta(hours=6),
                    imported_at=now - timedelta(hours=1),
                    carried_by=world.staff[carrier],
                    size=100,
                    batches=1,
                    records=1,
                    accepted=1,
                    duplicate=0,
                    rejected=0,
                    receipts=[],
                )
            )
        db.session.commit()


def sign_in(client, staff_id: int | None, csrf: str = "test-csrf") -> None:
    """Put a signed-in session (or an anonymous one) with a known CSRF token in the client."""
    with client.session_transaction() as session:
        session.clear()
        if staff_id is not None:
            signed_in(session, staff_id, csrf)
        session["csrf"] = csrf
