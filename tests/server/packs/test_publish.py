"""Publishing verifies archives like a phone would and never downgrades; serving supports
ETag, Range and If-Range."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from xuedian.extensions import db
from xuedian.keys.service import verify_envelope
from xuedian.packs.builder import build
from xuedian.packs.models import PackRelease
from xuedian.packs.service import publish


def _built(pack_source, keyring, tmp_path, version: int = 1) -> Path:
    path = pack_source / "pack.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("version: 1", f"version: {version}"), "utf-8")
    return build(pack_source, tmp_path / f"v{version}", keyring).archive


def _releases(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(PackRelease))


def test_publish_then_catalog_lists_the_pack_signed(app, client, pack_source, keyring, tmp_path):
    archive = _built(pack_source, keyring, tmp_path)
    with app.app_context():
        publish(archive)
    response = client.get("/api/v1/catalog")
    signed = verify_envelope(response.json, "catalog", keyring.trusted())
    assert [(p["pack_id"], p["version"]) for p in signed["packs"]] == [("xuedian-welcome", 1)]
    assert signed["expires"] > signed["created"]
    again = client.get("/api/v1/catalog", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_publish_refuses_same_or_lower_version(app, pack_source, keyring, tmp_path):
    v2 = _built(pack_source, keyring, tmp_path, version=2)
    with app.app_context():
        publish(v2)
    v1 = _built(pack_source, keyring, tmp_path, version=1)
    from xuedian.packs.service import PackDowngrade

    with app.app_context(), pytest.raises(PackDowngrade):
        publish(v1)
    assert _releases(app) == 1


def _rewrite(archive: Path, target: Path, change) -> Path:
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(target, "w") as out:
        entries = {name: src.read(name) for name in src.namelist()}
        for name, data in change(entries).items():
            out.writestr(name, data)
    return target


def _tamper_manifest(entries):
    envelope = json.loads(entries["manifest.json"])
    envelope["signed"]["credit_hours"] = 99
    return {**entries, "manifest.json": json.dumps(envelope).encode()}


def _tamper_blob(entries):
    name = next(n for n in entries if n.startswith("blobs/"))
    data = bytearray(entries[name])
    data[-1] ^= 1
    return {**entries, name: bytes(data)}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (_tamper_manifest, "signature-invalid"),
        (_tamper_blob, "blob-hash-mismatch"),
        (lambda e: {**e, "../../evil.sh": b"rm -rf /"}, "pack-archive-unsafe"),
        (lambda e: {**e, "blobs/../../x": b"1"}, "pack-archive-unsafe"),
        (lambda e: {k: v for k, v in e.items() if k != "manifest.json"}, "pack-archive-invalid"),
    ],
)
def test_publish_refuses_hostile_archives(app, pack_source, keyring, tmp_path, change, code):
    archive = _built(pack_source, keyring, tmp_path)
    bad = _rewrite(archive, tmp_path / "bad.xdpack", change)
    from xuedian.errors import XuedianError

    with app.app_context(), pytest.raises(XuedianError) as caught:
        publish(bad)
    assert caught.value.code == code
    assert _releases(app) == 0
    store = Path(app.instance_path) / "store" / "archives"
    assert not any(store.glob("*.xdpack")) if store.exists() else True


def test_publish_refuses_archive_signed_by_unknown_key(app, pack_source, tmp_path):
    from xuedian.keys.service import KeyRing

    stranger = KeyRing(tmp_path / "stranger")
    stranger.create()
    archive = build(pack_source, tmp_path / "out", stranger).archive
    from xuedian.keys.service import KeyUnknown

    with app.app_context(), pytest.raises(KeyUnknown):
        publish(archive)


def test_blobs_and_archives_support_range_and_if_range(app, client, pack_source, keyring, tmp_path):
    archive = _built(pack_source, keyring, tmp_path)
    with app.app_context():
        publish(archive)
    manifest = client.get("/api/v1/packs/xuedian-welcome/1/manifest").json
    blob = manifest["signed"]["blobs"][0]
    url = f"/blobs/{blob['id']}"
    full = client.get(url)
    assert full.headers["Content-Type"] == "application/octet-stream"
    assert "immutable" in full.headers["Cache-Control"]
    assert "Content-Encoding" not in full.headers
    part = client.get(url, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206
    assert part.data == full.data[10:20]

    archive_url = "/api/v1/packs/xuedian-welcome/1/archive"
    whole = client.get(archive_url)
    etag = whole.headers["ETag"]
    resumed = client.get(archive_url, headers={"Range": "bytes=100-", "If-Range": etag})
    assert resumed.status_code == 206
    assert resumed.data == whole.data[100:]
    stale = client.get(archive_url, headers={"Range": "bytes=100-", "If-Range": '"other"'})
    assert stale.status_code == 200
    assert stale.data == whole.data


def test_publish_refuses_archive_with_flipped_byte_and_stale_crc(
    app, pack_source, keyring, tmp_path
):
    archive = _built(pack_source, keyring, tmp_path)
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = next(i for i in zf.infolist() if i.filename.startswith("blobs/"))
    # Stored entries: data starts after the 30-byte local header, the name and extra field.
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + info.file_size // 2] ^= 0xFF
    bad = tmp_path / "flipped.xdpack"
    bad.write_bytes(bytes(data))
    from xuedian.packs.archive import BlobHashMismatch

    with app.app_context(), pytest.raises(BlobHashMismatch):
        publish(bad)
    assert _releases(app) == 0
    blobs = Path(app.instance_path) / "store" / "blobs"
    assert not list(blobs.rglob("*")) or all(p.is_dir() for p in blobs.rglob("*"))


def _entries_added(archive: Path, target: Path, added) -> Path:
    """Copy ``archive`` with ``added(entries)`` as extra (name, bytes, unix mode) entries;
    a name already there makes it appear twice (first when ``first``)."""
    with zipfile.ZipFile(archive) as src:
        entries = [(i.filename, src.read(i), 0o100644) for i in src.infolist()]
    with zipfile.ZipFile(target, "w") as out:
        for name, data, mode in added(entries):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = mode << 16
            out.writestr(info, data)
    return target


def _stray(entries):
    return [*entries, ("blobs/" + "ab" * 32, b"not listed", 0o100644)]


def _stray_link(entries):
    return [*entries, ("blobs/" + "ab" * 32, b"/etc/passwd", 0o120777)]


def _manifest_twice_tampered_first(entries):
    tampered = json.loads(entries[0][1])
    tampered["signed"]["credit_hours"] = 99
    return [("manifest.json", json.dumps(tampered).encode(), 0o100644), *entries]


def _blob_twice_bad_first(entries):
    name, data, mode = entries[1]
    return [entries[0], (name, bytes(len(data)), mode), *entries[1:]]


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize(
    "added", [_stray, _stray_link, _manifest_twice_tampered_first, _blob_twice_bad_first]
)
def test_publish_refuses_what_every_phone_refuses(app, pack_source, keyring, tmp_path, added):
    archive = _built(pack_source, keyring, tmp_path)
    bad = _entries_added(archive, tmp_path / "bad.xdpack", added)
    from xuedian.errors import XuedianError

    with app.app_context(), pytest.raises(XuedianError) as caught:
        publish(bad)
    assert caught.value.code == "pack-archive-unsafe"
    assert _releases(app) == 0
