"""Scheduled jobs of push: tidy the Web Push subscriptions."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from ..jobs.registry import job
from .subscriptions import cleanup


@job(
    "push-cleanup",
    "17 3 * * *",
    "Remove push subscriptions of revoked phones and long-failing ones.",
)
def push_cleanup(now: datetime) -> dict:
    return cleanup(current_app.config["XUEDIAN"].push_stale_days)
