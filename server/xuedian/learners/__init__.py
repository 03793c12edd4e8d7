"""Learners: progress, hours and credits derived from their learning records."""

from __future__ import annotations


def init_app(app) -> None:
    """Register learners' profiles for the heartbeat and their progress in the feed, with
    the wire formats of both."""
    from ..core import hooks
    from .feedsection import progress_section
    from .profiles import upsert_profiles
    from .schemas import feed_fields, heartbeat_fields

    hooks.register(app, "heartbeat-received", upsert_profiles)
    hooks.register(app, "feed-sections", progress_section)
    hooks.register(app, "heartbeat-fields", heartbeat_fields)
    hooks.register(app, "feed-fields", feed_fields)
