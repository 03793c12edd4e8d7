"""The register of problem records: every quarantined (invalid) or conflicting record in
scope, newest first, each with a reason and what someone can do about it."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import literal, null, select, union_all

from ..extensions import db
from ..org.models import LearningPoint
from ..sync.models import Device, QuarantinedRecord, RecordConflict
from .scope import Frame

PAGE = 100


def _query(frame: Frame):
    q, c = QuarantinedRecord, RecordConflict
    quarantined = select(
        literal("quarantined").label("kind"),
        q.id.label("id"),
        q.received_at.label("received_at"),
        q.device_id.label("device_id"),
        q.record_id.label("record_id"),
        q.code.label("code"),
        q.reason.label("reason"),
    ).where(q.device_id.in_(frame.devices()))
    conflicts = select(
        literal("conflict").label("kind"),
        c.id.label("id"),
        c.received_at.label("received_at"),
        c.device_id.label("device_id"),
        c.record_id.label("record_id"),
        literal("record-conflict").label("code"),
        null().label("reason"),
    ).where(c.device_id.in_(frame.devices()))
    both = union_all(quarantined, conflicts).subquery()
    return (
        select(both, LearningPoint.code.label("point"))
        .join(Device, Device.id == both.c.device_id)
        .outerjoin(LearningPoint, LearningPoint.id == Device.learning_point_id)
        .order_by(both.c.received_at.desc(), both.c.kind, both.c.id.desc())
    )


def _flatten(reason, prefix: str = "") -> list[str]:
    if isinstance(reason, dict):
        out = []
        for key, value in reason.items():
            out += _flatten(value, f"{prefix}{key}." if key != "_schema" else prefix)
        return out
    if isinstance(reason, list):
        return [m for item in reason for m in _flatten(item, prefix)]
    return [f"{prefix.rstrip('.')}: {reason}" if prefix else str(reason)]


def describe(kind: str, reason, text: dict) -> tuple[str, str]:
    """(reason, action) for one register row, in the page's language."""
    if kind == "conflict":
        return text["conflict"], text["action_conflict"]
    detail = "; ".join(_flatten(reason)) if reason else ""
    label = f"{text['quarantined']}: {detail}" if detail else text["quarantined"]
    action = text["action_invalid"] if kind == "quarantined" else text["action_unknown"]
    return label, action


HEADER_KEYS = ["received", "kind", "point", "device", "record_id", "reason", "action"]


def _row(item, text: dict) -> list:
    reason, action = describe(item.kind, item.reason, text)
    point = item.point or text["unenrolled"]
    return [item.received_at, text[item.kind], point, item.device_id, item.record_id] + [
        reason,
        action,
    ]


def page(frame: Frame, number: int, text: dict) -> tuple[list[list], bool]:
    """One page of rows, and whether there is a next page."""
    items = db.session.execute(_query(frame).offset(number * PAGE).limit(PAGE + 1)).all()
    return [_row(i, text) for i in items[:PAGE]], len(items) > PAGE


def rows(frame: Frame, text: dict) -> Iterator[list]:
    for item in db.session.execute(_query(frame).execution_options(yield_per=1000)):
        yield _row(item, text)
