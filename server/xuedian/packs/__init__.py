"""Content packs: source → build → sign → publish; catalog, manifests and blobs."""

from __future__ import annotations


def init_app(app) -> None:
    """Give ``app`` its blob store (``<instance>/store``, or S3 as ``XUEDIAN_BLOB_STORE``
    says) and register the catalog section of the changes feed with its wire format."""
    from pathlib import Path

    from ..core import hooks
    from .schemas import feed_fields
    from .service import catalog_section
    from .storage import make_store

    app.extensions["xuedian.blobs"] = make_store(app.config["XUEDIAN"], Path(app.instance_path))

    hooks.register(app, "feed-sections", catalog_section)
    hooks.register(app, "feed-fields", feed_fields)
