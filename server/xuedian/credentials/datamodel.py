"""The rules of the W3C Verifiable Credentials Data Model 2.0 that JSON-LD alone does not
enforce: what a credential MUST have, and the shape of each property it may have.

Owns no data. :func:`check_credential` raises :class:`CredentialMalformed` naming the first
rule broken (``details["property"]``); the issuer and the verifier both call it, so a
credential this county would refuse to sign is also one it refuses to verify.
"""

from __future__ import annotations

from .errors import CredentialMalformed
from .jsonld import VC_V1, VC_V2, is_absolute_iri
from .timecheck import parse_datetime

#: Properties whose every item MUST have a ``type`` (VC 2.0, 4.11 to 5.7).
_TYPED = ("credentialStatus", "credentialSchema", "evidence", "refreshService", "termsOfUse")
_LANGUAGE_KEYS = {"@value", "@language", "@direction"}


def _items(value) -> list:
    return value if isinstance(value, list) else [value]


def _refuse(prop: str, message: str) -> CredentialMalformed:
    return CredentialMalformed(message, property=prop)


def _check_text(value, prop: str) -> None:
    """``name`` and ``description``: a string, or language value objects."""
    for item in _items(value):
        if isinstance(item, str):
            continue
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("@value"), str)
            or set(item) - _LANGUAGE_KEYS
        ):
            raise _refuse(prop, f"{prop} is neither text nor a language value object.")


def _check_id(value, prop: str) -> None:
    if not is_absolute_iri(value):
        raise _refuse(prop, f"{prop} is not a URL.")


def check_issuer(issuer) -> str:
    """Return the issuer's id; refuse an issuer that is not a URL or an object with one."""
    if isinstance(issuer, dict):
        _check_id(issuer.get("id"), "issuer")
        for prop in ("name", "description"):
            if prop in issuer:
                _check_text(issuer[prop], f"issuer.{prop}")
        return issuer["id"]
    _check_id(issuer, "issuer")
    return issuer


def check_credential(credential, *, allow_v1: bool = False) -> None:
    """Refuse ``credential`` unless it keeps the data model's MUSTs.

    ``allow_v1`` accepts the VC 1.1 base context too (older credentials such as the 1EdTech
    test vector, and VC API clients that still send 1.1).
    """
    if not isinstance(credential, dict):
        raise _refuse("credential", "A credential is a JSON object.")
    contexts = credential.get("@context")
    bases = (VC_V2, VC_V1) if allow_v1 else (VC_V2,)
    if not isinstance(contexts, list) or not contexts or contexts[0] not in bases:
        raise _refuse("@context", f"@context must be a list that starts with {VC_V2}.")
    if not all(isinstance(c, (str, dict)) for c in contexts[1:]):
        raise _refuse("@context", "Each @context item is a URL or an object.")
    if "id" in credential:
        _check_id(credential["id"], "id")
    types = credential.get("type")
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        raise _refuse("type", "type must be a list holding VerifiableCredential.")
    if not all(isinstance(t, str) for t in types):
        raise _refuse("type", "Each type is a string.")
    if "issuer" not in credential:
        raise _refuse("issuer", "A credential names its issuer.")
    check_issuer(credential["issuer"])
    subjects = credential.get("credentialSubject")
    if subjects is None or subjects == []:
        raise _refuse("credentialSubject", "A credential has a credentialSubject.")
    for subject in _items(subjects):
        if not isinstance(subject, dict) or not subject:
            raise _refuse("credentialSubject", "Each credentialSubject is a non-empty object.")
        if "id" in subject:
            _check_id(subject["id"], "credentialSubject.id")
    for prop in ("name", "description"):
        if prop in credential:
            _check_text(credential[prop], prop)
    for prop in _TYPED:
        for item in _items(credential.get(prop, [])):
            if not isinstance(item, dict) or "type" not in item:
                raise _refuse(prop, f"Each {prop} is an object with a type.")
            if "id" in item:
                _check_id(item["id"], f"{prop}.id")
    for item in _items(credential.get("credentialSchema", [])):
        if "id" not in item:
            raise _refuse("credentialSchema", "Each credentialSchema has an id.")
    _check_related(credential.get("relatedResource", []))
    _check_validity(credential)


def _check_related(resources) -> None:
    """``relatedResource``: objects with a unique URL ``id`` and a digest to check it by."""
    seen = set()
    for item in _items(resources):
        if not isinstance(item, dict):
            raise _refuse("relatedResource", "Each relatedResource is an object.")
        _check_id(item.get("id"), "relatedResource.id")
        if item["id"] in seen:
            raise _refuse("relatedResource", "Two relatedResource objects have one id.")
        seen.add(item["id"])
        if "digestSRI" not in item and "digestMultibase" not in item:
            raise _refuse(
                "relatedResource", "A relatedResource has no digestSRI or digestMultibase."
            )


def _check_validity(credential: dict) -> None:
    moments = {}
    for prop in ("validFrom", "validUntil"):
        if prop in credential:
            moment = parse_datetime(credential[prop])
            if moment is None:
                raise _refuse(prop, f"{prop} is not an XML Schema dateTimeStamp.")
            moments[prop] = moment
    if len(moments) == 2 and moments["validUntil"] < moments["validFrom"]:
        raise _refuse("validUntil", "validUntil is before validFrom.")
