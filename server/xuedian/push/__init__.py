"""Reaching phones: the inbox now (delivered by the changes feed); Web Push is another issue."""

from __future__ import annotations


def init_app(app) -> None:
    """Register the inbox section of the changes feed and its wire format."""
    from ..core import hooks
    from .schemas import feed_fields
    from .service import feed_section

    hooks.register(app, "feed-sections", feed_section)
    hooks.register(app, "feed-fields", feed_fields)
