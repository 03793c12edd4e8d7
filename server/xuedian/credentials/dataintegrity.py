"""Data Integrity proofs with the W3C vc-di-eddsa cryptosuites ``eddsa-rdfc-2022`` (RDF
Dataset Canonicalization) and ``eddsa-jcs-2022`` (JSON Canonicalization, RFC 8785).

Owns no data. :func:`add_proof` signs a document with a :class:`Signer`;
:func:`verify_proof` checks one proof and returns the verification method's controller.
Both follow the spec's algorithms step for step: hashData is
``sha256(canonical proof configuration) || sha256(canonical document)``, signed with
Ed25519, and ``proofValue`` is multibase base58btc.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import rfc8785

from ..core.timeutil import utcnow
from . import didkey
from .errors import CryptosuiteUnsupported, ProofInvalid
from .jsonld import LOADER, VC_V2, canonical_nquads
from .timecheck import parse_datetime, stamp

RDFC = "eddsa-rdfc-2022"
JCS = "eddsa-jcs-2022"
CRYPTOSUITES = (RDFC, JCS)
PROOF_TYPE = "DataIntegrityProof"
DI_V2 = "https://w3id.org/security/data-integrity/v2"
#: Contexts that define DataIntegrityProof and its terms.
PROOF_CONTEXTS = {VC_V2, DI_V2, "https://w3id.org/security/data-integrity/v1"}
#: The Data Integrity error types a problem detail names (VC Data Integrity 1.0, 4.6).
VERIFICATION_ERROR = "https://w3id.org/security#PROOF_VERIFICATION_ERROR"
MALFORMED_PROOF = "https://w3id.org/security#MALFORMED_PROOF_ERROR"
TRANSFORMATION_ERROR = "https://w3id.org/security#PROOF_TRANSFORMATION_ERROR"


@dataclass
class Signer:
    """What signs a proof: the verification method it names and an Ed25519 sign function."""

    method: str
    sign: Callable[[bytes], bytes]


def _hash_data(document: dict, config: dict, cryptosuite: str, loader) -> bytes:
    if cryptosuite == RDFC:
        config_text = canonical_nquads(config, loader).encode("utf-8")
        document_text = canonical_nquads(document, loader).encode("utf-8")
    else:
        # JCS still refuses what JSON-LD would drop: the same document must mean the same
        # thing whichever suite signed it.
        canonical_nquads(document, loader)
        config_text = rfc8785.dumps(config)
        document_text = rfc8785.dumps(document)
    return hashlib.sha256(config_text).digest() + hashlib.sha256(document_text).digest()


def add_proof(
    document: dict,
    signer: Signer,
    cryptosuite: str = RDFC,
    created: str | None = None,
    loader=LOADER,
) -> dict:
    """Return a copy of ``document`` with an ``assertionMethod`` DataIntegrityProof.

    Raises :class:`CryptosuiteUnsupported`, or the JSON-LD errors of
    :func:`~xuedian.credentials.jsonld.expand` for a document that is not clean JSON-LD.
    """
    if cryptosuite not in CRYPTOSUITES:
        raise CryptosuiteUnsupported(cryptosuite=str(cryptosuite)[:60])
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    contexts = unsecured.get("@context")
    if isinstance(contexts, list) and not any(
        isinstance(c, str) and c in PROOF_CONTEXTS for c in contexts
    ):
        # A VC 1.1 document does not define DataIntegrityProof: the proof's terms come
        # from the Data Integrity context, added as the spec's signers do.
        unsecured["@context"] = [*contexts, DI_V2]
    proof = {
        "type": PROOF_TYPE,
        "cryptosuite": cryptosuite,
        "created": created or stamp(utcnow()),
        "verificationMethod": signer.method,
        "proofPurpose": "assertionMethod",
    }
    config = {**proof}
    if "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    signature = signer.sign(_hash_data(unsecured, config, cryptosuite, loader))
    return {**unsecured, "proof": {**proof, "proofValue": didkey.multibase_encode(signature)}}


def _refuse(kind: str, detail: str) -> ProofInvalid:
    return ProofInvalid(detail, type=kind)


def proofs_of(document: dict) -> list[dict]:
    """Return the document's proofs as a list (one proof may stand alone)."""
    proof = document.get("proof")
    if proof is None:
        raise _refuse(MALFORMED_PROOF, "The credential has no proof.")
    proofs = proof if isinstance(proof, list) else [proof]
    if not proofs or not all(isinstance(p, dict) for p in proofs):
        raise _refuse(MALFORMED_PROOF, "A proof is not an object.")
    return proofs


def verify_proof(
    document: dict,
    proof: dict,
    loader=LOADER,
    resolve: Callable[[str], tuple[str, bytes]] = didkey.resolve_method,
) -> str:
    """Check one ``proof`` of ``document``; return the controller of its verification method.

    ``resolve`` turns a verification method id into (controller, raw public key); did:key
    methods resolve offline. Raises :class:`ProofInvalid` whose ``details["type"]`` is the
    Data Integrity error type.
    """
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") not in CRYPTOSUITES:
        raise _refuse(VERIFICATION_ERROR, "The proof is not an eddsa-2022 DataIntegrityProof.")
    if proof.get("proofPurpose") != "assertionMethod":
        raise _refuse(VERIFICATION_ERROR, "The proof's purpose is not assertionMethod.")
    for prop in ("created", "expires"):
        if prop in proof and parse_datetime(proof[prop]) is None:
            raise _refuse(MALFORMED_PROOF, f"The proof's {prop} is not an XML Schema dateTime.")
    try:
        signature = didkey.multibase_decode(proof.get("proofValue"))
        controller, public_key = resolve(proof.get("verificationMethod"))
    except ValueError as exc:
        raise _refuse(MALFORMED_PROOF, f"The proof cannot be read: {exc}.") from exc
    if len(signature) != 64:
        raise _refuse(MALFORMED_PROOF, "The proofValue is not a 64-byte Ed25519 signature.")
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in config:
        # A proof carrying its own contexts must name the document's, in the same order.
        mine, theirs = _as_list(config["@context"]), _as_list(document.get("@context"))
        if theirs[: len(mine)] != mine:
            raise _refuse(VERIFICATION_ERROR, "The proof's @context is not the document's.")
    if "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    else:
        config.pop("@context", None)
    data = _hash_data(unsecured, config, proof["cryptosuite"], loader)
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
    except (InvalidSignature, ValueError) as exc:
        raise _refuse(VERIFICATION_ERROR, "The signature does not match the credential.") from exc
    return controller


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]
