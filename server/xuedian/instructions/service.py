"""Making remote instructions and handing them to the changes feed.

Delivery is confirmed by the feed cursor: an answer carries the device's undelivered
instructions above the cursor's instruction mark and moves the mark past them; when the
phone asks again with that cursor it has stored the answer, so they are marked delivered.
A phone that loses an answer asks with its old cursor and gets them again. An update-pack
instruction also writes an inbox notice (and a push) through :func:`push.service.notify`.

An instruction names only real things: an update-pack names a published pack (and, if
any, a published version of it), and one sent by a staff member goes only to phones and
points in their scope. Anything else is refused before anything is stored or notified.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select, update

from ..core.hooks import FeedSection
from ..core.timeutil import iso, utcnow
from ..errors import ValidationFailed, XuedianError
from ..extensions import db
from ..org.models import LearningPoint, Staff
from ..org.scope import devices_in_scope, points_in_scope
from ..packs.models import PackRelease
from ..push.notices import pack_update_requested
from ..sync.models import Device
from .models import KINDS, Instruction

#: Most instructions one feed answer carries.
PAGE_INSTRUCTIONS = 20


class PackUnknown(XuedianError):
    code = "pack-unknown"
    status = 422
    message = "No pack with this id (or this version of it) has been published here."


class DeviceOutOfScope(XuedianError):
    code = "device-out-of-scope"
    status = 404
    message = "No such phone or learning point in your area."


def check_pack(pack: str, version: int | None) -> None:
    """Raise ``pack-unknown`` unless ``pack`` (at ``version``, if given) is published."""
    query = select(PackRelease.version).where(PackRelease.pack_id == pack)
    if version is not None:
        query = query.where(PackRelease.version == version)
    if db.session.scalar(query.limit(1)) is None:
        which = f"{pack!r} version {version}" if version is not None else repr(pack)
        raise PackUnknown(f"No pack {which} has been published here.", pack=pack, version=version)


def check_scope(staff: Staff, devices: list[Device], point: LearningPoint | None) -> None:
    """Raise ``device-out-of-scope`` unless every device and the point are ``staff``'s."""
    if point is not None:
        visible = select(LearningPoint.id).where(
            LearningPoint.id == point.id, LearningPoint.id.in_(points_in_scope(staff))
        )
        if db.session.scalar(visible) is None:
            raise DeviceOutOfScope("No such learning point in your area.", point=point.code)
    ids = [d.id for d in devices]
    mine = set(db.session.scalars(devices_in_scope(staff).where(Device.id.in_(ids))))
    outside = sorted(set(ids) - mine)
    if outside:
        raise DeviceOutOfScope(devices=[d[:8] for d in outside])


def send(
    kind: str,
    devices: list[Device],
    point: LearningPoint | None = None,
    pack: str | None = None,
    version: int | None = None,
    by_date: date | None = None,
    created_by: Staff | None = None,
) -> list[Instruction]:
    """Store (commit) one instruction per device; an update-pack also notifies them.

    Raises ``validation-failed`` for an unknown kind, or an update-pack without a pack;
    ``pack-unknown`` for a pack or version never published; ``device-out-of-scope`` when
    ``created_by`` is given and a device or the point is outside their scope. Nothing is
    stored or notified then.
    """
    if kind not in KINDS:
        raise ValidationFailed(fields={"kind": [f"One of {', '.join(KINDS)}."]})
    if kind == "update-pack" and not pack:
        raise ValidationFailed(fields={"pack": ["Missing."]})
    if kind == "resync":
        pack = version = by_date = None
    else:
        check_pack(pack, version)
    if created_by is not None:
        check_scope(created_by, devices, point)
    now = utcnow()
    rows = [
        Instruction(
            device_id=device.id,
            point_id=point.id if point is not None else None,
            kind=kind,
            pack=pack,
            version=version,
            by_date=by_date,
            created_by=created_by.id if created_by is not None else None,
            created_at=now,
        )
        for device in devices
    ]
    db.session.add_all(rows)
    db.session.commit()
    if kind == "update-pack" and devices:
        pack_update_requested(devices, pack, version, by_date)
    return rows


def devices_at(point: LearningPoint) -> list[Device]:
    """The unrevoked phones enrolled at ``point``."""
    return list(
        db.session.scalars(
            select(Device)
            .where(Device.learning_point_id == point.id, Device.revoked_at.is_(None))
            .order_by(Device.id)
        )
    )


def for_feed(device: Device, confirmed: int) -> tuple[list[Instruction], bool]:
    """Return the device's undelivered instructions above ``confirmed`` (oldest first, at
    most a page) and whether any up to ``confirmed`` were just marked delivered (then the
    caller commits). A phone with none costs one indexed read and no write."""
    pending = list(
        db.session.scalars(
            select(Instruction)
            .where(Instruction.device_id == device.id, Instruction.delivered_at.is_(None))
            .order_by(Instruction.id)
            .limit(PAGE_INSTRUCTIONS * 2)
        )
    )
    done = [row.id for row in pending if row.id <= confirmed]
    if done:
        db.session.execute(
            update(Instruction).where(Instruction.id.in_(done)).values(delivered_at=utcnow())
        )
    return [row for row in pending if row.id > confirmed][:PAGE_INSTRUCTIONS], bool(done)


def wire(row: Instruction) -> dict:
    """An instruction as the feed answer's ``instructions`` item."""
    item = {"id": row.id, "kind": row.kind, "created": iso(row.created_at)}
    if row.kind == "update-pack":
        item.update(
            pack=row.pack,
            version=row.version,
            by_date=row.by_date.isoformat() if row.by_date else None,
        )
    return item


def recent(staff: Staff | None, limit: int = 50) -> list[Instruction]:
    """The latest instructions, newest first; only those in ``staff``'s scope (all: None)."""
    query = select(Instruction).order_by(Instruction.id.desc()).limit(limit)
    if staff is not None:
        query = query.where(
            or_(
                Instruction.point_id.in_(points_in_scope(staff)),
                Instruction.device_id.in_(devices_in_scope(staff)),
            )
        )
    return list(db.session.scalars(query))


def feed_section(device, cursor, nxt, page_rows: int) -> FeedSection:
    """The instructions section of the changes feed: the undelivered ones after the
    cursor's ``i`` (coming back with ``i`` confirms delivery of those up to it)."""
    orders, confirmed = for_feed(device, cursor.i)
    if orders:
        nxt.i = orders[-1].id
    return FeedSection({"instructions": [wire(o) for o in orders]}, confirmed=confirmed)
