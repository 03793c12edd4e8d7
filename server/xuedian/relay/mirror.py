"""The relay's mirror of the county's packs: ``<instance>/relay/mirror/``.

``catalog.json`` is the county's signed catalog exactly as it came (never re-signed),
``archives/<pack>-v<version>.xdpack`` the verified archives, ``partial/`` downloads under
way (resumed with Range and If-Range), and ``index.json`` what the LAN page lists. A
catalog or archive that fails verification is refused and logged; whatever was mirrored
before stays, so a tampered upstream can stop updates but never replace a pack.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..core.timeutil import iso, parse_iso, utcnow
from ..errors import XuedianError
from ..keys.service import verify_envelope
from ..packs.archive import ArchiveInvalid, check_archive, read_manifest, served_manifest
from ..packs.schemas import PACK_ID, SHA256
from .files import fsync_dir, read_json, write_bytes, write_json
from .upstream import Upstream, UpstreamUnreachable

log = logging.getLogger("xuedian.relay")

CATALOG_PATH = "/api/v1/catalog"
MAX_CATALOG_BYTES = 4 << 20
#: Bytes an archive may hold beyond its blobs: the manifest and the zip's own headers.
ARCHIVE_SLACK = 8 << 20


class RelayCatalogOlder(XuedianError):
    code = "relay-catalog-older"
    status = 409
    message = "The county sent a catalog older than the one mirrored here; it is refused."


@dataclass
class MirrorResult:
    etag: str | None
    fetched: list[str] = field(default_factory=list)
    refused: list[tuple[str, XuedianError]] = field(default_factory=list)


def archive_name(entry: dict) -> str:
    return f"{entry['pack_id']}-v{entry['version']}.xdpack"


def _etag(header: str | None) -> str | None:
    value = (header or "").strip()
    value = value[2:] if value.startswith("W/") else value
    return value.strip('"') or None


def _readable(entry) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("pack_id"), str)
        and PACK_ID.match(entry["pack_id"]) is not None
        and type(entry.get("version")) is int
        and entry["version"] >= 1
        and isinstance(entry.get("manifest_sha256"), str)
        and SHA256.match(entry["manifest_sha256"]) is not None
        and type(entry.get("size")) is int
        and entry["size"] >= 0
    )


def _created(signed: dict) -> datetime:
    """The catalog's ``created`` time in UTC. Raises ``pack-archive-invalid`` when it has none."""
    try:
        return parse_iso(signed["created"]).astimezone(UTC)
    except (KeyError, TypeError, AttributeError, ValueError, OverflowError) as exc:
        raise ArchiveInvalid("The catalog has no readable created time.") from exc


