"""Scheduled job of credits: the nightly bulk certification (the same as
``xuedian credits certify``), which catches what incremental certification cannot see (a
definition edited, a pack republished) and signs what the feed has not yet signed."""

from __future__ import annotations

from datetime import datetime

from ..extensions import db
from ..jobs.registry import job
from .certify import certify_all
from .issuing import settle


@job(
    "credits-certify",
    "40 2 * * *",
    "Certify outcomes from every record, revoke unsupported ones, sign their credentials.",
    # Counts over the whole county: they name no area.
    shared=("certified", "revoked", "signed", "status_bits"),
)
def credits_certify(now: datetime) -> dict:
    made, taken = certify_all()
    db.session.commit()
    signed, bits = settle()
    return {"certified": made, "revoked": taken, "signed": signed, "status_bits": bits}
