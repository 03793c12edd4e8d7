"""Accumulation across places: a credential another county issued is verified through the
province trust list and added to a learner's account here, converted through the
crosswalk of a local outcome definition when one names it (docs/credentials.md, "Moving
between counties").

Owns ``credit_transfer``. A volunteer or administrator accepts only for a learner whose
phone is enrolled at a point in their scope (as attestations); the credential must be
genuine (every proof verifies), from a county key on the trust list valid at its
``validFrom``, and not revoked on that county's status list as far as it can be read.
"""

from __future__ import annotations

from sqlalchemy import select

from ..core.timeutil import utcnow
from ..credentials.assess import assess, read_credential
from ..credentials.errors import (
    CredentialMalformed,
    CredentialRevoked,
    IssuerUntrusted,
    ProofInvalid,
)
from ..extensions import db
from .attest import learner_point
from .certify import accounts_for
from .errors import TransferDuplicate, TransferLocal
from .models import CreditTransfer, LearningAccount, OutcomeDefinition


def _refuse(verdict: dict) -> None:
    kind = verdict["verdict"]
    issuer = str(verdict["issuer"] or "")[:120]
    if kind == "untrusted":
        raise IssuerUntrusted(issuer=issuer)
    if kind == "revoked":
        raise CredentialRevoked(issuer=issuer)
    problems = [p.get("code") for p in verdict["result"]["errors"]]
    if kind == "malformed":
        raise CredentialMalformed(problems=problems)
    if kind == "tampered":
        raise ProofInvalid(problems=problems)


def _achievement(credential: dict) -> tuple[str, str, float]:
    """(achievement id, title, credit hours) of an OpenBadgeCredential."""
    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    achievement = subject.get("achievement")
    if "OpenBadgeCredential" not in credential.get("type", []) or not isinstance(achievement, dict):
        raise CredentialMalformed(
            "Only an Open Badges credential of one achievement can be transferred.",
            property="credentialSubject",
        )
    hours = subject.get("creditsEarned", achievement.get("creditsAvailable", 0))
    hours = float(hours) if isinstance(hours, int | float) and hours >= 0 else 0.0
    title = str(credential.get("name") or achievement.get("name") or "")[:200]
    return str(achievement.get("id", ""))[:300], title, hours


def conversion(issuer: str, county: str, achievement: str):
    """The local definition whose crosswalk names this achievement (its ``bank`` the county's
    name or the issuer DID, its ``code`` the achievement id), and the ratio; else (None, 1)."""
    for definition in db.session.scalars(
        select(OutcomeDefinition)
        .where(OutcomeDefinition.active.is_(True))
        .order_by(OutcomeDefinition.id)
    ):
        for row in definition.crosswalk or []:
            if row.get("bank") in (county, issuer) and row.get("code") == achievement:
                return definition, float(row.get("ratio", 1))
    return None, 1.0


def accept(staff, learner: str, text) -> CreditTransfer:
    """Verify the credential in ``text`` (JSON, a dict or ``XD1:`` text) and add it to
    ``learner``'s account (flushed; the caller commits and audits).

    Raises :class:`LearnerOutOfScope`, :class:`CompactInvalid`, :class:`CredentialMalformed`,
    :class:`ProofInvalid`, :class:`IssuerUntrusted`, :class:`CredentialRevoked`,
    :class:`TransferLocal` or :class:`TransferDuplicate`.
    """
    point = learner_point(staff, learner)
    credential = read_credential(text)
    verdict = assess(credential)
    _refuse(verdict)
    if verdict["county"] is None:
        raise TransferLocal(issuer=verdict["issuer"])
    achievement, title, hours = _achievement(credential)
    ref = str(credential.get("id") or "")[:300]
    if not ref:
        raise CredentialMalformed("The credential has no id.", property="id")
    issuer = verdict["issuer"]
    taken = db.session.scalar(
        select(CreditTransfer.id).where(
            CreditTransfer.issuer_did == issuer, CreditTransfer.credential_ref == ref
        )
    )
    if taken is not None:
        raise TransferDuplicate(credential=ref)
    definition, ratio = conversion(issuer, verdict["county"], achievement)
    account = accounts_for([learner])[learner]
    row = CreditTransfer(
        account_id=account.id,
        point_id=point.id,
        issuer_did=issuer,
        county=verdict["county"][:120],
        credential_ref=ref,
        achievement=achievement,
        title=title or achievement,
        credit_hours=hours,
        credits=round(hours * ratio, 2),
        definition_id=definition.id if definition else None,
        ratio=ratio,
        status_checked=verdict["status"],
        credential=credential,
        accepted_by=staff.username,
        accepted_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    return row


def describe(row: CreditTransfer) -> dict:
    """The wire form of an accepted transfer (the staff API's answer)."""
    return {
        "id": row.id,
        "credential": row.credential_ref,
        "issuer": row.issuer_did,
        "county": row.county,
        "title": row.title,
        "achievement": row.achievement,
        "creditHours": row.credit_hours,
        "credits": row.credits,
        "definition": row.definition_id,
        "ratio": row.ratio,
        "status": row.status_checked,
        "acceptedBy": row.accepted_by,
    }


def for_points(point_ids, limit: int = 50) -> list[tuple[CreditTransfer, str]]:
    """The newest transfers accepted at ``point_ids``, each with its learner id."""
    query = (
        select(CreditTransfer, LearningAccount.learner)
        .join(LearningAccount, LearningAccount.id == CreditTransfer.account_id)
        .where(CreditTransfer.point_id.in_(point_ids))
        .order_by(CreditTransfer.id.desc())
        .limit(limit)
    )
    return [tuple(row) for row in db.session.execute(query)]
