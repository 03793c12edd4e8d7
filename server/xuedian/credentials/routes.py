"""The VC API routes: ``POST /credentials/issue`` (staff or token), the public
``POST /credentials/verify``, the issuer's DID document and the published status lists.

HTTP only: the work is in service.py and statuslist.py. Issuing errors use the one JSON
envelope; a verification that fails is the VC API's result shape with status 400.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from ..core.http import parse_json, raw_body
from ..errors import BadRequest, NotFound
from ..extensions import db
from . import didkey, service
from .auth import authorize_issue
from .issuerkeys import issuer_keys
from .models import StatusList
from .statuslist import publish

bp = Blueprint("credentials", __name__)


def _body() -> dict:
    body = parse_json(raw_body())
    if not isinstance(body, dict):
        raise BadRequest("The body is a JSON object.")
    return body


@bp.post("/credentials/issue")
def issue():
    authorize_issue(request.headers.get("Authorization"))
    body = _body()
    if "credential" not in body:
        raise BadRequest("The body has no credential.", property="credential")
    signed = service.issue(body["credential"], body.get("options"))
    return jsonify({"verifiableCredential": signed}), 201


@bp.post("/credentials/verify")
def verify():
    from .verifypage import limit_verify

    limit_verify()
    body = _body()
    credential = body.get("verifiableCredential", body.get("credential"))
    result = service.verify(credential, body.get("options"))
    return jsonify(result), 200 if result["verified"] else 400


@bp.get("/credentials/issuer")
def issuer():
    """The active issuer DID and every key this county has issued with."""
    keys = issuer_keys()
    active = keys.active()
    return jsonify(
        {
            "id": active.did,
            "keys": [{"id": k.did, "status": k.status, "created": k.created} for k in keys.all()],
            "didDocument": didkey.did_document(active.did),
        }
    )


@bp.get("/credentials/status/<int:list_id>")
def status_list(list_id: int):
    found = db.session.get(StatusList, list_id)
    if found is None:
        raise NotFound()
    if found.credential is None:
        publish(found)
        db.session.commit()
    response = jsonify(found.credential)
    # Phones and other counties may keep a list for a while; a revocation shows within it.
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
