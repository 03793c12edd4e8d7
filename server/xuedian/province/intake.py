"""Province side: registered counties and their latest verified aggregates.

:func:`receive` is the one door for a document, pushed or pulled: it finds the county by
the signing key, verifies the signature against that county's registered keys, checks the
body with :class:`~.schemas.AggregatesDocument`, and keeps it unless a newer one is stored.
The same document twice changes nothing; an older sequence number is refused
(``province-document-stale``), and a sequence number already stored with other content too
(``province-document-replayed``).
"""

from __future__ import annotations

from datetime import timedelta

from marshmallow import ValidationError
from sqlalchemy import select

from ..core.timeutil import parse_iso, utcnow
from ..extensions import db
from ..keys.service import KeyExpired, KeyUnknown, verify_envelope
from ..keys.service import SignatureInvalid as KeySignatureInvalid
from . import document
from .errors import (
    CountyUnknown,
    DocumentInvalid,
    DocumentReplayed,
    DocumentStale,
    SignatureInvalid,
)
from .models import ProvinceAggregate, ProvinceCounty
from .schemas import AggregatesDocument

#: How far ahead of the province's clock a document's time may be.
CLOCK_SKEW = timedelta(minutes=10)


def add_county(name: str, url: str, token: str, keys: list[dict]) -> ProvinceCounty:
    """Register county ``name`` (pulled from ``url`` with ``token``, signing with ``keys``,
    its ``/trusted-keys.json`` entries). Raises ``ValueError`` if the name is taken."""
    if db.session.scalar(select(ProvinceCounty.id).where(ProvinceCounty.name == name)):
        raise ValueError(f"county {name!r} is already registered")
    if not keys:
        raise ValueError("the county has no signing key")
    county = ProvinceCounty(
        name=name, url=url.rstrip("/"), token=token, keys=keys, created_at=utcnow()
    )
    db.session.add(county)
    db.session.commit()
    return county


def set_keys(name: str, keys: list[dict]) -> ProvinceCounty:
    """Replace county ``name``'s trusted keys (after it rotated its key). Raises
    ``LookupError`` if there is no such county, ``ValueError`` for no key."""
    county = db.session.scalar(select(ProvinceCounty).where(ProvinceCounty.name == name))
    if county is None:
        raise LookupError(name)
    if not keys:
        raise ValueError("the county has no signing key")
    county.keys = keys
    db.session.commit()
    return county


def counties() -> list[ProvinceCounty]:
    return list(db.session.scalars(select(ProvinceCounty).order_by(ProvinceCounty.name)))


def _county_of(key_id) -> ProvinceCounty:
    if isinstance(key_id, str):
        for county in counties():
            if any(k.get("key_id") == key_id for k in county.keys):
                return county
    raise CountyUnknown(key_id=str(key_id)[:100])


def receive(
    envelope, via: str, county: ProvinceCounty | None = None
) -> tuple[ProvinceCounty, bool]:
    """Verify and keep ``envelope``; returns the county and whether anything changed.

    ``county`` (a pull) must be the signer; a push names its county by its key. Raises
    :class:`DocumentInvalid`, :class:`CountyUnknown`, :class:`SignatureInvalid`,
    :class:`DocumentStale` or :class:`DocumentReplayed`; nothing is stored then.
    """
    if not isinstance(envelope, dict) or set(envelope) != {"signed", "signature"}:
        raise DocumentInvalid("Expected {signed, signature}.")
    signed = envelope["signed"]
    if not isinstance(signed, dict):
        raise DocumentInvalid("signed is not an object.")
    signer = _county_of(signed.get("key_id"))
    if county is not None and signer.id != county.id:
        raise CountyUnknown("Signed by another county's key.", county=county.name)
    try:
        verify_envelope(envelope, document.TYPE, signer.keys)
    except (KeySignatureInvalid, KeyUnknown, KeyExpired) as exc:
        raise SignatureInvalid(reason=exc.code, county=signer.name) from None
    try:
        AggregatesDocument().load(signed)
    except ValidationError as exc:
        raise DocumentInvalid(fields=exc.messages) from None
    generated = parse_iso(signed["generated_at"])
    if generated > utcnow() + CLOCK_SKEW:
        raise DocumentInvalid("generated_at is in the future.", generated_at=signed["generated_at"])
    digest = document.digest(signed)
    stored = db.session.get(ProvinceAggregate, signer.id)
    if stored is not None:
        if signed["seq"] == stored.seq:
            if digest == stored.digest:
                return signer, False
            raise DocumentReplayed(seq=stored.seq, county=signer.name)
        if signed["seq"] < stored.seq or generated < stored.generated_at:
            raise DocumentStale(stored_seq=stored.seq, seq=signed["seq"], county=signer.name)
    else:
        stored = ProvinceAggregate(county_id=signer.id)
        db.session.add(stored)
    stored.seq, stored.digest, stored.generated_at = signed["seq"], digest, generated
    stored.received_at, stored.via = utcnow(), via
    stored.body, stored.signature = signed, envelope["signature"]
    db.session.commit()
    return signer, True


def latest() -> list[tuple[ProvinceCounty, ProvinceAggregate | None]]:
    """Every registered county with its latest document (None before the first)."""
    return [(c, db.session.get(ProvinceAggregate, c.id)) for c in counties()]
