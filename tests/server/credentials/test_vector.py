"""The 1EdTech Open Badges 3.0 ``eddsa-rdfc-2022`` test vector, reproduced byte for byte:
the same key and input give the same canonical forms, hashes, signature and proofValue.
The vector and its source are in ``data/ob3-eddsa-rdfc-2022.json``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from xuedian.credentials import didkey, jsonld
from xuedian.credentials.dataintegrity import Signer, add_proof, verify_proof

VECTOR = json.loads((Path(__file__).parent / "data" / "ob3-eddsa-rdfc-2022.json").read_text())


def _loader():
    # The vector names OB 3.0's first context by its older alias; the loader maps only that.
    alias = {
        old: json.loads((jsonld.FOLDER / jsonld.CONTEXTS[new]).read_text())
        for old, new in VECTOR["context_alias"].items()
    }
    return jsonld.make_loader(alias)


def _document() -> dict:
    document = dict(VECTOR["credential"])
    document["@context"] = [*document["@context"], VECTOR["cryptosuite_context"]]
    return document


def test_1edtech_vector_key_is_its_multikey():
    public = bytes.fromhex(VECTOR["public_key_hex"])
    assert didkey.public_multikey(public) == VECTOR["public_key_multibase"]


def test_1edtech_vector_canonical_forms_and_hashes():
    loader = _loader()
    document = _document()
    proof_config = {**VECTOR["proof_options"], "@context": document["@context"]}
    assert jsonld.canonical_nquads(proof_config, loader) == VECTOR["proof_canonical"]
    assert jsonld.canonical_nquads(document, loader) == VECTOR["document_canonical"]
    assert (
        hashlib.sha256(VECTOR["proof_canonical"].encode()).hexdigest() == VECTOR["proof_hash_hex"]
    )
    assert (
        hashlib.sha256(VECTOR["document_canonical"].encode()).hexdigest()
        == VECTOR["document_hash_hex"]
    )


def test_1edtech_vector_proof_value_byte_for_byte():
    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(VECTOR["private_key_hex"])[:32])
    options = VECTOR["proof_options"]
    signer = Signer(method=options["verificationMethod"], sign=private.sign)
    signed = add_proof(_document(), signer, options["cryptosuite"], options["created"], _loader())
    assert signed["proof"] == {**options, "proofValue": VECTOR["proof_value"]}
    signature = didkey.multibase_decode(signed["proof"]["proofValue"])
    assert signature.hex() == VECTOR["signature_hex"]
    public = bytes.fromhex(VECTOR["public_key_hex"])
    controller = verify_proof(signed, signed["proof"], _loader(), lambda m: ("issuer", public))
    assert controller == "issuer"
