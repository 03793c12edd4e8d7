"""HTTP endpoints for packs: the signed catalog, manifests, blobs and archives."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..core.http import IMMUTABLE
from ..errors import NotFound
from . import service
from .storage import BLOB_ID, blob_store

bp = Blueprint("packs", __name__)


def _json(text: str, etag: str | None = None, cache: str = "no-cache") -> Response:
    response = Response(text, mimetype="application/json")
    response.headers["Cache-Control"] = cache
    if etag:
        response.set_etag(etag)
    return response


@bp.get("/api/v1/catalog")
def get_catalog():
    snapshot = service.catalog()
    if snapshot.etag in request.if_none_match:
        response = Response(status=304)
        response.set_etag(snapshot.etag)
        return response
    return _json(snapshot.body, etag=snapshot.etag)


@bp.get("/api/v1/packs/<pack_id>/<int:version>/manifest")
def get_manifest(pack_id: str, version: int):
    release = service.release(pack_id, version)
    if release is None:
        raise NotFound(f"No pack {pack_id} v{version}.", pack_id=pack_id, version=version)
    return _json(release.manifest, etag=release.manifest_sha256, cache=IMMUTABLE)


@bp.get("/blobs/<blob_id>")
def get_blob(blob_id: str):
    if not BLOB_ID.match(blob_id):
        raise NotFound()
    return blob_store().blob_response(blob_id)


@bp.get("/api/v1/packs/<pack_id>/<int:version>/archive")
def get_archive(pack_id: str, version: int):
    release = service.release(pack_id, version)
    if release is None:
        raise NotFound(f"No pack {pack_id} v{version}.", pack_id=pack_id, version=version)
    return blob_store().archive_response(release.archive_name, etag=release.manifest_sha256)
