"""The ``trust`` section of the changes feed: what a phone needs to verify a certificate
offline (docs/credits.md, "Verifying on a phone"): the county's issuer keys (every
``did:key``, active and retired) and its revocation status lists (each list's URL and
``encodedList``). Owns no table: the cursor's ``t`` slot holds a digest of what was last
sent, so the section travels again only when a key or a list changed, and always on a
``cursor: null`` request.
"""

from __future__ import annotations

import hashlib

from marshmallow import Schema, fields
from sqlalchemy import select

from ..core.hooks import FeedSection
from ..core.timeutil import iso
from ..extensions import db
from .issuerkeys import issuer_keys
from .models import StatusList


class TrustIssuer(Schema):
    #: ``did:key:z6Mk…``: a credential whose proof names it is this county's.
    did = fields.String()
    #: ``active`` or ``retired`` (a retired key's credentials still verify).
    status = fields.String()


class TrustList(Schema):
    #: The ``statusListCredential`` URL credentials name.
    url = fields.String()
    #: The list's ``encodedList`` (multibase base64url of the gzipped bits).
    encoded = fields.String()
    updated = fields.String()


class TrustSection(Schema):
    issuers = fields.List(fields.Nested(TrustIssuer))
    lists = fields.List(fields.Nested(TrustList))


def feed_fields() -> dict:
    """credentials' part of a changes-feed page (hook ``feed-fields``)."""
    return {"trust": fields.Nested(TrustSection, allow_none=True)}


def _issuers() -> list[dict]:
    return [{"did": k.did, "status": k.status} for k in issuer_keys().all()]


def trust_rows() -> dict:
    """Return the county's issuer keys and its published status lists."""
    lists = []
    for row in db.session.scalars(select(StatusList).order_by(StatusList.id)):
        credential = row.credential or {}
        encoded = (credential.get("credentialSubject") or {}).get("encodedList")
        if isinstance(encoded, str) and credential.get("id"):
            lists.append(
                {"url": credential["id"], "encoded": encoded, "updated": iso(row.updated_at)}
            )
    return {"issuers": _issuers(), "lists": lists}


def _mark() -> int:
    """A cursor-sized digest of the keys and of when each list was last signed (1 or more:
    0 means "never sent"), read without loading the lists themselves."""
    lists = db.session.execute(
        select(StatusList.id, StatusList.updated_at).order_by(StatusList.id)
    ).all()
    text = repr([(i["did"], i["status"]) for i in _issuers()])
    text += repr([(n, iso(at)) for n, at in lists])
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:6], "big") or 1


def trust_section(device, cursor, nxt, page_rows: int) -> FeedSection:
    """Hook ``feed-sections``: the issuer keys and status lists, when they changed."""
    mark = _mark()
    if cursor.t == mark:
        return FeedSection({"trust": None})
    nxt.t = mark
    return FeedSection({"trust": trust_rows()})
