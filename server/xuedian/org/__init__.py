"""Organisation: areas (county › township › village), learning points, staff and roles."""

from __future__ import annotations


def init_app(app) -> None:
    """Register enrolment for what phones say when they register and at each heartbeat,
    and the phone's point in the changes feed, with the wire formats of both."""
    from ..core import hooks
    from .enrolment import enrol_by_token, enrol_on_heartbeat, point_section
    from .schemas import feed_fields, heartbeat_fields

    hooks.register(app, "enrolment-offered", enrol_by_token)
    hooks.register(app, "heartbeat-received", enrol_on_heartbeat)
    hooks.register(app, "feed-sections", point_section)
    hooks.register(app, "heartbeat-fields", heartbeat_fields)
    hooks.register(app, "feed-fields", feed_fields)
