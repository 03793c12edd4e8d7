"""Tables owned by credits (学分银行, DESIGN §6a): learning accounts, outcome definitions
(认证单元), outcomes and volunteers' attestations.

An outcome row is immutable once written: its account, definition, evidence and
``certified_at`` never change. The only changes allowed are one-way marks (a revocation
with its reason, the id of the credential issued for it, the status bit once set), checked
by :func:`_refuse_rewrite` on every flush; a correction is a revocation plus a new row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..core.dbtypes import UTCDateTime
from ..extensions import db

RULES = ("lessons-with-engagement", "quiz-min-score", "events-attended")
CERTIFIED, REVOKED = "certified", "revoked"
PENDING, APPROVED, DECLINED = "pending", "approved", "declined"


class LearningAccount(db.Model):
    """One per learner profile: pseudonymous (``subject`` is a ``urn:uuid:``), movable by
    a recovery code (only its hash is kept), optionally real-name verified."""

    __tablename__ = "credit_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: The learner profile's UUID (learner_profile.learner, the ``learner`` of records).
    learner: Mapped[str] = mapped_column(String(36), unique=True)
    subject: Mapped[str] = mapped_column(String(45), unique=True)
    #: The learner card's short number (credits/accounts.py ``short_number``; not unique).
    short_number: Mapped[str | None] = mapped_column(String(8), index=True)
    #: SHA-256 of the recovery code (credits/accounts.py); None: none issued, or spent.
    recovery_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    real_name: Mapped[str | None] = mapped_column(String(60))
    #: HMAC-SHA256 of the ID number under the instance's salt (credits/realname.py); the
    #: number itself is never stored. ``id_number_salt`` stays empty (the salt is per
    #: instance, not per row).
    id_number_hash: Mapped[str | None] = mapped_column(String(64))
    id_number_salt: Mapped[str | None] = mapped_column(String(32))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OutcomeDefinition(db.Model):
    """A 认证单元: what evidence earns it, and what it is worth."""

    __tablename__ = "credit_definition"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pack_id: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(120))
    #: One of :data:`RULES`.
    rule: Mapped[str] = mapped_column(String(30))
    #: ``lessons`` (None: every lesson of the current release), ``min_score`` (0-100, for
    #: the lessons that have a quiz), ``events`` (attendances).
    thresholds: Mapped[dict] = mapped_column(JSON)
    credit_hours: Mapped[float] = mapped_column(Float)
    credits: Mapped[float] = mapped_column(Float)
    level: Mapped[str] = mapped_column(String(20), default="")
    #: ``[{"bank": ..., "code": ..., "ratio": ...}]``: the unit in other credit banks.
    crosswalk: Mapped[list] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Made from the pack's credit hours (kept in step with new releases until edited).
    is_default: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Outcome(db.Model):
    """A certified learning outcome of one account (see the module docstring)."""

    __tablename__ = "credit_outcome"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("credit_account.id"), index=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("credit_definition.id"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    #: ``records`` (certified from verified records) or ``attested``.
    source: Mapped[str] = mapped_column(String(10))
    evidence: Mapped[dict] = mapped_column(JSON)
    credit_hours: Mapped[float] = mapped_column(Float)
    credits: Mapped[float] = mapped_column(Float)
    certified_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoke_reason: Mapped[str | None] = mapped_column(String(200))
    #: The OpenBadgeCredential's ``id`` (credential_issued.ref), once issued.
    credential_id: Mapped[str | None] = mapped_column(String(60))
    #: The compact QR text of its eddsa-jcs-2022 copy.
    compact: Mapped[str | None] = mapped_column(Text)
    #: The credential's status bit has been set (after the revocation).
    credential_revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class Attestation(db.Model):
    """A volunteer's word that a learner achieved an outcome without records."""

    __tablename__ = "credit_attestation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("credit_account.id"), index=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("credit_definition.id"))
    point_id: Mapped[int] = mapped_column(ForeignKey("learning_point.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("credit_outcome.id"))


class OutcomeImmutable(Exception):
    """Raised on a flush that would rewrite an outcome."""


#: The one-way marks an outcome may receive: column -> may it change from this old value.
_MARKS = {
    "status": lambda old, new: (old, new) == (CERTIFIED, REVOKED),
    "revoked_at": lambda old, new: old is None,
    "revoke_reason": lambda old, new: old is None,
    "credential_id": lambda old, new: old is None,
    "compact": lambda old, new: old is None,
    "credential_revoked": lambda old, new: not old and new,
}


@event.listens_for(Outcome, "before_update")
def _refuse_rewrite(mapper, connection, target) -> None:
    state = inspect(target)
    for attr in state.attrs:
        history = attr.history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        allowed = _MARKS.get(attr.key)
        if allowed is None or not allowed(old, new):
            raise OutcomeImmutable(f"credit_outcome.{attr.key} cannot change")


@event.listens_for(Outcome, "before_delete")
def _refuse_delete(mapper, connection, target) -> None:
    raise OutcomeImmutable("credit_outcome rows are never deleted")


class CreditDelivery(db.Model):
    """No longer written: what the credits section last sent a device travels in the feed
    cursor (feedsection.py), so a lost answer is sent again. The table stays until a
    migration drops it."""

    __tablename__ = "credit_delivery"

    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: What the rows were derived from (the device's changes, the releases, its learners'
    #: outcomes): while it stands, the feed skips the derivation altogether.
    state: Mapped[str] = mapped_column(String(120))
    digest: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CreditTransfer(db.Model):
    """A credential another county issued, verified through the province trust list and
    added to a learner's account here (transfer.py). Like an outcome it is never rewritten;
    one credential (issuer and id) is accepted once in this county."""

    __tablename__ = "credit_transfer"
    __table_args__ = (UniqueConstraint("issuer_did", "credential_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("credit_account.id"), index=True)
    #: The point in scope of the staff member who accepted it (reports and scope).
    point_id: Mapped[int] = mapped_column(ForeignKey("learning_point.id"), index=True)
    issuer_did: Mapped[str] = mapped_column(String(120))
    #: The issuing county's name as the trust list gives it.
    county: Mapped[str] = mapped_column(String(120))
    credential_ref: Mapped[str] = mapped_column(String(300))
    #: The achievement's id at the issuer (a crosswalk's code) and its name.
    achievement: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(200))
    #: Credit hours as issued, and credits here after the crosswalk (same when none).
    credit_hours: Mapped[float] = mapped_column(Float)
    credits: Mapped[float] = mapped_column(Float)
    #: The local definition whose crosswalk converted it (None: taken at face value).
    definition_id: Mapped[int | None] = mapped_column(ForeignKey("credit_definition.id"))
    ratio: Mapped[float] = mapped_column(Float, default=1.0)
    #: The issuer's status list said not revoked (``valid``) or could not be read
    #: (``unchecked``), or the credential has none (``none``).
    status_checked: Mapped[str] = mapped_column(String(10))
    credential: Mapped[dict] = mapped_column(JSON)
    accepted_by: Mapped[str] = mapped_column(String(80))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime)
