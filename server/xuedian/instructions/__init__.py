"""Remote instructions to phones ("force a full resync", "update pack X by date Y"),
delivered in the changes feed at each phone's next contact (docs/push.md)."""

from __future__ import annotations


def init_app(app) -> None:
    """Register the instructions section of the changes feed and its wire format."""
    from ..core import hooks
    from .schemas import feed_fields
    from .service import feed_section

    hooks.register(app, "feed-sections", feed_section)
    hooks.register(app, "feed-fields", feed_fields)
