"""The county issuer keys: Ed25519 key pairs that sign credentials, kept apart from the
pack signing keys, as files in ``<instance>/credentials/issuer``.

``issuer.json`` lists every issuer key ever made (its ``did:key``, status, created); each
private key sits beside it as ``<multikey>.pem`` readable by the owner only. The active key
signs; a rotation makes a new active key and keeps the earlier ones as ``retired``, so the
credentials they signed still verify and are still known as this county's.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app

from ..core.timeutil import iso, utcnow
from . import didkey
from .dataintegrity import Signer


@dataclass
class IssuerKey:
    """One issuer key: ``did`` is ``did:key:<multikey>``."""

    did: str
    multikey: str
    status: str
    created: str

    @property
    def method(self) -> str:
        """The verification method id a proof names: ``did:key:z6Mk…#z6Mk…``."""
        return f"{self.did}#{self.multikey}"

    @property
    def public_key(self) -> bytes:
        return didkey.multikey_public(self.multikey)


class IssuerKeys:
    """The issuer keys of one instance folder."""

    def __init__(self, instance_path: Path):
        self.folder = Path(instance_path) / "credentials" / "issuer"
        self.index = self.folder / "issuer.json"

    def all(self) -> list[IssuerKey]:
        """Return every issuer key, oldest first."""
        if not self.index.exists():
            return []
        return [IssuerKey(**entry) for entry in json.loads(self.index.read_text("utf-8"))]

    def active(self) -> IssuerKey:
        """Return the active key, making the first one on first use."""
        for key in reversed(self.all()):
            if key.status == "active":
                return key
        return self.rotate()

    def rotate(self) -> IssuerKey:
        """Make a new key the active one; earlier keys become ``retired`` (still trusted)."""
        private = Ed25519PrivateKey.generate()
        return self.add(private)

    def add(self, private: Ed25519PrivateKey) -> IssuerKey:
        """Store ``private`` as the new active key (rotate uses it; tests give fixed keys)."""
        raw = private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        key = IssuerKey(
            did=didkey.did_for(raw),
            multikey=didkey.public_multikey(raw),
            status="active",
            created=iso(utcnow()),
        )
        self.folder.mkdir(parents=True, exist_ok=True)
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # Made 0600 from the start: an issuer key is never readable by others.
        fd = os.open(
            self.folder / f"{key.multikey}.pem", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600
        )
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        entries = [
            IssuerKey(**{**asdict(old), "status": "retired"}) if old.status == "active" else old
            for old in self.all()
        ]
        tmp = self.index.with_suffix(".tmp")
        tmp.write_text(json.dumps([asdict(e) for e in [*entries, key]], indent=2), "utf-8")
        tmp.replace(self.index)
        return key

    def find(self, did: str) -> IssuerKey | None:
        """Return this county's key with ``did`` (active or retired), or None."""
        return next((key for key in self.all() if key.did == did), None)

    def signer_for(self, did: str | None = None) -> Signer:
        """Return a :class:`Signer` of the key ``did`` (default: the active key).

        Raises ``LookupError`` for a DID that is not one of this county's keys.
        """
        key = self.active() if did is None else self.find(did)
        if key is None:
            raise LookupError(did)
        pem = (self.folder / f"{key.multikey}.pem").read_bytes()
        private = serialization.load_pem_private_key(pem, password=None)
        return Signer(method=key.method, sign=private.sign)


def issuer_keys() -> IssuerKeys:
    """Return the current app's issuer keys (set by :func:`xuedian.credentials.init_app`)."""
    return current_app.extensions["xuedian.issuer_keys"]
