"""did:key identifiers for Ed25519 keys (Multikey, ``z6Mk…``) and base58btc multibase text.

Owns no data: it turns 32 public-key bytes into the ``did:key`` a credential names as its
issuer, the verification method a proof names, and the DID document a verifier resolves,
and back. A did:key resolves without the network because the key is the identifier.
"""

from __future__ import annotations

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(_ALPHABET)}
#: The multicodec varint of an Ed25519 public key (0xed), the two bytes before the key.
ED25519_PUB = b"\xed\x01"


def b58encode(data: bytes) -> str:
    """Return the base58btc (Bitcoin alphabet) text of ``data``."""
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, rest = divmod(number, 58)
        out.append(_ALPHABET[rest])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    """Return the bytes of base58btc ``text``; raises ``ValueError`` on a foreign character."""
    number = 0
    for char in text:
        if char not in _INDEX:
            raise ValueError("not base58btc")
        number = number * 58 + _INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def multibase_encode(data: bytes) -> str:
    """Return multibase base58btc text: ``z`` then base58btc."""
    return "z" + b58encode(data)


def multibase_decode(text: str) -> bytes:
    """Return the bytes of multibase base58btc ``text``; ``ValueError`` for another base."""
    if not isinstance(text, str) or not text.startswith("z") or len(text) < 2:
        raise ValueError("not multibase base58btc")
    return b58decode(text[1:])


def public_multikey(public_key: bytes) -> str:
    """Return the Multikey ``publicKeyMultibase`` (``z6Mk…``) of a raw Ed25519 public key."""
    if len(public_key) != 32:
        raise ValueError("an Ed25519 public key has 32 bytes")
    return multibase_encode(ED25519_PUB + public_key)


def multikey_public(multikey: str) -> bytes:
    """Return the raw Ed25519 public key of a ``z6Mk…`` Multikey; ``ValueError`` otherwise."""
    raw = multibase_decode(multikey)
    if len(raw) != 34 or not raw.startswith(ED25519_PUB):
        raise ValueError("not an Ed25519 Multikey")
    return raw[2:]


def did_for(public_key: bytes) -> str:
    """Return ``did:key:z6Mk…`` for a raw Ed25519 public key."""
    return "did:key:" + public_multikey(public_key)


def method_for(public_key: bytes) -> str:
    """Return the verification method id ``did:key:z6Mk…#z6Mk…`` of a raw public key."""
    multikey = public_multikey(public_key)
    return f"did:key:{multikey}#{multikey}"


def resolve_method(method: str) -> tuple[str, bytes]:
    """Return (controller DID, raw public key) of a did:key verification method id.

    Raises ``ValueError`` when ``method`` is not an Ed25519 did:key method whose fragment
    is its own key (the only form a did:key document has).
    """
    if not isinstance(method, str) or not method.startswith("did:key:"):
        raise ValueError("not a did:key verification method")
    did, _, fragment = method.partition("#")
    multikey = did[len("did:key:") :]
    if fragment != multikey:
        raise ValueError("a did:key method's fragment is its key")
    return did, multikey_public(multikey)


def did_document(did: str) -> dict:
    """Return the DID document of an Ed25519 ``did:key`` (Multikey form)."""
    multikey = did[len("did:key:") :]
    multikey_public(multikey)
    method = f"{did}#{multikey}"
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {
                "id": method,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": multikey,
            }
        ],
        "authentication": [method],
        "assertionMethod": [method],
        "capabilityDelegation": [method],
        "capabilityInvocation": [method],
    }
