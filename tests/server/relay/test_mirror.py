"""The mirror: the county's signed catalog kept as it came, archives downloaded with Range
resume and verified like the county's publish does; tampered files refused, the old mirror
kept."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

from xuedian.packs.service import publish

from .conftest import one_backend

pytestmark = one_backend

V1 = "xuedian-welcome-v1.xdpack"
V2 = "xuedian-welcome-v2.xdpack"


def mirrored(relay) -> list[str]:
    return [p["file"] for p in relay.mirror.packs()]


def last_error(relay) -> dict | None:
    return relay.state.cursor(relay.upstream_url)["last_error"]


def test_mirror_keeps_the_signed_catalog_as_is_and_serves_archives_with_range(
    relay, relay_client, county, county_kit
):
    relay.run_pass(force=True)
    assert mirrored(relay) == [V1]
    catalog = relay_client.get("/api/v1/catalog")
    with county.app.test_client() as county_client:
        assert catalog.data == county_client.get("/api/v1/catalog").data

    whole = county_kit.v1.read_bytes()
    response = relay_client.get(f"/packs/{V1}")
    assert response.status_code == 200
    assert response.data == whole
    assert response.headers["Content-Disposition"] == f"attachment; filename={V1}"
    etag = response.headers["ETag"]

    part = relay_client.get(f"/packs/{V1}", headers={"Range": "bytes=1000-"})
    assert part.status_code == 206
    assert part.data == whole[1000:]
    same = relay_client.get(f"/packs/{V1}", headers={"Range": "bytes=1000-", "If-Range": etag})
    assert (same.status_code, same.data) == (206, whole[1000:])
    changed = relay_client.get(
        f"/packs/{V1}", headers={"Range": "bytes=1000-", "If-Range": '"other"'}
    )
    assert (changed.status_code, changed.data) == (200, whole)
    api = relay_client.get("/api/v1/packs/xuedian-welcome/1/archive")
    assert api.data == whole
    assert relay_client.get("/packs/nothing-v1.xdpack").status_code == 404


def test_mirror_asks_for_the_catalog_with_its_etag(relay, county):
    relay.run_pass(force=True)
    relay.run_pass(force=True)
    catalogs = county.faults.paths("GET", "/api/v1/catalog")
    assert [c.status for c in catalogs] == [200, 304]
    assert len(county.faults.paths("GET", "/api/v1/packs/")) == 1


def test_cut_archive_download_resumes_with_range(relay, county, county_kit):
    county.faults.cut_archive_after = 20_000
    relay.run_pass(force=True)
    assert mirrored(relay) == []
    partial = relay.mirror.partial / f"{V1}.part"
    assert partial.stat().st_size == 20_000
    assert last_error(relay)["code"] == "relay-upstream-unreachable"

    relay.run_pass(force=True)
    assert mirrored(relay) == [V1]
    downloads = county.faults.paths("GET", "/api/v1/packs/xuedian-welcome/1/archive")
    assert [(d.range, d.status) for d in downloads] == [(None, 200), ("bytes=20000-", 206)]
    assert (relay.mirror.archives / V1).read_bytes() == county_kit.v1.read_bytes()
    assert not partial.exists()


def test_new_version_replaces_the_old_archive(relay, relay_client, county, county_kit):
    relay.run_pass(force=True)
    with county.app.app_context():
        publish(county_kit.v2)
    relay.run_pass(force=True)
    assert mirrored(relay) == [V2]
    assert sorted(p.name for p in relay.mirror.archives.iterdir()) == [V2]
    assert relay_client.get(f"/packs/{V1}").status_code == 404
    assert relay_client.get(f"/packs/{V2}").data == county_kit.v2.read_bytes()


def _damage_a_blob(archive: Path) -> None:
    """Rewrite an archive with one blob's bytes changed (the zip itself stays valid)."""
    with zipfile.ZipFile(archive) as zf:
        entries = [(info.filename, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(archive, "w") as out:
        for name, data in entries:
            if name.startswith("blobs/") and len(data) > 10:
                data = bytes([data[0] ^ 0xFF]) + data[1:]
            out.writestr(name, data)


def test_tampered_archive_is_refused_and_the_old_mirror_stays(
    relay, relay_client, county, county_kit
):
    relay.run_pass(force=True)
    with county.app.app_context():
        publish(county_kit.v2)
        stored = Path(county.app.instance_path) / "store" / "archives" / V2
    _damage_a_blob(stored)
    relay.run_pass(force=True)
    assert mirrored(relay) == [V1]
    assert relay_client.get(f"/packs/{V1}").data == county_kit.v1.read_bytes()
    assert last_error(relay)["code"] == "blob-hash-mismatch"
    assert not (relay.mirror.archives / V2).exists()
    assert list(relay.mirror.partial.iterdir()) == []


def test_tampered_catalog_is_refused_and_the_old_mirror_stays(relay, county, county_kit):
    relay.run_pass(force=True)
    before = relay.mirror.catalog_bytes()
    with county.app.app_context():
        publish(county_kit.v2)
    county.faults.tamper_catalog = True
    relay.run_pass(force=True)
    assert mirrored(relay) == [V1]
    assert relay.mirror.catalog_bytes() == before
    assert last_error(relay)["code"] == "signature-invalid"
    assert county.faults.paths("GET", "/api/v1/packs/xuedian-welcome/2/") == []
    # Untampered again: the relay catches up.
    county.faults.tamper_catalog = False
    relay.run_pass(force=True)
    assert mirrored(relay) == [V2]


def test_an_older_signed_catalog_replayed_is_refused(relay, county, county_kit):
    relay.run_pass(force=True)
    old = relay.mirror.catalog_bytes()
    with county.app.app_context():
        publish(county_kit.v2)
    relay.run_pass(force=True)
    county.faults.tamper_catalog = old
    relay.run_pass(force=True)
    assert mirrored(relay) == [V2]
    assert last_error(relay)["code"] == "relay-catalog-older"
    assert json.loads(relay.mirror.catalog_bytes())["signed"]["packs"][0]["version"] == 2


def test_catalog_signed_by_a_key_not_pinned_is_refused(relay, county, county_kit):
    relay.run_pass(force=True)
    ring = county.app.extensions["xuedian.keyring"]
    ring.create()
    with county.app.app_context():
        publish(county_kit.v2)  # v2 was signed by the old key, still trusted at the county
    relay.run_pass(force=True)
    assert mirrored(relay) == [V1]
    assert last_error(relay)["code"] == "key-unknown"
    digest = hashlib.sha256((relay.mirror.archives / V1).read_bytes()).hexdigest()
    assert digest == hashlib.sha256(county_kit.v1.read_bytes()).hexdigest()
