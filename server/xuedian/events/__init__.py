"""Events on site (docs/credits.md, "Events"): county staff create events at learning
points, each with a printable QR code carrying a check-in token the server signs; a phone
scanning it records an ``attended`` record offline, which ingest accepts only with a valid
token, and which outcome definitions with the ``events-attended`` rule count."""

from __future__ import annotations


def init_app(app) -> None:
    """Check attendances before sync stores them, keep those stored, drop those voided."""
    from ..core import hooks
    from .checkin import check, on_records_stored, on_records_voided

    hooks.register(app, "record-check", check)
    hooks.register(app, "records-stored", on_records_stored)
    hooks.register(app, "records-voided", on_records_voided)
