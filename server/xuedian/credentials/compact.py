"""The compact form of a credential for a QR code: ``XD1:`` then base64url (no padding) of
the raw-DEFLATE of the credential's JCS (RFC 8785) bytes. The credential inside is signed
with ``eddsa-jcs-2022``, so a phone checks it with JSON canonicalization, SHA-256 and
Ed25519 alone, offline (pwa/src/lib/credentials/verify.js does the same).

Owns no data. Decoding caps the inflated size, so a small QR code cannot expand into a
large document.
"""

from __future__ import annotations

import base64
import json
import zlib

import rfc8785

from .errors import CompactInvalid

PREFIX = "XD1:"
#: The largest credential a compact text may inflate to.
MAX_BYTES = 64 * 1024


def encode(credential: dict) -> str:
    """Return the compact text of a signed credential."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = packer.compress(rfc8785.dumps(credential)) + packer.flush()
    return PREFIX + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def decode(text: str) -> dict:
    """Return the credential in a compact text. Raises :class:`CompactInvalid`."""
    if not isinstance(text, str) or not text.startswith(PREFIX):
        raise CompactInvalid()
    body = text[len(PREFIX) :].strip()
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        unpacker = zlib.decompressobj(-15)
        raw = unpacker.decompress(packed, MAX_BYTES)
        if unpacker.unconsumed_tail or not unpacker.eof:
            raise CompactInvalid("The compact credential is larger than allowed or cut short.")
        credential = json.loads(raw.decode("utf-8"))
    except (ValueError, zlib.error, UnicodeDecodeError) as exc:
        raise CompactInvalid() from exc
    if not isinstance(credential, dict):
        raise CompactInvalid()
    return credential


def verify(text: str) -> dict:
    """Return the VC API verification result of a compact text (see service.verify)."""
    from .service import verify as verify_credential

    return verify_credential(decode(text))