class Mirror:
    """The mirrored catalog and archives of one relay."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.catalog_path = folder / "catalog.json"
        self.index_path = folder / "index.json"
        self.archives = folder / "archives"
        self.partial = folder / "partial"

    def packs(self) -> list[dict]:
        """Return the mirrored packs, each with its archive ``file`` and ``archive_size``."""
        return (read_json(self.index_path, None) or {}).get("packs", [])

    def archive(self, file: str) -> tuple[Path, dict] | None:
        """Return (path, index entry) of a mirrored archive by file name, or None."""
        for entry in self.packs():
            if entry["file"] == file:
                path = self.archives / file
                return (path, entry) if path.is_file() else None
        return None

    def catalog_bytes(self) -> bytes | None:
        try:
            return self.catalog_path.read_bytes()
        except OSError:
            return None

    def update(self, upstream: Upstream, trusted: list[dict], etag: str | None) -> MirrorResult:
        """Bring the mirror up to the county's current catalog.

        Raises ``UpstreamUnreachable`` (what was fetched so far is kept). Every refusal (a
        catalog or archive that does not verify) is in the result's ``refused`` list.
        """
        stored = self.catalog_bytes()
        headers = {"If-None-Match": f'"{etag}"'} if etag and stored else {}
        answer = upstream.request("GET", CATALOG_PATH, headers, limit=MAX_CATALOG_BYTES)
        result = MirrorResult(etag=etag)
        if answer.status == 304 and stored is None:
            raise UpstreamUnreachable("The county answered 304 to an unconditional request.")
        try:
            if answer.status == 304:
                signed = verify_envelope(json.loads(stored), "catalog", trusted)
            else:
                signed = self._accept(answer.body, trusted)
                result.etag = _etag(answer.headers.get("ETag"))
        except XuedianError as error:
            log.warning("catalog refused: %s: %s", error.code, error.message)
            result.refused.append(("catalog", error))
            return result
        self._fetch_archives(upstream, trusted, signed, result)
        return result

    def _accept(self, body: bytes, trusted: list[dict]) -> dict:
        """Verify a new catalog and keep its bytes as they came; return its signed body."""
        try:
            envelope = json.loads(body)
        except ValueError as exc:
            raise ArchiveInvalid("The catalog is not JSON.") from exc
        signed = verify_envelope(envelope, "catalog", trusted)
        if not isinstance(signed.get("packs"), list):
            raise ArchiveInvalid("The catalog lists no packs.")
        old = self.catalog_bytes()
        if old is not None:
            previous = json.loads(old)["signed"]
            if _created(signed) < _created(previous):
                raise RelayCatalogOlder(created=signed["created"], mirrored=previous["created"])
        newest = {p["pack_id"]: p["version"] for p in self.packs()}
        for entry in signed["packs"]:
            if _readable(entry) and entry["version"] < newest.get(entry["pack_id"], 0):
                raise RelayCatalogOlder(
                    f"{entry['pack_id']} v{entry['version']} is older than the mirrored one.",
                    pack_id=entry["pack_id"],
                )
        write_bytes(self.catalog_path, body)
        return signed

    def _fetch_archives(self, upstream, trusted, signed: dict, result: MirrorResult) -> None:
        old = {p["pack_id"]: p for p in self.packs()}
        index: dict[str, dict] = {}
        wanted = [e for e in signed["packs"] if _readable(e)]
        try:
            for entry in wanted:
                name = archive_name(entry)
                have = old.get(entry["pack_id"])
                if (
                    have
                    and have["file"] == name
                    and have["manifest_sha256"] == entry["manifest_sha256"]
                    and (self.archives / name).is_file()
                ):
                    index[entry["pack_id"]] = have
                    continue
                try:
                    index[entry["pack_id"]] = self._fetch(upstream, trusted, entry)
                    result.fetched.append(name)
                    log.info("mirrored %s", name)
                except UpstreamUnreachable:
                    raise
                except XuedianError as error:
                    log.warning("archive %s refused: %s: %s", name, error.code, error.message)
                    result.refused.append((name, error))
                    if have and (self.archives / have["file"]).is_file():
                        index[entry["pack_id"]] = have
        finally:
            # Packs not reached yet (the link dropped) keep their old archive.
            for pack_id, entry in old.items():
                if pack_id not in index and any(e["pack_id"] == pack_id for e in wanted):
                    index[pack_id] = entry
            self._save_index(sorted(index.values(), key=lambda e: e["pack_id"]), wanted)

    def _fetch(self, upstream: Upstream, trusted: list[dict], entry: dict) -> dict:
        name = archive_name(entry)
        self.partial.mkdir(parents=True, exist_ok=True)
        part = self.partial / f"{name}.part"
        validator = self.partial / f"{name}.etag"
        if part.exists() and validator.read_text() != entry["manifest_sha256"]:
            part.unlink()
        validator.write_text(entry["manifest_sha256"])
        path = f"/api/v1/packs/{entry['pack_id']}/{entry['version']}/archive"
        upstream.download(path, part, entry["manifest_sha256"], entry["size"] + ARCHIVE_SLACK)
        try:
            verify_archive(part, entry, trusted)
        except XuedianError:
            # Tampered or damaged bytes must not be resumed from next time.
            part.unlink(missing_ok=True)
            validator.unlink(missing_ok=True)
            raise
        self.archives.mkdir(parents=True, exist_ok=True)
        part.replace(self.archives / name)
        fsync_dir(self.archives)
        validator.unlink(missing_ok=True)
        return {
            "pack_id": entry["pack_id"],
            "version": entry["version"],
            "title": entry.get("title") or {},
            "description": entry.get("description") or {},
            "category": entry.get("category"),
            "size": entry["size"],
            "archive_size": (self.archives / name).stat().st_size,
            "file": name,
            "manifest_sha256": entry["manifest_sha256"],
            "mirrored_at": iso(utcnow()),
        }

    def _save_index(self, packs: list[dict], wanted: list[dict]) -> None:
        write_json(self.index_path, {"packs": packs})
        keep = {p["file"] for p in packs}
        if self.archives.is_dir():
            for path in self.archives.glob("*.xdpack"):
                if path.name not in keep:
                    path.unlink(missing_ok=True)
                    log.info("dropped %s: no longer current", path.name)
        current = {archive_name(e) for e in wanted}
        if self.partial.is_dir():
            for path in self.partial.iterdir():
                if path.name.rsplit(".", 1)[0] not in current:
                    path.unlink(missing_ok=True)


def verify_archive(path: Path, entry: dict, trusted: list[dict]) -> dict:
    """Check an archive like the county's publish does, and that it is the one ``entry`` of
    the signed catalog names; return its manifest.

    Raises ``pack-archive-invalid``, ``pack-archive-unsafe``, ``blob-hash-mismatch`` or a
    signature error.
    """
    manifest, raw = read_manifest(path, trusted)
    if (manifest.get("pack_id"), manifest.get("version")) != (entry["pack_id"], entry["version"]):
        raise ArchiveInvalid("The archive holds another pack than the catalog lists.")
    digest = hashlib.sha256(served_manifest(raw).encode("utf-8")).hexdigest()
    if digest != entry["manifest_sha256"]:
        raise ArchiveInvalid("The archive's manifest is not the one the catalog lists.")
    check_archive(path, manifest)
    return manifest
