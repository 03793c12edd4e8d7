"""Kiosk credentials: how a village kiosk proves it is one when it forwards bundles, so the
county takes its word for when it received them (``X-Xuedian-Received-At``).

A credential is ``NAME.TAG``: TAG is base64url of the first 16 bytes of
HMAC-SHA256(the app's secret key, ``"xuedian-kiosk\\0" + NAME``). The county makes one with
``xuedian devices kiosk-credential NAME``; the kiosk sends it as ``X-Xuedian-Kiosk``
(setting ``XUEDIAN_RELAY_CREDENTIAL``). Nothing is stored: changing the secret key ends
every credential. Anyone else's received-at header is ignored (the server's clock counts),
so a forged phone cannot back-date what it sends.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from flask import current_app

KIOSK_HEADER = "X-Xuedian-Kiosk"
NAME = re.compile(r"^[a-z0-9-]{1,32}$")
_CREDENTIAL = re.compile(r"^([a-z0-9-]{1,32})\.([A-Za-z0-9_-]{22})$")
_CONTEXT = b"xuedian-kiosk\x00"


def _tag(name: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    digest = hmac.new(key, _CONTEXT + name.encode("ascii"), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def credential_for(name: str) -> str:
    """Return the credential of kiosk ``name``. Raises ``ValueError`` for a bad name."""
    if not NAME.match(name):
        raise ValueError("A kiosk name is 1-32 lowercase letters, digits or hyphens.")
    return f"{name}.{_tag(name)}"


def kiosk_name(credential: str | None) -> str | None:
    """Return the kiosk's name if ``credential`` is one this county made, else None."""
    match = _CREDENTIAL.match(credential or "")
    if match is None:
        return None
    name, tag = match.groups()
    return name if hmac.compare_digest(tag, _tag(name)) else None
