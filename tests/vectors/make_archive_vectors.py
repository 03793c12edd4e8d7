"""Write ``tests/vectors/archives.json``: the pack archive rules as cases, one small archive each.

The county (server/xuedian/packs/archive.py, tests/server/packs/test_archive_vectors.py) and
the phone (pwa/src/workers/archive-reader.js, pwa/test/archive.test.mjs) both read every
case and must give its ``code`` (null: the archive is accepted). ``phone_code`` is the
phone's name for the same refusal where it has its own (docs/errors.md).

Run ``python tests/vectors/make_archive_vectors.py`` after changing a case; the output is
byte for byte the same on every run (fixed key, fixed zip dates), and a test checks that the
committed file is what this script writes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

OUT = Path(__file__).with_name("archives.json")
#: Fixed seed: the vectors must not change between runs. Signs nothing but these vectors.
SEED = hashlib.sha256(b"xuedian archive vectors").digest()
REGULAR, SYMLINK, FOLDER = 0o100644 << 16, 0o120777 << 16, (0o040755 << 16) | 0x10
DOS_TIME, DOS_DATE = 0, (2026 - 1980) << 9 | 1 << 5 | 1


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def canonical(value) -> bytes:
    # Enough of RFC 8785 for these bodies: ASCII keys and text, integers.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


PRIVATE = Ed25519PrivateKey.from_private_bytes(SEED)
PUBLIC = PRIVATE.public_key().public_bytes(
    serialization.Encoding.Raw, serialization.PublicFormat.Raw
)
KEY_ID = "k-" + hashlib.sha256(PUBLIC).hexdigest()[:16]
TRUSTED = [{"key_id": KEY_ID, "alg": "Ed25519", "public_key": b64url(PUBLIC)}]

BLOB_A = b"Lesson text, stored as is.\n" * 4
BLOB_B = bytes(range(256)) * 2
ID_A, ID_B = (hashlib.sha256(b).hexdigest() for b in (BLOB_A, BLOB_B))
LISTED = ((ID_A, len(BLOB_A)), (ID_B, len(BLOB_B)))
STRAY = b"not listed anywhere"
ID_STRAY = hashlib.sha256(STRAY).hexdigest()


def manifest(blobs=LISTED, key_id=KEY_ID, **change) -> bytes:
    body = {
        "type": "manifest",
        "schema_version": 1,
        "pack_id": "vector-pack",
        "version": 1,
        "blobs": [{"id": i, "size": n} for i, n in blobs],
        "key_id": key_id,
    }
    signature = b64url(PRIVATE.sign(canonical(body)))
    body.update(change)  # after signing: a tampered copy
    return json.dumps({"signed": body, "signature": signature}, indent=1).encode()


@dataclass(frozen=True)
class Entry:
    name: str
    data: bytes
    method: int = 0
    external: int = REGULAR
    flags: int = 0
    local_name: str | None = None
    listed: bool = True  # False: a local entry the central directory leaves out


def entry(name, data, **kw) -> Entry:
    return Entry(name, data, **kw)


GOOD = [
    entry("manifest.json", manifest()),
    entry(f"blobs/{ID_A}", BLOB_A),
    entry(f"blobs/{ID_B}", BLOB_B),
]


def zip_bytes(entries: list[Entry], gap_after: int | None = None, prefix: bytes = b"") -> bytes:
    """A zip written by hand, so a case can break one rule the standard library keeps."""
    out = bytearray(prefix)
    central = bytearray()
    count = 0
    for index, e in enumerate(entries):
        payload = zlib.compress(e.data, 9)[2:-4] if e.method == 8 else e.data
        crc = zlib.crc32(e.data)
        name = e.name.encode("utf-8")
        local = (e.local_name or e.name).encode("utf-8")
        offset = len(out) - len(prefix)
        out += struct.pack(
            "<4sHHHHHIIIHH", b"PK\x03\x04", 20, e.flags, e.method, DOS_TIME, DOS_DATE,
            crc, len(payload), len(e.data), len(local), 0,
        )  # fmt: skip
        out += local + payload
        if gap_after == index:
            out += b"\0" * 16
        if not e.listed:
            continue
        count += 1
        central += struct.pack(
            "<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 0x0314, 20, e.flags, e.method, DOS_TIME,
            DOS_DATE, crc, len(payload), len(e.data), len(name), 0, 0, 0, 0, e.external, offset,
        )  # fmt: skip
        central += name
    start = len(out) - len(prefix)
    out += central
    out += struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, len(central), start, 0)
    return bytes(out)


def with_(index: int, **change) -> list[Entry]:
    entries = list(GOOD)
    entries[index] = replace(entries[index], **change)
    return entries


DEEP = (b"[" * 5000) + (b"]" * 5000)

CASES = [
    ("valid", "manifest first, every listed blob once, stored", zip_bytes(GOOD), None),
    (
        "valid-deflate",
        "blobs may be deflated",
        zip_bytes(with_(1, method=8)[:2] + [replace(GOOD[2], method=8)]),
        None,
    ),
    (
        "extra-unlisted-blob",
        "a blobs/<sha256> entry the manifest does not list",
        zip_bytes([*GOOD, entry(f"blobs/{ID_STRAY}", STRAY)]),
        "pack-archive-unsafe",
    ),
    (
        "extra-unlisted-symlink",
        "an unlisted blob entry stored as a symlink",
        zip_bytes([*GOOD, entry(f"blobs/{ID_STRAY}", b"/etc/passwd", external=SYMLINK)]),
        "pack-archive-unsafe",
    ),
    (
        "listed-blob-symlink",
        "a listed blob stored as a symlink",
        zip_bytes(with_(2, external=SYMLINK)),
        "pack-archive-unsafe",
    ),
    (
        "listed-blob-folder",
        "a listed blob's entry marked as a folder",
        zip_bytes(with_(1, external=FOLDER)),
        "pack-archive-unsafe",
    ),
    (
        "manifest-twice-tampered-first",
        "manifest.json twice, a tampered copy first",
        zip_bytes([entry("manifest.json", manifest(version=99)), *GOOD]),
        "pack-archive-unsafe",
    ),
    (
        "manifest-twice-tampered-last",
        "manifest.json twice, a tampered copy last",
        zip_bytes([*GOOD, entry("manifest.json", manifest(version=99))]),
        "pack-archive-unsafe",
    ),
    (
        "blob-twice-bad-first",
        "a blob twice, bad bytes first",
        zip_bytes([*GOOD[:2], entry(f"blobs/{ID_B}", bytes(len(BLOB_B))), GOOD[2]]),
        "pack-archive-unsafe",
    ),
    (
        "blob-twice-bad-last",
        "a blob twice, bad bytes last",
        zip_bytes([*GOOD, entry(f"blobs/{ID_B}", bytes(len(BLOB_B)))]),
        "pack-archive-unsafe",
    ),
    ("blob-missing", "a listed blob is not there", zip_bytes(GOOD[:2]), "pack-archive-invalid"),
    (
        "manifest-not-first",
        "a blob before the manifest",
        zip_bytes([GOOD[1], GOOD[0], GOOD[2]]),
        "pack-archive-invalid",
    ),
    ("no-manifest", "blobs only", zip_bytes(GOOD[1:]), "pack-archive-invalid"),
    (
        "traversal",
        "a name that climbs out",
        zip_bytes([*GOOD, entry("../../evil.sh", b"rm -rf /")]),
        "pack-archive-unsafe",
    ),
    (
        "traversal-in-blobs",
        "blobs/../ in a name",
        zip_bytes([*GOOD, entry("blobs/../x", b"1")]),
        "pack-archive-unsafe",
    ),
    (
        "absolute-name",
        "an absolute path",
        zip_bytes([*GOOD, entry("/etc/cron.d/x", b"1")]),
        "pack-archive-unsafe",
    ),
    (
        "backslash-name",
        "a Windows path",
        zip_bytes([*GOOD, entry(f"blobs\\{ID_STRAY}", STRAY)]),
        "pack-archive-unsafe",
    ),
    (
        "upper-case-blob-name",
        "a blob name in upper-case hex",
        zip_bytes(with_(1, name=f"blobs/{ID_A.upper()}")),
        "pack-archive-unsafe",
    ),
    (
        "folder-entry",
        "a blobs/ folder entry",
        zip_bytes([GOOD[0], entry("blobs/", b"", external=FOLDER), *GOOD[1:]]),
        "pack-archive-unsafe",
    ),
    (
        "extra-file",
        "a file outside the layout",
        zip_bytes([*GOOD, entry("readme.txt", b"hello")]),
        "pack-archive-unsafe",
    ),
    (
        "nul-in-name",
        "a NUL byte in a blob name",
        zip_bytes([*GOOD, entry(f"blobs/{ID_A}\0.sh", b"1")]),
        "pack-archive-unsafe",
    ),
    (
        "newline-after-blob-name",
        "a blob name followed by a newline",
        zip_bytes([*GOOD, entry(f"blobs/{ID_A}\n", b"1")]),
        "pack-archive-unsafe",
    ),
    (
        "manifest-lists-id-with-newline",
        "the signed manifest lists a blob id followed by a newline",
        zip_bytes(with_(0, data=manifest(blobs=(*LISTED, (ID_STRAY + "\n", 1))))),
        "pack-archive-invalid",
    ),
    (
        "hidden-local-entry",
        "a local entry the central directory does not list",
        zip_bytes([*GOOD[:2], entry(f"blobs/{ID_STRAY}", STRAY, listed=False), GOOD[2]]),
        "pack-archive-invalid",
    ),
    (
        "gap-between-entries",
        "bytes between two entries",
        zip_bytes(GOOD, gap_after=1),
        "pack-archive-invalid",
    ),
    (
        "local-name-differs",
        "a local header naming another blob than the directory",
        zip_bytes(with_(2, local_name=f"blobs/{ID_STRAY}")),
        "pack-archive-invalid",
    ),
    (
        "encrypted-entry",
        "an entry flagged as encrypted",
        zip_bytes(with_(1, flags=1)),
        "pack-archive-invalid",
    ),
    (
        "unknown-method",
        "an entry compressed with a method packs never use (bzip2)",
        zip_bytes(with_(1, method=12)),
        "pack-archive-invalid",
    ),
    (
        "prefixed-bytes",
        "bytes before the first entry",
        zip_bytes(GOOD, prefix=b"MZ\0\0" * 8),
        "pack-archive-invalid",
        "pack-archive-not-zip",
    ),
    (
        "not-a-zip",
        "a picture, say",
        b"\x89PNG\r\n\x1a\n" + bytes(64),
        "pack-archive-invalid",
        "pack-archive-not-zip",
    ),
    (
        "blob-bad-bytes",
        "a listed blob whose bytes do not hash to its id",
        zip_bytes(with_(2, data=bytes(len(BLOB_B)))),
        "blob-hash-mismatch",
    ),
    (
        "blob-size-differs",
        "a listed blob longer than the manifest says",
        zip_bytes(with_(1, data=BLOB_A + b"!")),
        "blob-hash-mismatch",
    ),
    (
        "manifest-repeats-blob",
        "the signed manifest lists one blob twice",
        zip_bytes(
            with_(
                0,
                data=manifest(
                    blobs=((ID_A, len(BLOB_A)), (ID_B, len(BLOB_B)), (ID_A, len(BLOB_A)))
                ),
            )
        ),
        "pack-archive-invalid",
    ),
    (
        "manifest-not-json",
        "manifest.json is not JSON",
        zip_bytes(with_(0, data=b"{not json")),
        "pack-archive-invalid",
    ),
    (
        "manifest-tampered",
        "the only manifest changed after signing",
        zip_bytes(with_(0, data=manifest(version=99))),
        "signature-invalid",
        "pack-signature-invalid",
    ),
    (
        "key-id-list",
        "a key_id that is a list",
        zip_bytes(with_(0, data=manifest(key_id=[KEY_ID]))),
        "signature-invalid",
        "pack-signature-invalid",
    ),
    (
        "key-id-object",
        "a key_id that is an object",
        zip_bytes(with_(0, data=manifest(key_id={"id": KEY_ID}))),
        "signature-invalid",
        "pack-signature-invalid",
    ),
    (
        "manifest-deep",
        "a manifest nested deeper than parsers recurse",
        zip_bytes(with_(0, data=b'{"signed":' + DEEP + b',"signature":"x"}', method=8)),
        "pack-archive-invalid",
    ),
    (
        "manifest-too-deep",
        "a manifest nested deeper than 32 levels, which any parser can read",
        zip_bytes(with_(0, data=b'{"signed":' + DEEP[4960:5040] + b',"signature":"x"}')),
        "pack-archive-invalid",
    ),
]


def vectors() -> dict:
    cases = []
    for name, description, data, code, *phone in CASES:
        case = {"name": name, "description": description, "code": code}
        if phone:
            case["phone_code"] = phone[0]
        case["archive"] = base64.b64encode(data).decode("ascii")
        cases.append(case)
    return {"trusted": TRUSTED, "cases": cases}


def text() -> str:
    return json.dumps(vectors(), indent=1) + "\n"


if __name__ == "__main__":
    OUT.write_text(text(), "utf-8")
    print(f"wrote {len(CASES)} cases to {OUT}")
