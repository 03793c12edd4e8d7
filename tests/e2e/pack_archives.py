"""Forging the pack archives the import browser tests feed the phone (test_pack_import.py).

Real archives are built from the welcome pack's source with the server's key ring; the rest
are written entry by entry (names, order and header sizes exactly as given, which zipfile
will not do): tampered, unsigned, zip-slip, bombs, truncated and the like. Owns nothing
but the files it writes into the folder it is given.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from xuedian.keys.service import KeyRing
from xuedian.packs.builder import build

from .conftest import ROOT

PACK = "xuedian-welcome"
MB = 1024 * 1024


@dataclass
class Entry:
    """One zip entry as written: name, bytes on disk, method and the header's claims."""

    name: str
    payload: bytes
    method: int = 0
    crc: int = 0
    size: int = 0  # uncompressed size written in the headers
    csize: int | None = None  # compressed size written in the headers, if not len(payload)


def stored(name: str, data: bytes) -> Entry:
    return Entry(name, data, 0, zlib.crc32(data), len(data))


def deflate_bomb(name: str, claimed: int, total: int) -> Entry:
    """A deflate entry that claims ``claimed`` bytes but inflates to ``total`` zero bytes."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(MB)
    parts, crc = [], 0
    for _ in range(total // MB):
        parts.append(comp.compress(zeros))
        crc = zlib.crc32(zeros, crc)
    parts.append(comp.flush())
    return Entry(name, b"".join(parts), 8, crc, claimed)


def write_zip(path: Path, entries: list[Entry]) -> Path:
    """Write entries exactly as given (names, order, header sizes), which zipfile won't."""
    out, central = bytearray(), bytearray()
    for e in entries:
        name = e.name.encode()
        csize = len(e.payload) if e.csize is None else e.csize
        sizes = (e.crc, csize, e.size, len(name), 0)
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0x800,
            e.method,
            0,
            0x21,
            *sizes,
            0,
            0,
            0,
            0o644 << 16,
            len(out),
        )
        central += name
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, e.method, 0, 0x21, *sizes)
        out += name + e.payload
    count = len(entries)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), len(out), 0)
    path.write_bytes(bytes(out + central + end))
    return path


def entries_of(archive: Path) -> list[Entry]:
    with zipfile.ZipFile(archive) as zf:
        return [stored(i.filename, zf.read(i)) for i in zf.infolist()]


def build_version(source: Path, out: Path, keyring: KeyRing, version: int) -> Path:
    """Build ``source`` as ``version``; from version 2 on two lessons' text changes."""
    work = out / f"src-v{version}-{keyring.active().key_id}" / PACK
    shutil.copytree(source, work)
    yaml = work / "pack.yaml"
    yaml.write_text(re.sub(r"(?m)^version: \d+", f"version: {version}", yaml.read_text("utf-8")))
    if version >= 2:
        for lesson in ("01-welcome.md", "02-offline.md"):
            path = work / "lessons" / lesson
            path.write_text(path.read_text("utf-8") + f"\n第 {version} 版新增：导入课程文件。\n")
    return build(work, out / f"v{version}-{keyring.active().key_id}", keyring).archive


def forge_archives(ring: KeyRing, out: Path) -> dict[str, Path]:
    """Every archive the tests import, keyed by what it is. Leaves ``ring`` with K0 retired,
    K1 revoked and K2 active."""
    source = ROOT / "content_packs" / PACK
    ring.ensure()
    made = {"retired-key": build_version(source, out, ring, 1)}
    ring.create()
    made["expired-key"] = build_version(source, out, ring, 1)
    expired = ring.active().key_id
    ring.create()
    ring.revoke(expired)
    stranger = KeyRing(out / "stranger")
    stranger.create()
    made["unknown-key"] = build_version(source, out, stranger, 2)
    made["v1"] = v1 = build_version(source, out, ring, 1)
    made["v2"] = v2 = build_version(source, out, ring, 2)

    entries = entries_of(v2)
    manifest, blobs = entries[0], entries[1:]
    new = [i for i, e in enumerate(blobs) if e.name[6:] not in blob_sizes(v1)]
    assert len(new) >= 2, "v2 must bring new blobs, so a late failure has something to undo"
    last_new = new[-1]

    def variant(name: str, listing: list[Entry]) -> None:
        made[name] = write_zip(out / f"{name}.xdpack", listing)

    size = len(blobs[last_new].payload)
    flipped = bytearray(blobs[last_new].payload)
    flipped[len(flipped) // 2] ^= 0x01
    variant(
        "tampered-blob",
        [
            manifest,
            *blobs[:last_new],
            stored(blobs[last_new].name, bytes(flipped)),
            *blobs[last_new + 1 :],
        ],
    )
    text = manifest.payload.decode()
    changed = re.sub(
        r'("credit_hours": )(\d)', lambda m: m[1] + str((int(m[2]) + 1) % 10), text, count=1
    )
    assert changed != text and len(changed) == len(text)
    variant("tampered-manifest", [stored("manifest.json", changed.encode()), *blobs])
    envelope = json.loads(text)
    del envelope["signature"]
    variant("unsigned", [stored("manifest.json", json.dumps(envelope).encode()), *blobs])
    variant("zip-slip-parent", [manifest, stored("../evil", b"x"), *blobs])
    variant("zip-slip-absolute", [manifest, stored("/abs", b"x"), *blobs])
    variant("extra-entry", [manifest, *blobs, stored("blobs/readme.txt", b"x")])
    bomb = deflate_bomb(blobs[last_new].name, claimed=size, total=512 * MB)
    variant("bomb", [manifest, *blobs[:last_new], bomb, *blobs[last_new + 1 :]])
    padded = json.loads(text)
    padded["padding"] = "x" * (4 * MB)
    variant("huge-manifest", [stored("manifest.json", json.dumps(padded).encode()), *blobs])
    variant("manifest-not-first", [*blobs, manifest])
    made["truncated"] = out / "truncated.xdpack"
    made["truncated"].write_bytes(v2.read_bytes()[: v2.stat().st_size * 9 // 10])
    # A late entry shorter than its header says: earlier blobs are stored by then.
    cut = blobs[last_new]
    short = Entry(cut.name, cut.payload[: size // 2], 0, cut.crc, size, csize=size)
    variant("cut-entry", [manifest, *blobs[:last_new], short])
    made["not-zip"] = out / "photo.xdpack"
    made["not-zip"].write_bytes(
        (ROOT / "pwa" / "src" / "app" / "icons" / "icon-192.png").read_bytes()
    )
    return made


def blob_sizes(archive: Path) -> dict[str, int]:
    with zipfile.ZipFile(archive) as zf:
        envelope = json.loads(zf.read("manifest.json"))
    return {b["id"]: b["size"] for b in envelope["signed"]["blobs"]}


def lesson_entry(archive: Path, lesson_id: str) -> dict:
    with zipfile.ZipFile(archive) as zf:
        envelope = json.loads(zf.read("manifest.json"))
    return next(x for x in envelope["signed"]["lessons"] if x["id"] == lesson_id)
