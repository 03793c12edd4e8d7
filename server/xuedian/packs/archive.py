"""Reading untrusted ``.xdpack`` archives safely.

An archive may come from anywhere (an SD card, a kiosk, a messaging app), so nothing in it
is trusted until the manifest signature checks out: only ``manifest.json`` and
``blobs/<sha256>`` entries are accepted (no path can escape), sizes are capped before any
byte is read, and every blob is hashed while it streams.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

from ..errors import XuedianError
from ..keys.service import verify_envelope
from .storage import BLOB_ID, FileBlobStore, HashMismatch

MAX_MANIFEST_BYTES = 4 * 1024 * 1024
MAX_ARCHIVE_ENTRIES = 20_000


class ArchiveInvalid(XuedianError):
    code = "pack-archive-invalid"
    status = 400
    message = "The pack archive is damaged or not a pack archive."


class ArchiveUnsafe(ArchiveInvalid):
    code = "pack-archive-unsafe"
    message = "The pack archive holds a file it must not hold."


class BlobHashMismatch(ArchiveInvalid):
    code = "blob-hash-mismatch"
    message = "A file in the pack does not match its signed hash."


def read_manifest(archive: Path, trusted: list[dict]) -> tuple[dict, bytes]:
    """Return (verified manifest body, manifest bytes) of an archive.

    Raises :class:`ArchiveInvalid`, :class:`ArchiveUnsafe` or a signature error.
    """
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            _check_entries(infos)
            info = zf.getinfo("manifest.json")
            if info.file_size > MAX_MANIFEST_BYTES:
                raise ArchiveUnsafe("The manifest is too large.")
            raw = zf.read(info)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ArchiveInvalid() from exc
    try:
        envelope = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArchiveInvalid("The manifest is not valid JSON.") from exc
    return verify_envelope(envelope, "manifest", trusted), raw


def served_manifest(raw: bytes) -> str:
    """Return the manifest text the county serves for an archive's ``manifest.json`` bytes.

    Its sha256 is the catalog's ``manifest_sha256``, which ties an archive to its catalog
    entry. Raises ``ValueError`` when ``raw`` is not JSON.
    """
    return json.dumps(json.loads(raw), ensure_ascii=False, separators=(",", ":"))


def _check_entries(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ARCHIVE_ENTRIES:
        raise ArchiveUnsafe("The archive has too many entries.")
    for info in infos:
        name = info.filename
        if name == "manifest.json":
            continue
        folder, _, blob_id = name.partition("/")
        if folder != "blobs" or not BLOB_ID.match(blob_id):
            raise ArchiveUnsafe(f"Unexpected entry {name[:100]!r}.", entry=name[:200])


def _blob_entries(zf: zipfile.ZipFile, manifest: dict):
    """Yield (blob, zip entry) for every blob the manifest lists, checking presence and size.

    Raises :class:`ArchiveInvalid` or :class:`BlobHashMismatch`.
    """
    names = set(zf.namelist())
    for blob in manifest["blobs"]:
        name = f"blobs/{blob['id']}"
        if name not in names:
            raise ArchiveInvalid(f"Blob {blob['id']} is missing.", blob=blob["id"])
        info = zf.getinfo(name)
        if info.file_size != blob["size"]:
            raise BlobHashMismatch(blob=blob["id"])
        yield blob, info


def extract_blobs(archive: Path, manifest: dict, store: FileBlobStore) -> None:
    """Stream every blob the manifest lists from the archive into ``store``.

    Raises :class:`ArchiveInvalid` when a blob is missing, oversized or hashes wrong.
    """
    with zipfile.ZipFile(archive) as zf:
        for blob, info in _blob_entries(zf, manifest):
            if store.has(blob["id"]):
                continue
            with zf.open(info) as stream:
                try:
                    store.put_stream(blob["id"], stream)
                # zipfile raises BadZipFile on a CRC mismatch before our own hash check ends.
                except (HashMismatch, zipfile.BadZipFile) as exc:
                    raise BlobHashMismatch(blob=blob["id"]) from exc


def check_archive(archive: Path, manifest: dict) -> None:
    """Check that every blob the manifest lists is in the archive with its size and hash.

    Writes nothing, so a caller can check before it stores anything.
    Raises :class:`ArchiveInvalid` or :class:`BlobHashMismatch`.
    """
    try:
        with zipfile.ZipFile(archive) as zf:
            for blob, info in _blob_entries(zf, manifest):
                digest = hashlib.sha256()
                try:
                    with zf.open(info) as stream:
                        while data := stream.read(1 << 16):
                            digest.update(data)
                # zipfile raises BadZipFile on a CRC mismatch before our own hash check ends.
                except zipfile.BadZipFile as exc:
                    raise BlobHashMismatch(blob=blob["id"]) from exc
                if digest.hexdigest() != blob["id"]:
                    raise BlobHashMismatch(blob=blob["id"])
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveInvalid() from exc
