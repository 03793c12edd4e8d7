"""Reading untrusted ``.xdpack`` archives safely: the county's half of the archive rules.

An archive may come from anywhere (an SD card, a kiosk, a messaging app, a plain-HTTP link),
so nothing in it is trusted until the manifest signature checks out. The county's publish and
import, the kiosk mirror and the phone (``pwa/src/lib/archive-rules.js``) apply one set of
rules, written once as the vectors in ``tests/vectors/archives.json`` and listed in
docs/protocol.md ("Pack archive rules"):

- the zip's entries, as its central directory lists them, are ``manifest.json`` first and then
  ``blobs/<sha256>``; no name twice, no link or folder, no encryption, no data descriptor,
  stored or deflate only, at most 20,000 entries;
- the local headers say the same as the central directory and follow each other from byte 0
  to the central directory with no gap, so a reader going front to back (the phone) and one
  reading the directory (the county) see the same entries;
- after the signature: every blob entry is one the manifest lists, every listed blob is
  there once with its size, and its bytes hash to its id.

Owns no stored data. Every failure is an :class:`ArchiveInvalid` (or a subclass) or a
signature error: nothing else escapes, whatever the bytes.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zipfile
import zlib
from pathlib import Path

from ..errors import XuedianError
from ..keys.service import verify_envelope
from .storage import BLOB_ID, BlobStore, HashMismatch

MAX_MANIFEST_BYTES = 4 * 1024 * 1024
MAX_ARCHIVE_ENTRIES = 20_000
#: A manifest is a few levels deep; deeper JSON is refused before anything recurses over it.
MAX_MANIFEST_DEPTH = 32
#: A directory entry is 46 bytes plus its name; 256 each is far more than a pack needs.
MAX_DIRECTORY_BYTES = MAX_ARCHIVE_ENTRIES * 256
MANIFEST = "manifest.json"
_LOCAL = struct.Struct("<4sHHHHHIIIHH")
_LOCAL_MAGIC = b"PK\x03\x04"
#: The central directory entry up to its name, extra and comment lengths (46 bytes in all).
_CENTRAL = struct.Struct("<28xHHH12x")
_S_IFMT, _S_IFREG, _DOS_FOLDER = 0o170000, 0o100000, 0x10
_ENCRYPTED, _DESCRIPTOR = 0x1, 0x8
#: What a damaged or hostile zip makes the standard library raise, besides our own errors:
#: NotImplementedError (unknown method), RuntimeError (encryption), RecursionError
#: (deep JSON), zlib.error, EOFError, struct.error, OverflowError, ValueError.
_BROKEN = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    ValueError,
    LookupError,
    RuntimeError,
    NotImplementedError,
    zlib.error,
    struct.error,
    OverflowError,
)


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


def _open(archive: Path) -> zipfile.ZipFile:
    """Open an archive once its directory is of a size worth reading, as the phone does."""
    with open(archive, "rb") as handle:
        if handle.read(4) != _LOCAL_MAGIC:
            raise ArchiveInvalid("The file is not a pack archive.")
        # zipfile keeps no record of the end record's sizes; its own reader is the one to ask.
        end = zipfile._EndRecData(handle)
    if end is None:
        raise ArchiveInvalid("The archive has no readable end record; it may be cut short.")
    if end[zipfile._ECD_SIZE] > MAX_DIRECTORY_BYTES:
        raise ArchiveUnsafe("The archive has too many entries.")
    zf = zipfile.ZipFile(archive)
    zf.xuedian_end = end
    return zf


def read_manifest(archive: Path, trusted: list[dict]) -> tuple[dict, bytes]:
    """Return (verified manifest body, manifest bytes) of an archive that keeps every rule.

    Raises :class:`ArchiveInvalid`, :class:`ArchiveUnsafe`, :class:`BlobHashMismatch` or a
    signature error.
    """
    try:
        with _open(archive) as zf:
            infos = check_entries(zf)
            info = infos[0]
            if info.file_size > MAX_MANIFEST_BYTES:
                raise ArchiveUnsafe("The manifest is too large.")
            raw = _read_capped(zf, info, MAX_MANIFEST_BYTES)
            envelope = json.loads(raw)
        if _depth(envelope) > MAX_MANIFEST_DEPTH:
            raise ArchiveInvalid("The manifest is nested too deeply.")
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ArchiveInvalid("The manifest is not valid JSON.") from exc
    except _BROKEN as exc:
        raise ArchiveInvalid() from exc
    manifest = verify_envelope(envelope, "manifest", trusted)
    check_listing(infos, manifest)
    return manifest, raw


def served_manifest(raw: bytes) -> str:
    """Return the manifest text the county serves for an archive's ``manifest.json`` bytes.

    Its sha256 is the catalog's ``manifest_sha256``, which ties an archive to its catalog
    entry. Raises ``ValueError`` when ``raw`` is not JSON.
    """
    return json.dumps(json.loads(raw), ensure_ascii=False, separators=(",", ":"))


def check_entries(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """Return the entries of an open archive, in file order, once the layout rules hold.

    Raises :class:`ArchiveUnsafe` (a name outside the layout, a repeat, a link or folder,
    too many entries) or :class:`ArchiveInvalid` (no manifest first, an unsupported entry,
    local headers that disagree with the central directory).
    """
    end = zf.xuedian_end
    infos = zf.infolist()
    _check_directory(zf, end[zipfile._ECD_SIZE])
    if max(len(infos), end[zipfile._ECD_ENTRIES_TOTAL]) > MAX_ARCHIVE_ENTRIES:
        raise ArchiveUnsafe("The archive has too many entries.", entries=len(infos))
    seen: set[str] = set()
    for info in infos:
        # The raw name: ZipInfo.filename drops everything after a NUL byte.
        name = info.orig_filename
        blob_id = name.removeprefix("blobs/")
        # fullmatch: ``$`` would let a name end in a newline, which the phone refuses.
        if name != MANIFEST and (blob_id == name or not BLOB_ID.fullmatch(blob_id)):
            raise ArchiveUnsafe(f"Unexpected entry {name[:100]!r}.", entry=name[:200])
        if name in seen:
            raise ArchiveUnsafe(f"The archive holds {name[:100]} twice.", entry=name[:200])
        seen.add(name)
        mode = info.external_attr >> 16
        if mode & _S_IFMT not in (0, _S_IFREG) or info.external_attr & _DOS_FOLDER:
            raise ArchiveUnsafe("An archive entry is a link or a folder.", entry=name)
        if info.flag_bits & (_ENCRYPTED | _DESCRIPTOR) or info.compress_type not in (
            zipfile.ZIP_STORED,
            zipfile.ZIP_DEFLATED,
        ):
            raise ArchiveInvalid("An archive entry is stored in a way packs never are.", entry=name)
    if not infos or infos[0].filename != MANIFEST:
        raise ArchiveInvalid("manifest.json must be the first entry.")
    _check_local_headers(zf, infos)
    return infos


def _check_directory(zf: zipfile.ZipFile, size: int) -> None:
    """Every directory entry lies wholly inside the directory, as the phone requires.

    zipfile reads a name that runs past the directory's end as a shorter name instead.
    """
    zf.fp.seek(zf.start_dir)
    data = zf.fp.read(size)
    at = 0
    while at < len(data):
        if at + _CENTRAL.size > len(data) or data[at : at + 4] != b"PK\x01\x02":
            raise ArchiveInvalid("The archive directory is damaged.")
        name, extra, comment = _CENTRAL.unpack_from(data, at)[-3:]
        at += _CENTRAL.size + name + extra + comment
        if at > len(data):
            raise ArchiveInvalid("The archive directory is damaged.")


def _raw_name(info: zipfile.ZipInfo) -> bytes:
    return info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437")


def _check_local_headers(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """The local headers match the directory and tile the file from 0 to the directory."""
    at = 0
    handle = zf.fp
    for info in infos:
        if info.header_offset != at:
            raise ArchiveInvalid("The archive has bytes between its entries.", entry=info.filename)
        handle.seek(at)
        head = handle.read(_LOCAL.size)
        if len(head) != _LOCAL.size:
            raise ArchiveInvalid("The archive ends too early.")
        magic, _, flags, method, _, _, crc, size, raw_size, name_len, extra_len = _LOCAL.unpack(
            head
        )
        name = handle.read(name_len)
        if (magic, name, flags, method, crc, size, raw_size) != (
            _LOCAL_MAGIC,
            _raw_name(info),
            info.flag_bits,
            info.compress_type,
            info.CRC,
            info.compress_size,
            info.file_size,
        ):
            raise ArchiveInvalid(
                "An entry's local header disagrees with the directory.", entry=info.filename
            )
        at += _LOCAL.size + name_len + extra_len + info.compress_size
    if at != zf.start_dir:
        raise ArchiveInvalid("The archive has bytes its directory does not list.")


def check_listing(infos: list[zipfile.ZipInfo], manifest: dict) -> None:
    """Every blob entry is listed by the (verified) manifest, and every listed blob is there.

    Raises :class:`ArchiveUnsafe` for an unlisted entry, :class:`ArchiveInvalid` for a
    missing blob or a manifest whose blob list is malformed, :class:`BlobHashMismatch` for
    an entry whose size is not the listed one.
    """
    listed = _listed(manifest)
    entries = {i.filename.removeprefix("blobs/"): i for i in infos if i.filename != MANIFEST}
    for blob_id in entries:
        if blob_id not in listed:
            raise ArchiveUnsafe(
                "The archive holds a blob the manifest does not list.", blob=blob_id
            )
    for blob_id, size in listed.items():
        if blob_id not in entries:
            raise ArchiveInvalid(f"Blob {blob_id} is missing.", blob=blob_id)
        if entries[blob_id].file_size != size:
            raise BlobHashMismatch(blob=blob_id)


def _listed(manifest: dict) -> dict[str, int]:
    blobs = manifest.get("blobs") if isinstance(manifest, dict) else None
    listed: dict[str, int] = {}
    for blob in blobs if isinstance(blobs, list) else [None]:
        blob_id = blob.get("id") if isinstance(blob, dict) else None
        size = blob.get("size") if isinstance(blob, dict) else None
        if (
            not isinstance(blob_id, str)
            or not BLOB_ID.fullmatch(blob_id)
            or type(size) is not int
            or size < 0
            or blob_id in listed
        ):
            raise ArchiveInvalid("The manifest's blob list is malformed or repeats a blob.")
        listed[blob_id] = size
    return listed


def _depth(value) -> int:
    """How deeply arrays and objects nest in a JSON value, counted without recursion."""
    deepest, level = 0, [(value, 1)]
    while level:
        item, depth = level.pop()
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        )
        if children is None:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_MANIFEST_DEPTH:
            break
        level.extend((child, depth + 1) for child in children)
    return deepest


def _read_capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """Read an entry, refusing it at the first byte past ``limit`` (a deflate bomb)."""
    with zf.open(info) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise ArchiveUnsafe("An archive entry is larger than it says.", entry=info.filename)
    return data


def _blobs(zf: zipfile.ZipFile, manifest: dict):
    """Yield (blob id, zip entry) of every listed blob once the rules hold."""
    infos = check_entries(zf)
    check_listing(infos, manifest)
    for info in infos[1:]:
        yield info.filename.removeprefix("blobs/"), info


def extract_blobs(archive: Path, manifest: dict, store: BlobStore) -> None:
    """Stream every blob the manifest lists from the archive into ``store``.

    Raises :class:`ArchiveInvalid` when a rule breaks or a blob hashes wrong.
    """
    try:
        with _open(archive) as zf:
            for blob_id, info in _blobs(zf, manifest):
                if store.has(blob_id):
                    continue
                with zf.open(info) as stream:
                    try:
                        store.put_stream(blob_id, stream)
                    # zipfile raises BadZipFile on a CRC mismatch before our hash check ends.
                    except (HashMismatch, zipfile.BadZipFile, zlib.error, EOFError) as exc:
                        raise BlobHashMismatch(blob=blob_id) from exc
    except _BROKEN as exc:
        raise ArchiveInvalid() from exc


def check_archive(archive: Path, manifest: dict) -> None:
    """Check the rules, and that every listed blob is in the archive with its size and hash.

    Writes nothing, so a caller can check before it stores anything.
    Raises :class:`ArchiveInvalid` or :class:`BlobHashMismatch`.
    """
    try:
        with _open(archive) as zf:
            for blob_id, info in _blobs(zf, manifest):
                digest = hashlib.sha256()
                length = 0
                try:
                    with zf.open(info) as stream:
                        while data := stream.read(1 << 16):
                            length += len(data)
                            if length > info.file_size:
                                break
                            digest.update(data)
                # zipfile raises BadZipFile on a CRC mismatch before our own hash check ends.
                except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                    raise BlobHashMismatch(blob=blob_id) from exc
                if length != info.file_size or digest.hexdigest() != blob_id:
                    raise BlobHashMismatch(blob=blob_id)
    except _BROKEN as exc:
        raise ArchiveInvalid() from exc
