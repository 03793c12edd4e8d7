"""Scheduled jobs of push: send the queued pushes, tidy the Web Push subscriptions."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from ..jobs.registry import job
from .sender import deliver_queued
from .subscriptions import cleanup


@job(
    "push-send",
    "* * * * *",
    "Send the queued Web Pushes (each has one deadline; the inbox has every message).",
)
def push_send(now: datetime) -> dict:
    return deliver_queued()


@job(
    "push-cleanup",
    "17 3 * * *",
    "Remove push subscriptions of revoked phones and long-failing ones.",
    # Rows of server housekeeping removed name no area; "kept" counts every county's
    # phones, so the jobs page shows it to nobody (``xuedian jobs list`` does).
    shared=("removed_revoked", "removed_stale"),
)
def push_cleanup(now: datetime) -> dict:
    return cleanup(current_app.config["XUEDIAN"].push_stale_days)
