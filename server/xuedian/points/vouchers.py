"""Offline redemptions: apply each signed voucher a volunteer device sends in its heartbeat
exactly once, and report what cannot be applied (docs/points.md, "Redeeming offline").

A voucher ``{voucher_id, learner, service, points, device_id, time}`` is signed by the
redeeming device's registered key: a phone a volunteer marked as their learning point's
redemption phone (phones.py); another phone's voucher is refused and reported. The county
keeps each (voucher, device) pair it was presented by once: the same device sending it
again (a resent batch, a bundle carried by the kiosk) is a replay and does nothing; another
device sending the same voucher is a double spend, reported once per voucher, while the
first presentation stays the one redemption. A redemption beyond the learner's daily cap,
or their balance, is refused and reported: offline the volunteer could not know.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import func, select

from ..core.timeutil import day_span, local_day
from ..errors import XuedianError
from ..extensions import db
from ..sync.devices import verify_signed
from . import errors, ledger, phones
from .models import PointsEntry, PointsService, VoucherPresented, VoucherProblem
from .schemas import VOUCHER_TYPE, PointsVoucher, VoucherEnvelope


def apply_heartbeat(device, status: dict, now: datetime) -> None:
    """Apply the vouchers of a heartbeat (registered for ``heartbeat-carried``: a bundle
    older than the phone's last online heartbeat still carries its vouchers)."""
    for raw in status.get("vouchers") or ():
        apply_voucher(device, raw, now)


def _load(device, raw) -> dict | None:
    """Return the voucher's loaded fields, or None when it cannot even be named."""
    try:
        envelope = VoucherEnvelope().load(raw)
        voucher = PointsVoucher().load(envelope["signed"])
    except ValidationError:
        current_app.logger.warning("device %s sent an unreadable points voucher", device.id)
        return None
    try:
        verify_signed(envelope["signed"], envelope["signature"], device.public_key, VOUCHER_TYPE)
        voucher["signed_ok"] = voucher["device_id"] == device.id
    except XuedianError:
        voucher["signed_ok"] = False
    return voucher


def apply_voucher(device, raw, now: datetime) -> str | None:
    """Apply one presented voucher; return the problem code reported, if any."""
    voucher = _load(device, raw)
    if voucher is None:
        return errors.SIGNATURE_INVALID
    if not voucher["signed_ok"]:
        return _report(voucher, device.id, errors.SIGNATURE_INVALID, now)
    if phones.redeeming_point(device) is None:
        # Checked before it counts as presented: it never becomes a double spend's "first".
        return _report(voucher, device.id, errors.DEVICE_NOT_VOLUNTEER, now)
    fresh = ledger.insert_new(
        VoucherPresented,
        {"voucher_id": voucher["voucher_id"], "device_id": device.id, "received_at": now},
        ["voucher_id", "device_id"],
    )
    if not fresh:
        return None  # a replay of what this device already presented
    first = db.session.scalar(
        select(VoucherPresented.device_id)
        .where(
            VoucherPresented.voucher_id == voucher["voucher_id"],
            VoucherPresented.device_id != device.id,
        )
        .order_by(VoucherPresented.received_at)
        .limit(1)
    )
    if first is not None:
        return _report(voucher, device.id, errors.DOUBLE_SPEND, now, first)
    service = db.session.get(PointsService, voucher["service"])
    if service is None or not service.active:
        return _report(voucher, device.id, errors.SERVICE_UNKNOWN, now)
    if _redeemed_that_day(voucher) + voucher["points"] > daily_cap():
        return _report(voucher, device.id, errors.OVER_DAILY_CAP, now)
    if ledger.balance(voucher["learner"]) < voucher["points"]:
        return _report(voucher, device.id, errors.BALANCE_SHORT, now)
    # A redemption is dated by the device's clock: the day it counts against is that one.
    ledger.append(
        f"voucher:{voucher['voucher_id']}",
        voucher["learner"],
        "redeem",
        -voucher["points"],
        "voucher",
        voucher["voucher_id"],
        service.id,
        voucher["time"],
    )
    return None


def daily_cap() -> int:
    """Most points a learner may redeem offline per day (``XUEDIAN_POINTS_DAILY_CAP``)."""
    return current_app.config["XUEDIAN"].points_daily_cap


def _redeemed_that_day(voucher: dict) -> int:
    day = local_day(voucher["time"])
    start, end = day_span(day, day)
    total = db.session.scalar(
        select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
            PointsEntry.learner == voucher["learner"],
            PointsEntry.kind == "redeem",
            PointsEntry.created >= start,
            PointsEntry.created < end,
        )
    )
    return -int(total or 0)


def _report(voucher: dict, device_id: str, code: str, now: datetime, first=None) -> str:
    """Report a problem once per voucher and code (a third presentation adds nothing)."""
    ledger.insert_new(
        VoucherProblem,
        {
            "voucher_id": voucher["voucher_id"],
            "code": code,
            "learner": voucher["learner"],
            "device_id": device_id,
            "first_device_id": first,
            "service_id": voucher["service"],
            "points": voucher["points"],
            "time": voucher["time"],
            "received_at": now,
        },
        ["voucher_id", "code"],
    )
    return code
