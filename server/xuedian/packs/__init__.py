"""Content packs: source → build → sign → publish; catalog, manifests and blobs."""

from __future__ import annotations


def init_app(app) -> None:
    """Give ``app`` its blob store (``<instance>/store``, or S3 as ``XUEDIAN_BLOB_STORE``
    says) and register the catalog section of the changes feed."""
    from pathlib import Path

    from ..core import hooks
    from .service import catalog_section
    from .storage import make_store

    app.extensions["xuedian.blobs"] = make_store(app.config["XUEDIAN"], Path(app.instance_path))

    hooks.register(app, "feed-sections", catalog_section)
