"""Recording and reading the audit log. Other features call :func:`record`.

Who acted, and from where, is taken from the request: the signed-in staff member and the
client address; outside a request (the ``xuedian`` command line) the actor and the address
are ``cli``. Each event is filed under an area path so administrators read the events of
their own area and below: by default the actor's area; a caller passes ``area`` (an Area,
a LearningPoint, a Staff account or a path) when the event concerns somewhere else.
"""

from __future__ import annotations

import logging

from flask import has_request_context
from sqlalchemy import Select, or_, select

from ..core.timeutil import utcnow
from ..extensions import db
from ..org.models import Area, LearningPoint, Publisher, Staff
from .models import AuditEvent

log = logging.getLogger("xuedian.audit")

#: Every action recorded, in the order the page's filter lists them.
ACTIONS = (
    "sign-in",
    "sign-in-failed",
    "sign-out",
    "own-password",
    "account-add",
    "account-active",
    "account-password",
    "device-revoke",
    "instruction",
    "publisher-add",
    "draft-create",
    "draft-submit",
    "draft-return",
    "draft-approve",
    "pack-publish",
    "export",
    "credit-definition",
    "credit-attest",
    "credit-transfer",
    "credit-approve",
    "credit-decline",
    "credit-revoke",
    "credit-real-name",
    "credit-real-name-clear",
    "redemption-phone",
    "redemption-phone-clear",
    "lrs-client-add",
    "lrs-client-revoke",
)
CLI = "cli"
MAX_TARGET = 200


def area_path(of) -> str:
    """The area path an Area, LearningPoint, Publisher or Staff account stands in ('' when
    none)."""
    if isinstance(of, str):
        return of
    if isinstance(of, Area):
        return of.path
    if isinstance(of, LearningPoint | Publisher):
        area = db.session.get(Area, of.area_id)
        return area.path if area is not None else ""
    if isinstance(of, Staff):
        if of.role == "admin" and of.area_id is not None:
            return area_path(db.session.get(Area, of.area_id))
        if of.point_id is not None:
            return area_path(db.session.get(LearningPoint, of.point_id))
        if of.publisher_id is not None:
            return area_path(db.session.get(Publisher, of.publisher_id))
    return ""


def _who() -> tuple[Staff | None, str, str]:
    """(the acting account, its name, the client address) for the current context."""
    if not has_request_context():
        return None, CLI, CLI
    from ..core.ratelimit import client_address
    from ..org.auth import current_staff

    staff = current_staff()
    return staff, staff.username if staff is not None else "-", client_address()[:64]


def record(
    action: str,
    target: str,
    details: dict | None = None,
    *,
    area=None,
    actor: Staff | None = None,
    commit: bool = True,
) -> AuditEvent:
    """Append one event: ``action`` (one of :data:`ACTIONS`) on ``target``.

    ``actor`` overrides the signed-in account (a sign-in records the account signing in).
    Commits unless ``commit`` is False (the caller commits with its own change).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    staff, name, address = _who()
    if actor is not None:
        staff, name = actor, actor.username
    path = area_path(area if area is not None else staff)
    event = AuditEvent(
        at=utcnow(),
        actor_id=staff.id if staff is not None else None,
        actor=name[:64],
        action=action,
        # A target typed by a stranger (a sign-in name) may hold a NUL: PostgreSQL refuses it.
        target=str(target).replace("\x00", "\ufffd")[:MAX_TARGET],
        details=details or None,
        address=address,
        area_path=path,
    )
    db.session.add(event)
    if commit:
        db.session.commit()
    log.info("audit %s %s by %s from %s", action, event.target, event.actor, address)
    return event


def visible_to(staff: Staff) -> Select:
    """``SELECT audit_event`` rows an administrator may read: events filed under their area
    or below, their own, and (for a county's administrators) the county-wide ones."""
    if staff.role != "admin" or staff.area_id is None:
        return select(AuditEvent).where(AuditEvent.id.is_(None))
    area = db.session.get(Area, staff.area_id)
    conditions = [AuditEvent.area_path.startswith(area.path, autoescape=True)]
    conditions.append(AuditEvent.actor_id == staff.id)
    if area.level == "county":
        conditions.append(AuditEvent.area_path == "")
    return select(AuditEvent).where(or_(*conditions))


def recent(staff: Staff, action: str | None = None, limit: int = 200) -> list[AuditEvent]:
    """The newest events ``staff`` may read, optionally of one action."""
    query = visible_to(staff)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))
