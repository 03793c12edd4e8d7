"""Where published blobs and archives live: a small interface, filesystem for now.

A province tier can add an S3-compatible store with the same four methods.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app

BLOB_ID = re.compile(r"^[0-9a-f]{64}$")


class BlobStore(Protocol):
    def has(self, blob_id: str) -> bool: ...
    def put_stream(self, blob_id: str, stream: BinaryIO) -> None: ...
    def path(self, blob_id: str) -> Path: ...
    def archive_path(self, name: str) -> Path: ...


class HashMismatch(ValueError):
    """A blob's bytes do not hash to its id."""


class FileBlobStore:
    """Blobs at ``<root>/blobs/ab/abcdef…``, archives at ``<root>/archives/<name>``."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, blob_id: str) -> Path:
        """Return the file path of a blob id. Raises ``ValueError`` for a malformed id."""
        if not BLOB_ID.match(blob_id):
            raise ValueError("malformed blob id")
        return self.root / "blobs" / blob_id[:2] / blob_id

    def has(self, blob_id: str) -> bool:
        return self.path(blob_id).is_file()

    def put_stream(self, blob_id: str, stream: BinaryIO, chunk: int = 1 << 16) -> None:
        """Store a blob from a stream, checking its sha256 before it becomes visible.

        Raises :class:`HashMismatch` and leaves nothing behind when the bytes are wrong.
        """
        target = self.path(blob_id)
        if target.is_file():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{blob_id}.{os.getpid()}.tmp")
        digest = hashlib.sha256()
        try:
            with open(tmp, "wb") as out:
                while data := stream.read(chunk):
                    digest.update(data)
                    out.write(data)
            if digest.hexdigest() != blob_id:
                raise HashMismatch(blob_id)
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)

    def archive_path(self, name: str) -> Path:
        """Return where the archive ``name`` is kept (its folder exists)."""
        folder = self.root / "archives"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / Path(name).name

    def put_archive(self, name: str, source: Path) -> Path:
        """Copy an archive into the store and return its path."""
        target = self.archive_path(name)
        tmp = target.with_suffix(".tmp")
        shutil.copyfile(source, tmp)
        tmp.replace(target)
        return target


def blob_store() -> FileBlobStore:
    """Return the current app's blob store (set by :func:`xuedian.packs.init_app`)."""
    return current_app.extensions["xuedian.blobs"]
