"""Tables owned by points (积分): the append-only ledger, the county's earn rules, its
services catalogue, the phones volunteers redeem on, and what became of each offline
redemption voucher (docs/points.md).

A learner is named by the pseudonymous id the county knows from records and heartbeats
(``learning_record.learner``, ``learner_profile.learner``); there is no foreign key, as a
learner's records may reach the county before a heartbeat names their profile.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.dbtypes import UTCDateTime
from ..extensions import db
from ..org import models as _org_models  # noqa: F401  (points_service.point_id's table)
from ..sync import models as _sync_models  # noqa: F401  (points_redemption_phone's device)

#: Ledger entry kinds; ``points`` is signed (earn +, redeem and expire -, reverse opposite).
KINDS = ("earn", "redeem", "expire", "reverse")
#: What the county can give points for (points_rule.kind).
RULE_KINDS = ("lesson-completed", "quiz-passed", "event-attended")


class PointsEntry(db.Model):
    """One ledger line. Rows are only ever inserted; a balance is the sum of ``points``."""

    __tablename__ = "points_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: The exactly-once key (``earn:<record id>``, ``voucher:<voucher id>``...): a replay
    #: of the same entry meets this key and inserts nothing.
    key: Mapped[str] = mapped_column(String(120), unique=True)
    learner: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    points: Mapped[int] = mapped_column(Integer)
    #: A rule kind, ``voucher``, ``voided`` or a staff word.
    reason: Mapped[str] = mapped_column(String(40))
    #: What the entry is about: a record id, a voucher id, ``pack/lesson``.
    ref: Mapped[str | None] = mapped_column(String(140))
    #: For a redemption: the catalogue service.
    service_id: Mapped[int | None] = mapped_column(Integer)
    created: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class PointsRule(db.Model):
    """What the county gives points for: one row per rule kind; none means no points."""

    __tablename__ = "points_rule"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    points: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PointsService(db.Model):
    """A service of the county's catalogue, redeemable for points at learning points."""

    __tablename__ = "points_service"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80))
    points: Mapped[int] = mapped_column(Integer)
    #: The learning point that offers it; None: every learning point of the county.
    point_id: Mapped[int | None] = mapped_column(ForeignKey("learning_point.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")


class RedemptionPhone(db.Model):
    """A phone a volunteer marked as their learning point's redemption phone (兑换用手机):
    only its vouchers are applied, and only it is sent the catalogue. The mark holds while
    the phone stays enrolled at that point; unmarking deletes the row (audited)."""

    __tablename__ = "points_redemption_phone"

    device_id: Mapped[str] = mapped_column(ForeignKey("device.id"), primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("learning_point.id"), index=True)
    #: The staff account that marked it.
    marked_by: Mapped[str] = mapped_column(String(64))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class VoucherPresented(db.Model):
    """Each (voucher, device) pair that presented a voucher, once: the same device sending
    it again is a replay; another device sending it is a double spend."""

    __tablename__ = "points_voucher_presented"

    voucher_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class VoucherProblem(db.Model):
    """A voucher the county did not apply as presented, reported once per voucher and
    problem: a double spend (applied once elsewhere), or one refused (over the daily cap,
    short balance, unknown service, bad signature)."""

    __tablename__ = "points_voucher_problem"

    voucher_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: An error code of docs/errors.md (``voucher-double-spend``...).
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    learner: Mapped[str] = mapped_column(String(36), index=True)
    device_id: Mapped[str] = mapped_column(String(36))
    #: For a double spend: the device whose presentation was applied.
    first_device_id: Mapped[str | None] = mapped_column(String(36))
    service_id: Mapped[int | None] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)
    #: The redeeming device's clock.
    time: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
