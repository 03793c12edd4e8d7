"""A folder of Ed25519 private keys with a JSON index beside them: the pack signing keys
(``keys/``) and the credential issuer keys (``credentials/issuer``) are both kept this way.

Each private key is a PKCS#8 PEM file made owner-readable (0600) from its first byte and
never overwritten; the index is a JSON list of entries, replaced atomically.

cryptography (about 9 MB once loaded) is imported where a key is made, written or read, so a
serving worker that only lists keys (``/trusted-keys.json``) does without it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def new_key() -> tuple[Ed25519PrivateKey, bytes]:
    """A fresh private key and its raw 32-byte public key."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    return private, raw_public(private)


def raw_public(private: Ed25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


class KeyFolder:
    """The files of one key folder: ``<name>.pem`` private keys and the ``index`` JSON."""

    def __init__(self, folder: Path, index_name: str):
        self.folder = Path(folder)
        self.index = self.folder / index_name

    def entries(self) -> list[dict]:
        """Every index entry, oldest first ([] before the first key)."""
        if not self.index.exists():
            return []
        return json.loads(self.index.read_text("utf-8"))

    def write(self, entries: list[dict]) -> None:
        """Replace the index with ``entries`` in one step."""
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.index.with_suffix(".tmp")
        tmp.write_text(json.dumps(entries, indent=2), "utf-8")
        tmp.replace(self.index)

    def store(self, name: str, private: Ed25519PrivateKey) -> None:
        """Write ``private`` as ``<name>.pem``, 0600 from the start; never overwrites."""
        from cryptography.hazmat.primitives import serialization

        self.folder.mkdir(parents=True, exist_ok=True)
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        fd = os.open(self.folder / f"{name}.pem", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)

    def load(self, name: str) -> Ed25519PrivateKey:
        """The private key ``<name>.pem``."""
        from cryptography.hazmat.primitives import serialization

        pem = (self.folder / f"{name}.pem").read_bytes()
        return serialization.load_pem_private_key(pem, password=None)
