"""Credits (学分银行, DESIGN §6a; docs/credits.md): learning accounts, outcome definitions,
outcomes certified from verified records, their Open Badges credentials and what the phone
receives of them. Built on the credentials core (docs/credentials.md)."""

from __future__ import annotations


def init_app(app) -> None:
    """Certify from what ingest stores and revoke on what it voids (inside the ingest
    transaction), and add the credits section and its wire format to the changes feed."""
    from ..core import hooks
    from .certify import on_records_stored, on_records_voided
    from .feedsection import credits_section
    from .schemas import feed_fields

    hooks.register(app, "records-stored", on_records_stored)
    hooks.register(app, "records-voided", on_records_voided)
    hooks.register(app, "feed-sections", credits_section)
    hooks.register(app, "feed-fields", feed_fields)
