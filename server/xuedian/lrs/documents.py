"""State, Activity Profile and Agent Profile documents with ETag concurrency."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import delete, select

from ..extensions import db
from .errors import XapiConflict, XapiInvalid, XapiPrecondition
from .models import LrsDocument
from .statements import now


def scope(*parts) -> str:
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def etag_of(content: bytes) -> str:
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


def find(scope_key: str, doc_id: str) -> LrsDocument | None:
    return db.session.scalar(
        select(LrsDocument).where(LrsDocument.scope == scope_key, LrsDocument.doc_id == doc_id)
    )


def ids(scope_key: str, since=None) -> list[str]:
    query = select(LrsDocument.doc_id).where(LrsDocument.scope == scope_key)
    if since is not None:
        query = query.where(LrsDocument.updated > since)
    return list(db.session.scalars(query.order_by(LrsDocument.id)))


def _tags(header: str | None) -> list[str] | None:
    if header is None:
        return None
    return [t.strip().removeprefix("W/").strip('"') for t in header.split(",")]


def check(doc: LrsDocument | None, if_match: str | None, if_none_match: str | None) -> None:
    """412 when a precondition header does not hold for ``doc``."""
    match, none_match = _tags(if_match), _tags(if_none_match)
    if match is not None and (doc is None or ("*" not in match and doc.etag not in match)):
        raise XapiPrecondition()
    if none_match is not None and doc is not None and ("*" in none_match or doc.etag in none_match):
        raise XapiPrecondition()


def is_json(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() == "application/json"


def _json_object(content: bytes, content_type: str):
    if not is_json(content_type):
        return None
    try:
        value = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def write(
    scope_key,
    doc_id,
    content: bytes,
    content_type: str,
    headers,
    *,
    merge: bool,
    need_precondition: bool,
) -> None:
    """PUT (replace) or POST (merge JSON objects) one document."""
    doc = find(scope_key, doc_id)
    if_match, if_none_match = headers.get("If-Match"), headers.get("If-None-Match")
    check(doc, if_match, if_none_match)
    if (
        not merge
        and doc is not None
        and need_precondition
        and if_match is None
        and if_none_match is None
    ):
        raise XapiConflict("The document exists: send If-Match with its ETag.")
    if merge:
        new = _json_object(content, content_type)
        if new is None:
            raise XapiInvalid("Only a JSON object can be posted into a document.")
        if doc is not None:
            old = _json_object(doc.content, doc.content_type)
            if old is None:
                raise XapiInvalid("The stored document is not a JSON object; PUT it instead.")
            old.update(new)
            content = json.dumps(old, ensure_ascii=False).encode("utf-8")
            content_type = "application/json"
    if doc is None:
        doc = LrsDocument(scope=scope_key, doc_id=doc_id)
        db.session.add(doc)
    doc.content = content
    doc.content_type = content_type or "application/octet-stream"
    doc.etag = etag_of(content)
    doc.updated = now()
    db.session.commit()


def remove(scope_key: str, doc_id: str | None, headers) -> None:
    if doc_id is None:
        db.session.execute(delete(LrsDocument).where(LrsDocument.scope == scope_key))
    else:
        doc = find(scope_key, doc_id)
        check(doc, headers.get("If-Match"), headers.get("If-None-Match"))
        if doc is not None:
            db.session.delete(doc)
    db.session.commit()
