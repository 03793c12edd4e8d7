"""Publishing packs and signing the catalog.

Publishing verifies the archive like a phone would, refuses a version that is not newer,
stores the blobs, records the release and re-signs the catalog.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from ..core.hooks import FeedSection
from ..core.timeutil import iso, utcnow
from ..errors import NotFound, XuedianError
from ..extensions import db
from ..keys.service import NoSigningKey, keyring
from .archive import check_archive, extract_blobs, read_manifest, served_manifest
from .models import CatalogSnapshot, PackRelease
from .schemas import CatalogItem
from .storage import blob_store

#: Re-sign the catalog when less than this is left before it expires.
RESIGN_MARGIN = timedelta(days=7)


class PackDowngrade(XuedianError):
    code = "pack-downgrade"
    status = 409
    message = "A pack can only be replaced by a higher version."


def current_version(pack_id: str) -> int:
    """Return the highest published version of ``pack_id``, 0 when none."""
    top = db.session.scalar(
        select(func.max(PackRelease.version)).where(PackRelease.pack_id == pack_id)
    )
    return top or 0


def publish(archive: Path) -> PackRelease:
    """Publish a built ``.xdpack`` and return its release.

    Raises :class:`PackDowngrade`, or an archive or signature error.
    """
    keys = keyring()
    manifest, raw = read_manifest(archive, keys.trusted())
    current = current_version(manifest["pack_id"])
    if manifest["version"] <= current:
        raise PackDowngrade(
            f"{manifest['pack_id']} v{manifest['version']} is not newer than v{current}.",
            pack_id=manifest["pack_id"],
            version=manifest["version"],
            current=current,
        )
    # Check every blob before storing any, so a damaged archive changes nothing.
    check_archive(archive, manifest)
    store = blob_store()
    extract_blobs(archive, manifest, store)
    name = f"{manifest['pack_id']}-v{manifest['version']}.xdpack"
    store.put_archive(name, archive)
    envelope_text = served_manifest(raw)
    release = PackRelease(
        pack_id=manifest["pack_id"],
        version=manifest["version"],
        title=manifest["title"],
        description=manifest["description"],
        category=manifest["category"],
        credit_hours=manifest["credit_hours"],
        size=sum(b["size"] for b in manifest["blobs"]),
        manifest=envelope_text,
        manifest_sha256=hashlib.sha256(envelope_text.encode("utf-8")).hexdigest(),
        archive_name=name,
        published_at=utcnow(),
    )
    db.session.add(release)
    db.session.flush()
    sign_catalog()
    db.session.commit()
    return release


def current_releases() -> list[PackRelease]:
    """Return the newest release of every pack, ordered by pack id."""
    newest = (
        select(PackRelease.pack_id, func.max(PackRelease.version).label("version"))
        .group_by(PackRelease.pack_id)
        .subquery()
    )
    return list(
        db.session.scalars(
            select(PackRelease)
            .join(
                newest,
                (PackRelease.pack_id == newest.c.pack_id)
                & (PackRelease.version == newest.c.version),
            )
            .order_by(PackRelease.pack_id)
        )
    )


def export_archives(out: Path, pack_ids: list[str] | None = None) -> list[Path]:
    """Copy the current archive of each pack (every pack when ``pack_ids`` is None) to ``out``.

    Each copy is checked against the stored manifest's blob list before it becomes visible,
    so a volunteer never carries a damaged archive. Raises :class:`NotFound` for an unknown
    pack id, and an archive error when the stored archive is damaged.
    """
    releases = {r.pack_id: r for r in current_releases()}
    wanted = pack_ids if pack_ids is not None else sorted(releases)
    unknown = [p for p in wanted if p not in releases]
    if unknown:
        raise NotFound(f"No published pack {', '.join(unknown)}.", pack_ids=unknown)
    out.mkdir(parents=True, exist_ok=True)
    store = blob_store()
    written = []
    for pack_id in wanted:
        item = releases[pack_id]
        target = out / item.archive_name
        tmp = target.with_name(f".{target.name}.tmp")
        try:
            store.copy_archive(item.archive_name, tmp)
            check_archive(tmp, json.loads(item.manifest)["signed"])
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
        written.append(target)
    return written


def release_route(item: PackRelease) -> dict | None:
    """The ``route`` of a release's signed manifest (route packs), or None."""
    return json.loads(item.manifest).get("signed", {}).get("route")


def release(pack_id: str, version: int) -> PackRelease | None:
    """Return one release, or None."""
    return db.session.scalar(
        select(PackRelease).where(PackRelease.pack_id == pack_id, PackRelease.version == version)
    )


def _catalog_item(r: PackRelease) -> dict:
    item = {
        "pack_id": r.pack_id,
        "version": r.version,
        "title": r.title,
        "description": r.description,
        "category": r.category,
        "credit_hours": r.credit_hours,
        "size": r.size,
        "manifest_sha256": r.manifest_sha256,
        "manifest_url": f"/api/v1/packs/{r.pack_id}/{r.version}/manifest",
    }
    # The publisher is read from the signed manifest the release keeps, not a column.
    publisher = json.loads(r.manifest).get("signed", {}).get("publisher")
    if publisher:
        item["publisher"] = publisher
    return item


def sign_catalog() -> CatalogSnapshot:
    """Sign a new catalog of the current releases and store it (caller commits)."""
    now = utcnow()
    expires = now + timedelta(days=current_app.config["XUEDIAN"].catalog_days)
    body = {
        "type": "catalog",
        "schema_version": 1,
        "created": iso(now),
        "expires": iso(expires),
        "packs": [CatalogItem().dump(_catalog_item(r)) for r in current_releases()],
    }
    text = json.dumps(keyring().sign(body), ensure_ascii=False, separators=(",", ":"))
    snapshot = CatalogSnapshot(
        body=text,
        etag=hashlib.sha256(text.encode("utf-8")).hexdigest()[:32],
        created_at=now,
        expires_at=expires,
    )
    db.session.add(snapshot)
    return snapshot


def catalog() -> CatalogSnapshot:
    """Return the newest signed catalog, re-signing it when close to expiry."""
    snapshot = db.session.scalar(
        select(CatalogSnapshot).order_by(CatalogSnapshot.id.desc()).limit(1)
    )
    if snapshot is None or snapshot.expires_at - utcnow() < RESIGN_MARGIN:
        snapshot = sign_catalog()
        db.session.commit()
    return snapshot


def catalog_section(device, cursor, nxt, page_rows: int) -> FeedSection:
    """The catalog section of the changes feed: the newest catalog's version, or None
    while the county has no signing key."""
    try:
        snapshot = catalog()
    except NoSigningKey:
        return FeedSection({"catalog": None})
    return FeedSection({"catalog": {"etag": snapshot.etag, "created": iso(snapshot.created_at)}})


def stored_files(connection) -> tuple[set[str], set[str]]:
    """Return (blob ids, archive names) the releases on ``connection`` keep in the blob store.

    ``connection`` may be any SQLAlchemy connection, such as one reading a backup's snapshot,
    so what it lists is what that snapshot references, whatever was published since.
    """
    blobs: set[str] = set()
    archives: set[str] = set()
    rows = connection.execute(select(PackRelease.manifest, PackRelease.archive_name))
    for manifest, archive_name in rows:
        blobs.update(b["id"] for b in json.loads(manifest)["signed"]["blobs"])
        archives.add(archive_name)
    return blobs, archives
