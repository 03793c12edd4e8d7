"""Points (积分): an append-only ledger earned by verified learning and redeemed offline
for the county's services with signed vouchers (docs/points.md)."""

from __future__ import annotations


def init_app(app) -> None:
    """Register the earn rules on stored and voided records, the vouchers of a
    heartbeat with their wire format, the points and redeem sections of the changes feed,
    and the redemption phones' part of a learning point's staff page."""
    from ..core import hooks
    from .earn import on_records_stored, on_records_voided
    from .feedsection import feed_fields, points_section
    from .phones import point_panel
    from .schemas import heartbeat_fields
    from .vouchers import apply_heartbeat

    hooks.register(app, "records-stored", on_records_stored)
    hooks.register(app, "records-voided", on_records_voided)
    hooks.register(app, "heartbeat-fields", heartbeat_fields)
    hooks.register(app, "heartbeat-carried", apply_heartbeat)
    hooks.register(app, "feed-sections", points_section)
    hooks.register(app, "feed-fields", feed_fields)
    hooks.register(app, "point-page-panels", point_panel)
