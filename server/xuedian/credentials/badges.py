"""Builders for the credentials this county issues: an Open Badges 3.0
``OpenBadgeCredential`` per certified outcome, and a CLR 2.0 ``ClrCredential`` transcript
that wraps several signed badges.

Owns no data: each builder returns an unsigned VC 2.0 document; :func:`issue_badge` and
:func:`issue_transcript` sign it through :func:`xuedian.credentials.service.issue`, which
records it and gives it a revocation bit.
"""

from __future__ import annotations

import uuid

from ..core.timeutil import utcnow
from . import service
from .issuerkeys import issuer_keys
from .jsonld import CLR_V2, OB_V3, VC_V2
from .statuslist import ENTRY
from .timecheck import stamp

STATUS = {"credentialStatus": {"type": ENTRY}}


def profile(did: str, name: str, url: str | None = None) -> dict:
    """The issuer ``Profile``: the county's did:key, its name and (optionally) its site."""
    found = {"id": did, "type": ["Profile"], "name": name}
    if url:
        found["url"] = url
    return found


def achievement(
    *,
    achievement_id: str,
    name: str,
    description: str,
    criteria: str,
    hours: float | None = None,
) -> dict:
    """An OB 3.0 ``Achievement``. ``hours`` is its credit hours, OB's ``creditsAvailable``
    ("credit hours associated with this entity")."""
    found = {
        "id": achievement_id,
        "type": ["Achievement"],
        "name": name,
        "description": description,
        "criteria": {"narrative": criteria},
    }
    if hours is not None:
        found["creditsAvailable"] = float(hours)
    return found


def open_badge(
    *,
    issuer: dict,
    achievement: dict,
    name: str,
    subject_id: str | None = None,
    credential_id: str | None = None,
    valid_from: str | None = None,
) -> dict:
    """Return an unsigned ``OpenBadgeCredential`` (VC 2.0, OB context 3.0.3).

    ``subject_id`` names the learner (a pseudonymous ``urn:uuid:`` of the learning
    account); the credit hours earned are the achievement's.
    """
    subject = {"type": ["AchievementSubject"], "achievement": achievement}
    if subject_id:
        subject["id"] = subject_id
    if "creditsAvailable" in achievement:
        subject["creditsEarned"] = achievement["creditsAvailable"]
    return {
        "@context": [VC_V2, OB_V3],
        "id": credential_id or f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer,
        "validFrom": valid_from or stamp(utcnow()),
        "name": name,
        "credentialSubject": subject,
    }


def transcript(
    *,
    issuer: dict,
    badges: list[dict],
    name: str,
    subject_id: str | None = None,
    credential_id: str | None = None,
    valid_from: str | None = None,
) -> dict:
    """Return an unsigned CLR 2.0 ``ClrCredential`` wrapping signed ``badges``, with each
    badge's achievement listed in the subject as CLR asks."""
    subject = {
        "type": ["ClrSubject"],
        "verifiableCredential": badges,
        "achievement": [b["credentialSubject"]["achievement"] for b in badges],
    }
    if subject_id:
        subject["id"] = subject_id
    return {
        "@context": [VC_V2, CLR_V2, OB_V3],
        "id": credential_id or f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": issuer,
        "validFrom": valid_from or stamp(utcnow()),
        "name": name,
        "credentialSubject": subject,
    }


def county_profile(name: str, url: str | None = None) -> dict:
    """The Profile of the active issuer key under the county's ``name``."""
    return profile(issuer_keys().active().did, name, url)


def issue_badge(credential: dict, cryptosuite: str = "eddsa-rdfc-2022") -> dict:
    """Sign a built badge with the county key and a revocation bit; return it."""
    return service.issue(credential, {"cryptosuite": cryptosuite, **STATUS})


def issue_transcript(credential: dict) -> dict:
    """Sign a built transcript (eddsa-rdfc-2022) with a revocation bit; return it."""
    return service.issue(credential, dict(STATUS))
