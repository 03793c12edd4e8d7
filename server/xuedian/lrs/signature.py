"""Signed statements (xAPI Data 2.6): a JWS attachment whose payload is the statement."""

from __future__ import annotations

import base64
import json

from .errors import XapiInvalid
from .keys import canonical

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
ALGORITHMS = ("RS256", "RS384", "RS512")


def _segment(text: str):
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        return json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise XapiInvalid("The statement's signature is not a valid JWS.") from None


def check(statement: dict, files: dict) -> None:
    """400 unless every signature attachment is a compact JWS (RS256/384/512) whose
    payload is this statement as it was before the signature was added."""
    for item in statement.get("attachments", []):
        if item.get("usageType") != SIGNATURE:
            continue
        if item.get("contentType") != "application/octet-stream":
            raise XapiInvalid("A signature attachment has contentType application/octet-stream.")
        part = files.get(item.get("sha2"))
        if part is None:
            raise XapiInvalid("A signature attachment needs its JWS part.")
        pieces = part[1].decode("utf-8", "replace").strip().split(".")
        if len(pieces) != 3:
            raise XapiInvalid("The statement's signature is not a compact JWS.")
        header, payload = _segment(pieces[0]), _segment(pieces[1])
        if not isinstance(header, dict) or header.get("alg") not in ALGORITHMS:
            raise XapiInvalid("A statement signature uses RS256, RS384 or RS512.")
        if not isinstance(payload, dict):
            raise XapiInvalid("The signature's payload is not a statement.")
        unsigned = {k: v for k, v in statement.items() if k != "attachments"}
        signed = {k: v for k, v in payload.items() if k != "attachments"}
        if canonical(unsigned) != canonical({**signed, "id": unsigned.get("id")}) and (
            canonical(unsigned) != canonical(signed)
        ):
            raise XapiInvalid("The signature's payload differs from the statement.")
