"""County signing keys: Ed25519 key pairs kept in ``<instance>/keys``."""

from __future__ import annotations


def init_app(app) -> None:
    """Give ``app`` its key ring, kept in ``<instance>/keys``."""
    from pathlib import Path

    from .service import KeyRing

    app.extensions["xuedian.keyring"] = KeyRing(Path(app.instance_path))
