"""A credential from elsewhere, judged in one word: ``genuine``, ``revoked``, ``untrusted``
(an issuer neither this county nor the province trust list knows), ``tampered`` (a proof
that does not match) or ``malformed``. The public ``/verify`` page and a county accepting a
transfer both use :func:`assess`, built on the same :func:`service.verify` as
``POST /credentials/verify``.

Owns ``<instance>/credentials/trust/status/``: the last copy of each other county's status
list fetched. Another county's list is fetched only from the ``url`` its trust-list entry
names (never from an address a credential alone names), with a short timeout; when it does
not answer, the last copy is used, and with none the status stays ``unchecked``, so a county
that is offline still accepts (docs/credentials.md, "Moving between counties").
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import current_app

from ..core.timeutil import iso, utcnow
from . import compact, service, statuslist
from .dataintegrity import TRANSFORMATION_ERROR
from .errors import REVOKED, CredentialMalformed, ProofInvalid
from .issuerkeys import issuer_keys
from .timecheck import parse_datetime
from .trustlist import County, trust_store

#: A status list is 16 KiB of bits gzipped inside a small credential.
_MAX_LIST = 256 * 1024
_TIMEOUT = 5


def read_credential(text) -> dict:
    """Return the credential in pasted or uploaded ``text``: a compact ``XD1:`` text, the
    credential's JSON, or ``{"verifiableCredential": …}``. Raises :class:`CompactInvalid`
    or :class:`CredentialMalformed`."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if isinstance(text, dict):
        found = text
    else:
        text = str(text or "").strip()
        if text.startswith(compact.PREFIX):
            return compact.decode(text)
        try:
            found = json.loads(text)
        except ValueError:
            raise CredentialMalformed(
                "The text is neither a credential's JSON nor XD1: text."
            ) from None
    if isinstance(found, dict) and isinstance(found.get("verifiableCredential"), dict):
        found = found["verifiableCredential"]
    if not isinstance(found, dict):
        raise CredentialMalformed("The text is not a JSON object.")
    return found


def _cache_file(url: str) -> Path:
    name = hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]
    return Path(current_app.instance_path) / "credentials" / "trust" / "status" / f"{name}.json"


def _fetch(url: str) -> dict | None:
    """The list credential at ``url`` (saved as the last copy), else the last copy."""
    import urllib.request  # here: a worker fetches a status list rarely, most never

    cache = _cache_file(url)
    try:
        with urllib.request.urlopen(url, timeout=_TIMEOUT) as answer:  # noqa: S310 (http(s) only)
            found = json.loads(answer.read(_MAX_LIST + 1)[:_MAX_LIST])
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps({"fetched": iso(utcnow()), "list": found}), "utf-8")
        return found
    except (OSError, ValueError):
        if cache.exists():
            return json.loads(cache.read_text("utf-8"))["list"]
    return None


def remote_status(credential: dict, county: County) -> str:
    """``revoked``, ``valid`` or ``unchecked`` for a credential of another ``county``."""
    entries = credential.get("credentialStatus", [])
    entries = entries if isinstance(entries, list) else [entries]
    found = "valid"
    for item in entries:
        item = item if isinstance(item, dict) else {}
        url = str(item.get("statusListCredential", ""))
        if item.get("type") != statuslist.ENTRY or not county.url:
            found = "unchecked"
            continue
        if not url.startswith(county.url + "/") or statuslist.local_list(url) is not None:
            # Only the county's own address is fetched; a list elsewhere stays unchecked.
            found = "unchecked"
            continue
        listed = _fetch(url)
        try:
            if listed is None or service.check_proofs(listed) != county.did:
                found = "unchecked"
                continue
            bits = statuslist.decode(listed["credentialSubject"]["encodedList"])
            if statuslist.bit(bits, int(item.get("statusListIndex"))):
                return "revoked"
        except (CredentialMalformed, ProofInvalid, KeyError, TypeError, ValueError, IndexError):
            found = "unchecked"
    return found


def signed_at(credential: dict):
    """When the credential was signed: its (first) proof's ``created``, else ``validFrom``.
    A key is trusted for what it signed while the trust list says it was valid; an outcome
    certified before a key rotation and signed after it still counts."""
    proof = credential.get("proof")
    proof = proof[0] if isinstance(proof, list) and proof else proof
    created = parse_datetime(proof.get("created")) if isinstance(proof, dict) else None
    return created or parse_datetime(credential.get("validFrom"))


def assess(credential) -> dict:
    """Return ``{"verdict", "issuer", "county", "status", "result"}``: the verdict word, the
    issuer DID, the trusted county's name (this county's own name for its own keys: None),
    ``status`` (``valid``, ``revoked``, ``unchecked`` or ``none``) and the VC API result."""
    result = service.verify(credential)
    issuer = result["issuer"]["id"]
    found = {"issuer": issuer, "county": None, "status": "none", "result": result}
    codes = {p.get("code") for p in result["errors"]}
    if REVOKED in codes:
        return {**found, "verdict": "revoked", "status": "revoked"}
    if result["errors"]:
        malformed = any(p.get("type") == TRANSFORMATION_ERROR for p in result["errors"])
        return {**found, "verdict": "malformed" if malformed else "tampered"}
    if issuer_keys().find(issuer) is not None:
        has_status = bool(credential.get("credentialStatus"))
        return {**found, "verdict": "genuine", "status": "valid" if has_status else "none"}
    county = trust_store().find(issuer, signed_at(credential))
    if county is None:
        return {**found, "verdict": "untrusted"}
    status = remote_status(credential, county) if credential.get("credentialStatus") else "none"
    verdict = "revoked" if status == "revoked" else "genuine"
    return {**found, "verdict": verdict, "county": county.name, "status": status}
