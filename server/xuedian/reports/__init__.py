"""Reports for county administrators: aggregates kept at ingest, pages, exports, jobs."""

from __future__ import annotations


def init_app(app) -> None:
    """Register the report aggregates for the records sync stores and voids."""
    from ..core import hooks
    from .aggregates import record_new, record_voided

    hooks.register(app, "records-stored", record_new)
    hooks.register(app, "records-voided", record_voided)
