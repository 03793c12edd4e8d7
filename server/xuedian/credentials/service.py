"""Issuing and verifying credentials: the service behind the VC API routes, the CLI and
the builders (badges.py).

Owns ``credential_issued``: every credential this county signs is recorded with its
status-list bit. :func:`issue` checks the data model, names this county's issuer key,
adds a Bitstring Status List entry when asked, and signs; :func:`verify` answers in the VC
API's verification shape and never raises for a bad credential.
"""

from __future__ import annotations

import uuid

from ..core.timeutil import utcnow
from ..errors import XuedianError
from ..extensions import db
from . import statuslist
from .dataintegrity import (
    CRYPTOSUITES,
    MALFORMED_PROOF,
    RDFC,
    TRANSFORMATION_ERROR,
    VERIFICATION_ERROR,
    add_proof,
    proofs_of,
    verify_proof,
)
from .datamodel import check_credential, check_issuer
from .errors import (
    REVOKED,
    STATUS_INVALID,
    CredentialMalformed,
    CryptosuiteUnsupported,
    IssuerMismatch,
    ProofInvalid,
)
from .issuerkeys import issuer_keys
from .models import IssuedCredential
from .timecheck import parse_datetime

STATUS_ERROR = "https://www.w3.org/ns/credentials/status#STATUS_VERIFICATION_ERROR"


def _kind(credential: dict) -> str:
    types = [t for t in credential.get("type", []) if t != "VerifiableCredential"]
    return (types[-1] if types else "VerifiableCredential")[:80]


def issue(credential: dict, options: dict | None = None) -> dict:
    """Return ``credential`` signed by the active issuer key, and record it.

    ``options``: ``cryptosuite`` (``eddsa-rdfc-2022``, the default, or ``eddsa-jcs-2022``)
    and ``credentialStatus`` (``{"type": "BitstringStatusListEntry"}`` adds a revocation
    entry). An ``issuer`` left out or given as an object without ``id`` is this county's
    DID. Raises :class:`CredentialMalformed` (and its context/term subclasses),
    :class:`IssuerMismatch` or :class:`CryptosuiteUnsupported`.
    """
    options = options if isinstance(options, dict) else {}
    cryptosuite = options.get("cryptosuite", RDFC)
    if cryptosuite not in CRYPTOSUITES:
        raise CryptosuiteUnsupported(cryptosuite=str(cryptosuite)[:60])
    key = issuer_keys().active()
    if not isinstance(credential, dict):
        raise CredentialMalformed(property="credential")
    credential = {k: v for k, v in credential.items() if k != "proof"}
    if "issuer" not in credential:
        credential["issuer"] = key.did
    if isinstance(credential.get("issuer"), dict) and "id" not in credential["issuer"]:
        credential["issuer"] = {**credential["issuer"], "id": key.did}
    # VC 1.1 documents are signed too (VC API clients still send them); the county's own
    # builders (badges.py) make VC 2.0.
    check_credential(credential, allow_v1=True)
    if check_issuer(credential["issuer"]) != key.did:
        raise IssuerMismatch(issuer=str(check_issuer(credential["issuer"]))[:200], did=key.did)
    wanted = options.get("credentialStatus")
    status = None
    if isinstance(wanted, dict) and wanted.get("type") == statuslist.ENTRY:
        if "credentialStatus" in credential:
            raise CredentialMalformed(
                "The credential already has a credentialStatus.", property="credentialStatus"
            )
        status = statuslist.allocate(key.did)
        credential["credentialStatus"] = statuslist.entry(*status)
    signed = add_proof(credential, issuer_keys().signer_for(key.did), cryptosuite)
    db.session.add(
        IssuedCredential(
            ref=str(credential.get("id") or f"urn:uuid:{uuid.uuid4()}")[:300],
            issuer_did=key.did,
            kind=_kind(credential),
            status_list=status[0].id if status else None,
            status_index=status[1] if status else None,
            issued_at=utcnow(),
            body=signed,
        )
    )
    db.session.commit()
    return signed


def _problem(kind: str, error: XuedianError) -> dict:
    return {"type": kind, "code": error.code, "title": error.message, "detail": error.details}


def check_proofs(credential) -> str:
    """Return the issuer of ``credential`` once the data model holds and every proof is the
    issuer's and verifies. Needs no app: the compact-form vectors use it as it is.

    Raises :class:`CredentialMalformed` or :class:`ProofInvalid`.
    """
    check_credential(credential, allow_v1=True)
    issuer = check_issuer(credential["issuer"])
    for proof in proofs_of(credential):
        if verify_proof(credential, proof) != issuer:
            raise ProofInvalid(
                "The proof is not made by the credential's issuer.", type=VERIFICATION_ERROR
            )
    return issuer


def verify(credential, options: dict | None = None) -> dict:
    """Return the VC API verification result of ``credential``.

    ``{"verified", "checks", "warnings", "errors", "problemDetails", "issuer"}``:
    ``verified`` is true only when the data model holds, every proof verifies and no
    status entry of this county says revoked. ``issuer.known`` tells whether the issuer
    is one of this county's issuer keys (active or retired).
    """
    checks, warnings, problems = ["proof"], [], []
    issuer = None
    try:
        issuer = check_proofs(credential)
    except ProofInvalid as exc:
        problems.append(_problem(exc.details.get("type", MALFORMED_PROOF), exc))
    except CredentialMalformed as exc:
        # Not well-formed: no proof can be checked on it.
        problems.append(_problem(TRANSFORMATION_ERROR, exc))
    if not problems:
        _check_validity(credential, warnings)
        checks.append("credentialStatus")
        _check_status(credential, problems, warnings)
    known = issuer is not None and issuer_keys().find(issuer) is not None
    return {
        "verified": not problems,
        "checks": checks,
        "warnings": warnings,
        "errors": problems,
        "problemDetails": problems,
        "issuer": {"id": issuer, "known": known},
    }


def _check_validity(credential: dict, warnings: list) -> None:
    now = utcnow()
    start = parse_datetime(credential.get("validFrom")) if "validFrom" in credential else None
    end = parse_datetime(credential.get("validUntil")) if "validUntil" in credential else None
    if start and start > now:
        warnings.append({"type": "not-yet-valid", "title": "The credential is not valid yet."})
    if end and end < now:
        warnings.append({"type": "expired", "title": "The credential has expired."})


def _check_status(credential: dict, problems: list, warnings: list) -> None:
    entries = credential.get("credentialStatus", [])
    for item in entries if isinstance(entries, list) else [entries]:
        if item.get("type") != statuslist.ENTRY:
            warnings.append({"type": "status-unchecked", "title": f"Status {item.get('type')}."})
            continue
        found = statuslist.local_list(str(item.get("statusListCredential", "")))
        if found is None:
            # Another server's list: a verifier here never fetches from the network.
            warnings.append({"type": "status-unchecked", "title": "Status list not local."})
            continue
        try:
            index = int(item.get("statusListIndex"))
            bits = statuslist.decode(found.credential["credentialSubject"]["encodedList"])
            revoked = statuslist.bit(bits, index)
        except (TypeError, ValueError, IndexError):
            problems.append({"type": STATUS_ERROR, "code": STATUS_INVALID, "title": "Bad entry."})
            continue
        if revoked and item.get("statusPurpose") == "revocation":
            problems.append(
                {
                    "type": STATUS_ERROR,
                    "code": REVOKED,
                    "title": "The issuer has revoked this credential.",
                }
            )
