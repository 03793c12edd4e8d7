"""Learners: progress, hours and credits derived from their learning records."""

from __future__ import annotations


def init_app(app) -> None:
    """Register learners' profiles for the heartbeat."""
    from ..core import hooks
    from .profiles import upsert_profiles

    hooks.register(app, "heartbeat-received", upsert_profiles)
