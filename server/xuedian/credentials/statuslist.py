"""Bitstring Status Lists (W3C Bitstring Status List v1.0), purpose ``revocation``.

Owns ``credential_status_list`` and the status columns of ``credential_issued``: which
list and bit each credential has, the signed BitstringStatusListCredential published per
list at ``/credentials/status/<id>``, and flipping a bit on revocation. Bits are handed out
at random places in the list, so a list says nothing about the order of issue.
"""

from __future__ import annotations

import base64
import gzip
import secrets

from flask import current_app, has_request_context, request
from sqlalchemy import select

from ..core.timeutil import utcnow
from ..extensions import db
from .dataintegrity import RDFC, add_proof
from .errors import CredentialUnknown
from .issuerkeys import issuer_keys
from .jsonld import VC_V2
from .models import IssuedCredential, StatusList
from .timecheck import stamp

SIZE = 131072
ENTRY = "BitstringStatusListEntry"
#: A list takes new credentials until it is this full; random places stay cheap to find.
_FULL = SIZE * 3 // 4


def base_url() -> str:
    """The county's public URL (XUEDIAN_PUBLIC_URL), else the address of this request."""
    configured = current_app.config["XUEDIAN"].public_url.strip().rstrip("/")
    if configured:
        return configured
    if has_request_context():
        return request.host_url.rstrip("/")
    # A list URL is written into every credential for good: say loudly that this one is
    # only a placeholder (docs/credentials.md asks for XUEDIAN_PUBLIC_URL before issuing).
    current_app.logger.warning("XUEDIAN_PUBLIC_URL is empty: status list URLs use localhost")
    return "http://localhost"


def list_url(status_list: StatusList) -> str:
    """The stable URL of a list: stored in its credential once it was first signed."""
    if status_list.credential:
        return status_list.credential["id"]
    return f"{base_url()}/credentials/status/{status_list.id}"


def encode(bits: bytearray) -> str:
    """Return ``encodedList``: multibase base64url (``u``, no padding) of the gzipped bits."""
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def decode(text: str) -> bytes:
    """Return the bits of an ``encodedList``; ``ValueError`` when it is not one."""
    if not isinstance(text, str) or not text.startswith("u"):
        raise ValueError("encodedList is not multibase base64url")
    body = text[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def bit(bits: bytes, index: int) -> bool:
    """Whether bit ``index`` is set; index 0 is the left-most bit of the first byte."""
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def _bits(status_list: StatusList) -> bytearray:
    bits = bytearray(status_list.size // 8)
    revoked = db.session.scalars(
        select(IssuedCredential.status_index).where(
            IssuedCredential.status_list == status_list.id,
            IssuedCredential.revoked_at.is_not(None),
        )
    )
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    return bits


def publish(status_list: StatusList) -> dict:
    """Sign the list's BitstringStatusListCredential again from the stored bits."""
    url = list_url(status_list)
    unsigned = {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": status_list.issuer_did,
        "validFrom": stamp(utcnow()),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode(_bits(status_list)),
        },
    }
    signer = issuer_keys().signer_for(status_list.issuer_did)
    status_list.credential = add_proof(unsigned, signer, RDFC)
    status_list.updated_at = utcnow()
    return status_list.credential


def allocate(issuer_did: str) -> tuple[StatusList, int]:
    """Return a list of ``issuer_did`` and a free random bit in it (made when none has room)."""
    status_list = db.session.scalar(
        select(StatusList)
        .where(StatusList.issuer_did == issuer_did, StatusList.used < _FULL)
        .order_by(StatusList.id.desc())
        .limit(1)
    )
    if status_list is None:
        status_list = StatusList(issuer_did=issuer_did, size=SIZE, used=0, updated_at=utcnow())
        db.session.add(status_list)
        db.session.flush()
        publish(status_list)
    taken = set(
        db.session.scalars(
            select(IssuedCredential.status_index).where(
                IssuedCredential.status_list == status_list.id
            )
        )
    )
    index = secrets.randbelow(status_list.size)
    while index in taken:
        index = secrets.randbelow(status_list.size)
    status_list.used += 1
    return status_list, index


def entry(status_list: StatusList, index: int) -> dict:
    """The ``credentialStatus`` a credential carries for bit ``index`` of ``status_list``."""
    url = list_url(status_list)
    return {
        "id": f"{url}#{index}",
        "type": ENTRY,
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def revoke(ref: str) -> list[IssuedCredential]:
    """Revoke every credential signed with id ``ref``: set their bits, sign their lists again.

    Raises :class:`CredentialUnknown` when this county issued no such credential with a
    status entry. Revoking twice changes nothing.
    """
    issued = list(
        db.session.scalars(
            select(IssuedCredential).where(
                IssuedCredential.ref == ref, IssuedCredential.status_list.is_not(None)
            )
        )
    )
    if not issued:
        raise CredentialUnknown(id=str(ref)[:300])
    changed = {row.status_list for row in issued if row.revoked_at is None}
    for row in issued:
        row.revoked_at = row.revoked_at or utcnow()
    db.session.flush()
    for list_id in sorted(changed):
        publish(db.session.get(StatusList, list_id))
    db.session.commit()
    return issued


def local_list(url: str) -> StatusList | None:
    """The list of this county published at ``url``, or None (another server's list)."""
    head, _, number = url.rpartition("/credentials/status/")
    if not head or not number.isdigit():
        return None
    found = db.session.get(StatusList, int(number))
    return found if found is not None and list_url(found) == url else None
