"""The kiosk mirror applies the shared archive rules (tests/vectors/archives.json), and one
bad catalog or catalog entry is refused with its code, never a traceback that ends the pass.

A fake upstream serves a catalog signed with the vectors' key and the vectors' archives, so
these tests need neither a county nor a database.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from email.message import Message
from pathlib import Path

import pytest

from xuedian.packs.archive import served_manifest
from xuedian.relay.mirror import Mirror
from xuedian.relay.upstream import Answer

VECTORS = Path(__file__).resolve().parents[2] / "vectors"
sys.path.insert(0, str(VECTORS))
try:
    import make_archive_vectors as kit
finally:
    sys.path.remove(str(VECTORS))
CASES = {c["name"]: base64.b64decode(c["archive"]) for c in kit.vectors()["cases"]}


def _manifest_sha256(archive: bytes, tmp_path: Path) -> str:
    import zipfile

    path = tmp_path / "probe.xdpack"
    path.write_bytes(archive)
    with zipfile.ZipFile(path) as zf:
        raw = zf.read(zf.infolist()[0])
    return hashlib.sha256(served_manifest(raw).encode("utf-8")).hexdigest()


def _catalog(entries: list[dict], key_id=kit.KEY_ID, created="2026-01-01T00:00:00Z") -> bytes:
    body = {
        "type": "catalog",
        "schema_version": 1,
        "created": created,
        "expires": "2099-01-01T00:00:00Z",
        "packs": entries,
        "key_id": kit.KEY_ID,
    }
    signature = kit.b64url(kit.PRIVATE.sign(kit.canonical(body)))
    body["key_id"] = key_id
    return json.dumps({"signed": body, "signature": signature}).encode()


class FakeUpstream:
    """Answers the catalog and archive paths from memory."""

    def __init__(self, catalog: bytes, archives: dict[str, bytes]):
        self.catalog = catalog
        self.archives = archives

    def request(self, method, path, headers=None, data=None, limit=8 << 20) -> Answer:
        assert (method, path) == ("GET", "/api/v1/catalog")
        return Answer(200, Message(), self.catalog)

    def download(self, path: str, target: Path, validator: str, limit: int) -> None:
        target.write_bytes(self.archives[path])


def _entry(pack_id: str, archive: bytes, tmp_path: Path) -> dict:
    return {
        "pack_id": pack_id,
        "version": 1,
        "size": len(archive),
        "title": {"en": pack_id},
        "manifest_sha256": _manifest_sha256(archive, tmp_path),
    }


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("key-id-list", "signature-invalid"),
        ("key-id-object", "signature-invalid"),
        ("extra-unlisted-symlink", "pack-archive-unsafe"),
        ("manifest-twice-tampered-first", "pack-archive-unsafe"),
        ("blob-twice-bad-first", "pack-archive-unsafe"),
        ("encrypted-entry", "pack-archive-invalid"),
        ("unknown-method", "pack-archive-invalid"),
    ],
)
def test_one_bad_archive_is_refused_and_the_next_pack_is_mirrored(tmp_path, case, code):
    # The bad archive is listed first, under a pack id of its own.
    bad, good = CASES[case], CASES["valid"]
    catalog = _catalog([_entry("aaa-first", bad, tmp_path), _entry("vector-pack", good, tmp_path)])
    upstream = FakeUpstream(
        catalog,
        {"/api/v1/packs/aaa-first/1/archive": bad, "/api/v1/packs/vector-pack/1/archive": good},
    )
    mirror = Mirror(tmp_path / "mirror")
    result = mirror.update(upstream, kit.TRUSTED, None)
    assert [(what, error.code) for what, error in result.refused] == [("aaa-first-v1.xdpack", code)]
    assert result.fetched == ["vector-pack-v1.xdpack"]
    assert [p["file"] for p in mirror.packs()] == ["vector-pack-v1.xdpack"]
    assert (mirror.archives / "vector-pack-v1.xdpack").read_bytes() == good


@pytest.mark.parametrize("key_id", [[kit.KEY_ID], {"id": kit.KEY_ID}, 7, None])
def test_catalog_with_a_key_id_that_is_not_a_string_is_refused_with_a_code(tmp_path, key_id):
    good = CASES["valid"]
    upstream = FakeUpstream(
        _catalog([_entry("vector-pack", good, tmp_path)], key_id=key_id),
        {"/api/v1/packs/vector-pack/1/archive": good},
    )
    mirror = Mirror(tmp_path / "mirror")
    result = mirror.update(upstream, kit.TRUSTED, None)
    assert [(what, error.code) for what, error in result.refused] == [
        ("catalog", "signature-invalid")
    ]
    assert mirror.packs() == []
    assert mirror.catalog_bytes() is None


def test_a_good_catalog_from_the_fake_upstream_is_mirrored(tmp_path):
    good = CASES["valid"]
    upstream = FakeUpstream(
        _catalog([_entry("vector-pack", good, tmp_path)]),
        {"/api/v1/packs/vector-pack/1/archive": good},
    )
    mirror = Mirror(tmp_path / "mirror")
    result = mirror.update(upstream, kit.TRUSTED, None)
    assert (result.fetched, result.refused) == (["vector-pack-v1.xdpack"], [])


@pytest.mark.parametrize("created", [None, "", 5, "0001-01-01T00:00:00+14:00"])
def test_a_signed_catalog_without_a_readable_time_is_refused_and_the_mirror_stays(
    tmp_path, created
):
    good = CASES["valid"]
    archives = {"/api/v1/packs/vector-pack/1/archive": good}
    mirror = Mirror(tmp_path / "mirror")
    mirror.update(
        FakeUpstream(_catalog([_entry("vector-pack", good, tmp_path)]), archives), kit.TRUSTED, None
    )
    kept = mirror.catalog_bytes()
    odd = FakeUpstream(_catalog([_entry("vector-pack", good, tmp_path)], created=created), archives)
    result = mirror.update(odd, kit.TRUSTED, None)
    assert [(what, error.code) for what, error in result.refused] == [
        ("catalog", "pack-archive-invalid")
    ]
    assert mirror.catalog_bytes() == kept
    assert [p["file"] for p in mirror.packs()] == ["vector-pack-v1.xdpack"]


def test_a_catalog_entry_with_a_boolean_version_is_skipped_and_the_others_mirrored(tmp_path):
    good = CASES["valid"]
    odd = {**_entry("vector-pack", good, tmp_path), "pack_id": "odd-pack", "version": True}
    upstream = FakeUpstream(
        _catalog([odd, _entry("vector-pack", good, tmp_path)]),
        {"/api/v1/packs/vector-pack/1/archive": good},
    )
    mirror = Mirror(tmp_path / "mirror")
    result = mirror.update(upstream, kit.TRUSTED, None)
    assert result.fetched == ["vector-pack-v1.xdpack"]
    assert [p["file"] for p in mirror.packs()] == ["vector-pack-v1.xdpack"]
