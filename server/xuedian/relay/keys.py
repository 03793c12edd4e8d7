"""The county keys a relay trusts, pinned once in ``<instance>/relay/trusted-keys.json``.

``xuedian relay init`` pins them either from the county's ``/trusted-keys.json`` at first
contact (trust on first use: whoever answers that first request is believed, so do it over
HTTPS or on a link you trust, and compare the key ids with the county's ``xuedian keys
list``) or from a copy of that file a volunteer brought from the county. After that, the
relay never takes keys from the network again: every catalog, archive and ``.xdack`` it
mirrors must verify against the pinned list, so a tampered upstream cannot slip a file past
it. A county key rotation therefore needs ``xuedian relay init --replace`` once.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..core.timeutil import iso, utcnow
from ..errors import XuedianError
from .files import read_json, write_json

KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
#: 32 bytes as canonical unpadded base64url: the last character carries 2 unused bits, zero.
PUBLIC_KEY = re.compile(r"^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$")


class RelayNotInitialised(XuedianError):
    code = "relay-not-initialised"
    status = 503
    message = "This relay has no pinned county keys yet; run `xuedian relay init --upstream URL`."


class RelayKeysInvalid(XuedianError):
    code = "relay-keys-invalid"
    status = 400
    message = "The county key list is not a valid /trusted-keys.json document."


class RelayKeysChanged(XuedianError):
    code = "relay-keys-changed"
    status = 409
    message = (
        "The county's keys differ from the ones pinned here; check them with the county, "
        "then run `xuedian relay init --replace`."
    )


def parse_keys(data: bytes) -> list[dict]:
    """Return the key entries of a ``/trusted-keys.json`` document, checked.

    Raises :class:`RelayKeysInvalid`.
    """
    try:
        document = json.loads(data)
        entries = document["keys"]
    except (ValueError, KeyError, TypeError) as exc:
        raise RelayKeysInvalid() from exc
    if not isinstance(entries, list) or not entries:
        raise RelayKeysInvalid("The key list is empty.")
    keys = []
    for entry in entries:
        if not (
            isinstance(entry, dict)
            and entry.get("alg") == "Ed25519"
            and KEY_ID.match(str(entry.get("key_id", "")))
            and PUBLIC_KEY.match(str(entry.get("public_key", "")))
        ):
            raise RelayKeysInvalid("A key entry is not an Ed25519 public key.")
        key = {"key_id": entry["key_id"], "alg": "Ed25519", "public_key": entry["public_key"]}
        if entry.get("expires"):
            key["expires"] = str(entry["expires"])
        keys.append(key)
    return keys


class PinnedKeys:
    """The pinned key file of one relay."""

    def __init__(self, path: Path):
        self.path = path

    def document(self) -> dict | None:
        """Return ``{"upstream", "pinned_at", "source", "keys"}``, or None before init."""
        return read_json(self.path)

    def trusted(self) -> list[dict]:
        """Return the pinned keys. Raises :class:`RelayNotInitialised` before init."""
        document = self.document()
        if not document or not document.get("keys"):
            raise RelayNotInitialised()
        return document["keys"]

    def pin(self, upstream: str, keys: list[dict], source: str, replace: bool = False) -> dict:
        """Pin ``keys`` for this relay and return the stored document.

        Pinning the same public keys again (say, with a new upstream URL) is fine; different
        ones raise :class:`RelayKeysChanged` unless ``replace`` is set.
        """
        old = self.document()
        if old and not replace and _public_set(old["keys"]) != _public_set(keys):
            raise RelayKeysChanged(
                pinned=sorted(k["key_id"] for k in old["keys"]),
                offered=sorted(k["key_id"] for k in keys),
            )
        document = {
            "upstream": upstream,
            "pinned_at": iso(utcnow()),
            "source": source,
            "keys": keys,
        }
        write_json(self.path, document)
        return document


def _public_set(keys: list[dict]) -> set[tuple[str, str]]:
    return {(k["key_id"], k["public_key"]) for k in keys}
