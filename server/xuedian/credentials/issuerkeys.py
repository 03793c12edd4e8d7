"""The county issuer keys: Ed25519 key pairs that sign credentials, kept apart from the
pack signing keys, as files in ``<instance>/credentials/issuer``.

``issuer.json`` lists every issuer key ever made (its ``did:key``, status, created); each
private key sits beside it as ``<multikey>.pem`` readable by the owner only. The active key
signs; a rotation makes a new active key and keeps the earlier ones as ``retired``, so the
credentials they signed still verify and are still known as this county's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app

from ..core.keyfolder import KeyFolder, new_key, raw_public
from ..core.timeutil import iso, utcnow
from . import didkey
from .dataintegrity import Signer

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


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
        self.files = KeyFolder(Path(instance_path) / "credentials" / "issuer", "issuer.json")
        self.folder = self.files.folder

    def all(self) -> list[IssuerKey]:
        """Return every issuer key, oldest first."""
        return [IssuerKey(**entry) for entry in self.files.entries()]

    def active(self) -> IssuerKey:
        """Return the active key, making the first one on first use."""
        for key in reversed(self.all()):
            if key.status == "active":
                return key
        return self.rotate()

    def rotate(self) -> IssuerKey:
        """Make a new key the active one; earlier keys become ``retired`` (still trusted)."""
        return self.add(new_key()[0])

    def add(self, private: Ed25519PrivateKey) -> IssuerKey:
        """Store ``private`` as the new active key (rotate uses it; tests give fixed keys)."""
        raw = raw_public(private)
        key = IssuerKey(
            did=didkey.did_for(raw),
            multikey=didkey.public_multikey(raw),
            status="active",
            created=iso(utcnow()),
        )
        self.files.store(key.multikey, private)
        entries = [
            IssuerKey(**{**asdict(old), "status": "retired"}) if old.status == "active" else old
            for old in self.all()
        ]
        self.files.write([asdict(e) for e in [*entries, key]])
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
        return Signer(method=key.method, sign=self.files.load(key.multikey).sign)


def issuer_keys() -> IssuerKeys:
    """Return the current app's issuer keys (set by :func:`xuedian.credentials.init_app`)."""
    return current_app.extensions["xuedian.issuer_keys"]
