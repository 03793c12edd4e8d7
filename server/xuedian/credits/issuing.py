"""Credentials for outcomes: each certified outcome becomes an Open Badges 3.0
``OpenBadgeCredential`` signed by the county (eddsa-rdfc-2022, with a revocation bit),
plus an eddsa-jcs-2022 copy under the same id whose compact text is the phone's QR code;
a revoked outcome gets both status bits set. Owns no table: it fills the one-way marks of
``credit_outcome`` through the credentials service (docs/credentials.md), which commits,
so this runs outside ingest (the feed before it sends outcomes, ``xuedian credits certify``).
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from ..core.timeutil import utcnow
from ..credentials import badges, compact, statuslist
from ..credentials.timecheck import stamp
from ..extensions import db
from ..org.models import Area
from .models import CERTIFIED, REVOKED, LearningAccount, Outcome, OutcomeDefinition

JCS = "eddsa-jcs-2022"
FALLBACK_NAME = "学分银行"


def issuer_name() -> str:
    """The county's name (the root area), as the badge's issuer Profile names it."""
    root = db.session.scalar(select(Area).where(Area.parent_id.is_(None)).order_by(Area.id))
    return f"{root.name}{FALLBACK_NAME}" if root else FALLBACK_NAME


def _criteria(definition: OutcomeDefinition) -> str:
    t = definition.thresholds or {}
    if definition.rule == "events-attended":
        return f"参加活动不少于 {t.get('events') or 1} 次。"
    lessons = "全部课程" if t.get("lessons") is None else f"{t['lessons']} 课"
    text = f"完成{lessons}并有学习证据" if definition.rule != "quiz-min-score" else "测验"
    if t.get("min_score") is not None:
        text += f"，测验不低于 {t['min_score']:g} 分"
    return text + "。"


def badge_for(outcome: Outcome, account: LearningAccount, definition: OutcomeDefinition, name):
    """Return the unsigned OpenBadgeCredential of ``outcome``."""
    achievement = badges.achievement(
        achievement_id=f"urn:xuedian:unit:{definition.id}",
        name=definition.title,
        description=definition.title,
        criteria=_criteria(definition),
        hours=outcome.credit_hours,
    )
    return badges.open_badge(
        issuer=badges.county_profile(name),
        achievement=achievement,
        name=definition.title,
        subject_id=account.subject,
        credential_id=f"urn:uuid:{uuid.uuid4()}",
        valid_from=stamp(outcome.certified_at or utcnow()),
    )


def issue(outcome: Outcome, name: str | None = None) -> Outcome:
    """Sign ``outcome``'s badge (rdfc, then its jcs copy) and mark the outcome with both."""
    account = db.session.get(LearningAccount, outcome.account_id)
    definition = db.session.get(OutcomeDefinition, outcome.definition_id)
    vc = badge_for(outcome, account, definition, name or issuer_name())
    badges.issue_badge(vc)
    copy = badges.issue_badge(vc, JCS)
    outcome.credential_id = vc["id"]
    outcome.compact = compact.encode(copy)
    db.session.commit()
    return outcome


def settle(account_ids: list[int] | None = None) -> tuple[int, int]:
    """Issue the credentials certified outcomes lack and set the status bits of revoked
    ones (of ``account_ids``, or all). Return (issued, revoked)."""
    base = select(Outcome)
    if account_ids is not None:
        if not account_ids:
            return 0, 0
        base = base.where(Outcome.account_id.in_(account_ids))
    unsigned = db.session.scalars(
        base.where(Outcome.status == CERTIFIED, Outcome.credential_id.is_(None))
    ).all()
    unrevoked = db.session.scalars(
        base.where(
            Outcome.status == REVOKED,
            Outcome.credential_id.is_not(None),
            Outcome.credential_revoked.is_(False),
        )
    ).all()
    name = issuer_name() if unsigned else None
    for outcome in unsigned:
        issue(outcome, name)
    for outcome in unrevoked:
        statuslist.revoke(outcome.credential_id)
        outcome.credential_revoked = True
        db.session.commit()
    return len(unsigned), len(unrevoked)
