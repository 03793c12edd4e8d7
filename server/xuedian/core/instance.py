"""Handles on the instance folder's contents: the key ring and the blob store."""

from __future__ import annotations

from flask import current_app

from ..keys.service import KeyRing
from ..packs.storage import FileBlobStore


def keyring() -> KeyRing:
    """Return the current app's signing key ring."""
    return current_app.extensions["xuedian.keyring"]


def blob_store() -> FileBlobStore:
    """Return the current app's blob store."""
    return current_app.extensions["xuedian.blobs"]
