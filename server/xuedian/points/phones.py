"""Redemption phones (兑换用手机): the phones a volunteer marked, on their learning point's
staff page, as the ones that redeem points there. Only such a phone's vouchers are applied
(vouchers.py) and only it is sent the services it may offer (feedsection.py). Owns
``points_redemption_phone``; a mark holds while the phone stays enrolled at that point.
"""

from __future__ import annotations

from flask import render_template
from markupsafe import Markup
from sqlalchemy import or_, select

from ..core.timeutil import utcnow
from ..core.words import current_lang, translate
from ..extensions import db
from ..sync.models import Device
from .models import PointsService, RedemptionPhone


def redeeming_point(device) -> int | None:
    """The learning point ``device`` redeems for: its point if it is marked there, else None
    (never marked, unmarked, moved to another point, or revoked)."""
    if device.revoked_at is not None or device.learning_point_id is None:
        return None
    mark = db.session.get(RedemptionPhone, device.id)
    if mark is None or mark.point_id != device.learning_point_id:
        return None
    return mark.point_id


def marked(point_id: int) -> set[str]:
    """Ids of the phones marked at ``point_id``."""
    return set(
        db.session.scalars(
            select(RedemptionPhone.device_id).where(RedemptionPhone.point_id == point_id)
        )
    )


def set_mark(point, device_id: str, on: bool, by: str) -> bool:
    """Mark or unmark a phone enrolled at ``point`` (not revoked); return whether it is one
    of the point's phones. The caller audits and commits."""
    device = db.session.get(Device, device_id)
    if device is None or device.learning_point_id != point.id or device.revoked_at is not None:
        return False
    mark = db.session.get(RedemptionPhone, device_id)
    if on and mark is None:
        db.session.add(
            RedemptionPhone(
                device_id=device_id, point_id=point.id, marked_by=by, marked_at=utcnow()
            )
        )
    elif on:
        mark.point_id, mark.marked_by, mark.marked_at = point.id, by, utcnow()
    elif mark is not None:
        db.session.delete(mark)
    return True


def offered(point_id: int) -> list[PointsService]:
    """The active services a phone of ``point_id`` may offer: the point's own and the
    county-wide ones, county-wide first, then by name."""
    s = PointsService
    return list(
        db.session.scalars(
            select(s)
            .where(s.active.is_(True), or_(s.point_id.is_(None), s.point_id == point_id))
            .order_by(s.point_id.is_not(None), s.name, s.id)
        )
    )


def point_panel(point, device_ids: list[str]) -> Markup:
    """Hook ``point-page-panels``: the point page's list of its phones, each with the button
    that marks or unmarks it as the redemption phone."""
    lang = current_lang()

    def t(key: str, **values) -> str:
        return translate(key, lang, **values)

    html = render_template(
        "points/phones_panel.html", t=t, point=point, devices=device_ids, marked=marked(point.id)
    )
    return Markup(html)  # noqa: S704  (a template of ours, autoescaped)
