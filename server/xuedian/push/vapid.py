"""The county's VAPID key pair (RFC 8292), kept as ``<instance>/keys/vapid_private.pem``.

Made once, on first use or by ``xuedian keys vapid``; several gunicorn workers racing to make
it agree on one file (it is written aside and linked into place, which fails if another
process got there first). Phones subscribe with the public key as ``applicationServerKey``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..keys.service import b64url

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import ec

FILENAME = "vapid_private.pem"


def key_path(instance: Path) -> Path:
    return Path(instance) / "keys" / FILENAME


def ensure(instance: Path) -> ec.EllipticCurvePrivateKey:
    """Return the VAPID private key, making it if the instance has none."""
    # Imported here, as everywhere a serving worker may not need cryptography (keyfolder.py).
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    path = key_path(instance)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        aside = path.with_name(f".{FILENAME}.{os.getpid()}")
        aside.write_bytes(pem)
        aside.chmod(0o600)
        try:
            os.link(aside, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            aside.unlink()
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def public_key_b64(key: ec.EllipticCurvePrivateKey) -> str:
    """The public key as browsers want it: the uncompressed point, base64url."""
    from cryptography.hazmat.primitives import serialization

    raw = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(raw)
