"""Scheduled jobs of the province tier (docs/jobs.md): a county pushes its signed
aggregates; a province pulls from every county it registered. Neither summary names an
area's data (counties are shown by name), so both are ``shared``."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from ..jobs.registry import job
from . import PROVINCE, transfer


@job(
    "province-push",
    "45 2 * * *",
    "Send this county's signed aggregates to the province",
    shared=("seq", "status", "tries", "code", "skipped"),
)
def push(now: datetime) -> dict:
    """Push when ``XUEDIAN_PROVINCE_URL`` is set (and this is a county); raises after the
    last failed try, so the run is recorded as failed."""
    settings = current_app.config["XUEDIAN"]
    if settings.role == PROVINCE or not settings.province_url:
        return {"skipped": "no province_url"}
    out = transfer.push(now)
    if out["status"] != "sent":
        raise RuntimeError(f"push failed after {out['tries']} tries: {out['code']}")
    return out


@job(
    "province-pull",
    "15 4 * * *",
    "Fetch every registered county's aggregates (province)",
    shared=("counties",),
)
def pull(now: datetime) -> dict:
    if current_app.config["XUEDIAN"].role != PROVINCE:
        return {"counties": {}}
    return {"counties": transfer.pull_all()}
