"""Where published blobs and archives live: the ``BlobStore`` interface and the filesystem
store of a county (``<instance>/store``).

A store holds objects under keys: ``blobs/ab/abcdef…`` (content-addressed, named by their
sha256) and ``archives/<name>.xdpack``. Each store implements five primitives (``size``,
``read``, ``write``, ``list_keys``, ``respond``); what packs need (``has``, ``put_stream``,
``put_archive``...) is built on them once, in :class:`BlobStore`. The S3 store and the
store that reads through a move are in ``packs/s3store.py``; ``XUEDIAN_BLOB_STORE``
chooses (see :func:`make_store`).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from flask import Response, current_app

from ..core.http import send_immutable

BLOB_ID = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 1 << 16


class HashMismatch(ValueError):
    """A blob's bytes do not hash to its id."""


def blob_key(blob_id: str) -> str:
    """Return the key of a blob id. Raises ``ValueError`` for a malformed id."""
    if not BLOB_ID.match(blob_id):
        raise ValueError("malformed blob id")
    return f"blobs/{blob_id[:2]}/{blob_id}"


def archive_key(name: str) -> str:
    """Return the key of the archive ``name`` (only its last path part counts)."""
    return f"archives/{Path(name).name}"


def expected_sha256(key: str) -> str | None:
    """Return the sha256 a key's bytes must have (a blob's id), or None for an archive."""
    name = key.rsplit("/", 1)[-1]
    return name if key.startswith("blobs/") and BLOB_ID.match(name) else None


class BlobStore:
    """A place for pack objects. Subclasses give the primitives; packs use the rest."""

    name = "store"

    # -- primitives -------------------------------------------------------------------
    def size(self, key: str) -> int | None:
        """Return the size of the object ``key``, or None when it is not here."""
        raise NotImplementedError

    def read(self, key: str, start: int, stop: int) -> Iterable[bytes]:
        """Return the bytes ``[start, stop)`` of ``key`` as chunks."""
        raise NotImplementedError

    def write(self, key: str, stream: BinaryIO, sha256: str | None = None) -> None:
        """Store ``stream`` under ``key``; it becomes visible whole or not at all.

        With ``sha256`` the bytes are checked first: :class:`HashMismatch` and nothing kept.
        """
        raise NotImplementedError

    def list_keys(self) -> Iterator[str]:
        """Yield every key the store holds."""
        raise NotImplementedError

    def respond(self, key: str, etag: str, download_name: str | None = None) -> Response:
        """Return the HTTP answer for ``key`` (Range, If-Range, 206 as for a file)."""
        raise NotImplementedError

    # -- what packs use ---------------------------------------------------------------
    def has(self, blob_id: str) -> bool:
        return self.size(blob_key(blob_id)) is not None

    def put_stream(self, blob_id: str, stream: BinaryIO) -> None:
        """Store a blob from a stream, checking its sha256 before it becomes visible.

        Raises :class:`HashMismatch` and leaves nothing behind when the bytes are wrong.
        """
        if not self.has(blob_id):
            self.write(blob_key(blob_id), stream, sha256=blob_id)

    def put_archive(self, name: str, source: Path) -> None:
        """Copy an archive file into the store."""
        with open(source, "rb") as stream:
            self.write(archive_key(name), stream)

    def copy_archive(self, name: str, target: Path) -> None:
        """Write the stored archive ``name`` to ``target``. Raises ``FileNotFoundError``."""
        key = archive_key(name)
        size = self.size(key)
        if size is None:
            raise FileNotFoundError(key)
        with open(target, "wb") as out:
            for chunk in self.read(key, 0, size):
                out.write(chunk)

    def blob_response(self, blob_id: str) -> Response:
        return self.respond(blob_key(blob_id), etag=blob_id)

    def archive_response(self, name: str, etag: str) -> Response:
        return self.respond(archive_key(name), etag=etag, download_name=Path(name).name)

    def sha256(self, key: str) -> str | None:
        """Return the sha256 of the stored bytes of ``key``, or None when it is not here."""
        size = self.size(key)
        if size is None:
            return None
        digest = hashlib.sha256()
        for chunk in self.read(key, 0, size):
            digest.update(chunk)
        return digest.hexdigest()


class FileBlobStore(BlobStore):
    """Blobs at ``<root>/blobs/ab/abcdef…``, archives at ``<root>/archives/<name>``."""

    name = "file"

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, blob_id: str) -> Path:
        """Return the file path of a blob id. Raises ``ValueError`` for a malformed id."""
        return self.root / blob_key(blob_id)

    def archive_path(self, name: str) -> Path:
        """Return where the archive ``name`` is kept (its folder exists)."""
        folder = self.root / "archives"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / Path(name).name

    def size(self, key: str) -> int | None:
        try:
            return (self.root / key).stat().st_size
        except FileNotFoundError:
            return None

    def read(self, key: str, start: int, stop: int) -> Iterator[bytes]:
        with open(self.root / key, "rb") as f:
            f.seek(start)
            left = stop - start
            while left > 0 and (data := f.read(min(CHUNK, left))):
                left -= len(data)
                yield data

    def write(self, key: str, stream: BinaryIO, sha256: str | None = None) -> None:
        target = self.root / key
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        digest = hashlib.sha256()
        try:
            with open(tmp, "wb") as out:
                while data := stream.read(CHUNK):
                    digest.update(data)
                    out.write(data)
            if sha256 is not None and digest.hexdigest() != sha256:
                raise HashMismatch(sha256)
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)

    def list_keys(self) -> Iterator[str]:
        for folder in ("blobs", "archives"):
            for path in sorted((self.root / folder).rglob("*")):
                # Skip what a publish is still writing (.name.pid.tmp, name.tmp).
                if path.is_file() and not path.name.startswith(".") and path.suffix != ".tmp":
                    yield path.relative_to(self.root).as_posix()

    def respond(self, key: str, etag: str, download_name: str | None = None) -> Response:
        # send_file: the worker hands the file to the kernel (sendfile), no copy in Python.
        return send_immutable(self.root / key, etag=etag, download_name=download_name)

    def put_archive(self, name: str, source: Path) -> None:
        target = self.archive_path(name)
        tmp = target.with_suffix(".tmp")
        shutil.copyfile(source, tmp)
        tmp.replace(target)


def make_store(settings, instance: Path) -> BlobStore:
    """Return the store ``settings.blob_store`` names.

    ``s3`` while ``<instance>/store`` still holds files (a county moving with
    ``xuedian blobs migrate --to s3``) reads through: S3 first, then the local folder.
    """
    local = FileBlobStore(instance / "store")
    if settings.blob_store == "file":
        return local
    from .s3store import ReadThroughStore, S3BlobStore

    s3 = S3BlobStore.from_settings(settings)
    return ReadThroughStore(s3, local) if local.root.is_dir() else s3


def blob_store() -> BlobStore:
    """Return the current app's blob store (set by :func:`xuedian.packs.init_app`)."""
    return current_app.extensions["xuedian.blobs"]
