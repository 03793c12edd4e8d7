"""The county's Ed25519 signing keys, kept as files in ``<instance>/keys``.

``keys.json`` lists every key ever made (id, public key, status, created, expires); each
private key sits beside it as ``<key_id>.pem`` readable by the owner only. The active key
signs; retired keys stay trusted so packs signed before a rotation still verify on phones,
until their ``expires`` time, if one is set. A revoked key expires at once. An expired key
stays listed in ``/trusted-keys.json`` with its ``expires``, so phones refuse its signatures
(``key-expired``) instead of calling them unknown.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app

from ..core.canonjson import canonical_bytes
from ..core.keyfolder import KeyFolder, new_key
from ..core.timeutil import iso, parse_iso, utcnow
from ..errors import XuedianError


class NoSigningKey(XuedianError):
    code = "signing-key-missing"
    status = 500
    message = "This server has no active signing key; run `xuedian keys create`."


class SignatureRefused(XuedianError):
    """A signed document this server will not accept; the subclass says why."""

    status = 400


class SignatureInvalid(SignatureRefused):
    code = "signature-invalid"
    message = "The signature does not match the signed content."


class KeyExpired(SignatureRefused):
    code = "key-expired"
    message = "The document is signed by a key that has expired or been revoked."


class KeyUnknown(SignatureRefused):
    code = "key-unknown"
    message = "The document is signed by a key this server does not trust."


def b64url(data: bytes) -> str:
    """Return unpadded base64url text."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


_B64URL = re.compile(r"[A-Za-z0-9_-]*")


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url text, strictly: only the url-safe alphabet, no padding, no
    spaces, and the one canonical spelling of the bytes (unused bits zero), so a signature
    has exactly one accepted text. Raises ``ValueError`` on anything else."""
    if not isinstance(text, str) or not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("not unpadded base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url(data) != text:
        raise ValueError("not the canonical base64url of its bytes")
    return data


@dataclass
class KeyInfo:
    key_id: str
    public_key: str
    status: str
    created: str
    expires: str | None = None

    def public(self) -> dict:
        """Return the entry published in ``/trusted-keys.json``."""
        entry = {"key_id": self.key_id, "alg": "Ed25519", "public_key": self.public_key}
        if self.expires:
            entry["expires"] = self.expires
        return entry


class KeyRing:
    """The signing keys of one instance folder."""

    def __init__(self, instance_path: Path):
        self.files = KeyFolder(Path(instance_path) / "keys", "keys.json")
        self.folder = self.files.folder
        self.index = self.files.index

    def all(self) -> list[KeyInfo]:
        """Return every key, oldest first."""
        return [KeyInfo(**entry) for entry in self.files.entries()]

    def active(self) -> KeyInfo:
        """Return the active key. Raises :class:`NoSigningKey` when there is none."""
        for key in reversed(self.all()):
            if key.status == "active":
                return key
        raise NoSigningKey()

    def create(self, retire_after: timedelta | None = None) -> KeyInfo:
        """Make a new key and make it the active one; earlier keys become retired.

        With ``retire_after``, the previously active key expires that long from now.
        """
        private, raw = new_key()
        key = KeyInfo(
            key_id="k-" + hashlib.sha256(raw).hexdigest()[:16],
            public_key=b64url(raw),
            status="active",
            created=iso(utcnow()),
        )
        self.files.store(key.key_id, private)
        entries = []
        for old in self.all():
            if old.status == "active":
                old.status = "retired"
                if retire_after is not None:
                    old.expires = iso(utcnow() + retire_after)
            entries.append(old)
        self._write([*entries, key])
        return key

    def revoke(self, key_id: str) -> KeyInfo:
        """Make a key expire now; phones refuse its signatures from the next shell update.

        Raises ``LookupError`` for an unknown id and ``ValueError`` for the active key.
        """
        entries = self.all()
        for key in entries:
            if key.key_id == key_id:
                if key.status == "active":
                    raise ValueError("rotate before revoking the active key")
                key.status = "revoked"
                key.expires = iso(utcnow())
                self._write(entries)
                return key
        raise LookupError(key_id)

    def ensure(self) -> KeyInfo:
        """Return the active key, making one when the instance has none."""
        try:
            return self.active()
        except NoSigningKey:
            return self.create()

    def trusted(self) -> list[dict]:
        """Return the public entries of every trusted key."""
        return [key.public() for key in self.all()]

    def sign(self, signed: dict) -> dict:
        """Return the envelope ``{"signed": ..., "signature": ...}`` made with the active key.

        ``signed["key_id"]`` is set to the active key's id before signing.
        """
        key = self.active()
        private = self.files.load(key.key_id)
        body = {**signed, "key_id": key.key_id}
        return {"signed": body, "signature": b64url(private.sign(canonical_bytes(body)))}

    def verify(self, envelope: dict, expected_type: str) -> dict:
        """Return ``envelope["signed"]`` after checking its type and signature.

        Raises :class:`KeyUnknown` or :class:`SignatureInvalid`.
        """
        return verify_envelope(envelope, expected_type, self.trusted())

    def _write(self, entries: list[KeyInfo]) -> None:
        self.files.write([asdict(e) for e in entries])


def verify_envelope(envelope: dict, expected_type: str, trusted: list[dict]) -> dict:
    """Return the signed body of ``envelope`` if a trusted, unexpired key signed it.

    Raises :class:`KeyUnknown`, :class:`KeyExpired` or :class:`SignatureInvalid`.
    """
    try:
        signed = envelope["signed"]
        signature = b64url_decode(envelope["signature"])
        key_id = signed["key_id"]
    except (KeyError, TypeError, ValueError) as exc:
        raise SignatureInvalid("The document has no readable signature.") from exc
    if not isinstance(signed, dict) or signed.get("type") != expected_type:
        raise SignatureInvalid(f"Expected a signed {expected_type}.")
    # A list or an object here must be a refusal, not a TypeError (unhashable) later.
    if not isinstance(key_id, str) or not key_id:
        raise SignatureInvalid("The document's key_id is not a key id.")
    by_id = {k["key_id"]: k for k in trusted}
    if key_id not in by_id:
        raise KeyUnknown(key_id=key_id[:100])
    expires = by_id[key_id].get("expires")
    if expires and parse_iso(expires) <= utcnow():
        raise KeyExpired(key_id=key_id, expires=expires)
    try:
        message = canonical_bytes(signed)
    except (TypeError, ValueError, RecursionError) as exc:
        raise SignatureInvalid("The signed document is not canonical JSON.") from exc
    if not ed25519_verify(by_id[key_id]["public_key"], signature, message):
        raise SignatureInvalid()
    return signed


def ed25519_verify(public_key: str, signature: bytes, message: bytes) -> bool:
    """Whether ``signature`` is the Ed25519 signature of ``message`` by the base64url raw
    ``public_key``. Raises ``ValueError`` for a key that is not 32 base64url bytes."""
    # Imported here: a serving worker lists keys at start and verifies only when phones sync.
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    public = Ed25519PublicKey.from_public_bytes(b64url_decode(public_key))
    try:
        public.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def keyring() -> KeyRing:
    """Return the current app's signing key ring (set by :func:`xuedian.keys.init_app`)."""
    return current_app.extensions["xuedian.keyring"]
