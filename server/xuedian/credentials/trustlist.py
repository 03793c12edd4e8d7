"""The province trust list: a signed file that names every county issuer key a county
accepts credentials from (docs/credentials.md, "Moving between counties").

Owns the files in ``<instance>/credentials/trust/``: ``province.json`` (the pinned province
key, a did:key) and ``trustlist.json`` (the installed list, exactly as signed). A list is
installed only when its signature is the pinned province key's, and it is checked again on
every load, so a file changed on disk trusts nobody.

A list is JSON::

    {"type": "XuedianTrustList", "version": 1, "name": "省名", "issued": "…Z",
     "counties": [{"did": "did:key:z6Mk…", "name": "县名", "url": "https://…",
                   "validFrom": "…Z", "validUntil": null}],
     "proof": {"type": "Ed25519Signature2026", "verificationMethod": "did:key:…#…",
               "created": "…Z", "proofValue": "z…"}}

The signature is Ed25519 over the RFC 8785 (JCS) bytes of the list with its proof less
``proofValue``: the same canonical JSON the compact form uses, no JSON-LD needed.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import rfc8785

from ..core.keyfolder import raw_public
from ..core.timeutil import utcnow
from . import didkey
from .timecheck import parse_datetime, stamp

if TYPE_CHECKING:
    # cryptography itself loads where a key is used (see core/keyfolder.py).
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

TYPE = "XuedianTrustList"
ENTRY_TYPE = "XuedianTrustEntry"
PROOF_TYPE = "Ed25519Signature2026"
VERSION = 1


class TrustListInvalid(ValueError):
    """A trust list (or county entry) that is unsigned, tampered, or not one."""


@dataclass(frozen=True)
class County:
    """One trusted county issuer key."""

    did: str
    name: str
    url: str
    valid_from: datetime | None
    valid_until: datetime | None

    def covers(self, moment: datetime | None) -> bool:
        """Whether the key was trusted at ``moment`` (a credential's validFrom)."""
        if moment is None:
            return True
        if self.valid_from and moment < self.valid_from:
            return False
        return not (self.valid_until and moment > self.valid_until)


def _signing_bytes(document: dict) -> bytes:
    proof = {k: v for k, v in document["proof"].items() if k != "proofValue"}
    return rfc8785.dumps({**{k: v for k, v in document.items() if k != "proof"}, "proof": proof})


def _check_counties(counties) -> list[County]:
    if not isinstance(counties, list):
        raise TrustListInvalid("counties is not a list")
    found, seen = [], set()
    for item in counties:
        if not isinstance(item, dict):
            raise TrustListInvalid("a county entry is not an object")
        did, name, url = item.get("did"), item.get("name"), item.get("url", "")
        try:
            didkey.multikey_public(str(did)[len("did:key:") :])
        except ValueError:
            raise TrustListInvalid(f"not an Ed25519 did:key: {str(did)[:80]}") from None
        if not str(did).startswith("did:key:") or did in seen:
            raise TrustListInvalid(f"a did:key is missing or listed twice: {str(did)[:80]}")
        if not isinstance(name, str) or not name.strip() or not isinstance(url, str):
            raise TrustListInvalid(f"a county entry has no name: {did}")
        if url and not url.startswith(("https://", "http://")):
            raise TrustListInvalid(f"a county url is not http(s): {url[:80]}")
        times = []
        for field in ("validFrom", "validUntil"):
            value = item.get(field)
            moment = parse_datetime(value) if value is not None else None
            if value is not None and moment is None:
                raise TrustListInvalid(f"{field} is not a date-time: {str(value)[:40]}")
            times.append(moment)
        seen.add(did)
        found.append(County(did, name.strip(), url.rstrip("/"), *times))
    return found


def county_entries(keys, name: str, url: str) -> dict:
    """Return this county's entry file: one item per issuer key (``keys``: IssuerKey
    oldest first); a retired key is valid until the next key was made."""
    counties = []
    for index, key in enumerate(keys):
        until = keys[index + 1].created if index + 1 < len(keys) else None
        counties.append(
            {
                "did": key.did,
                "name": name,
                "url": url.rstrip("/"),
                "validFrom": key.created,
                "validUntil": until,
            }
        )
    entry = {"type": ENTRY_TYPE, "version": VERSION, "counties": counties}
    _check_counties(counties)
    return entry


def build(entries: list[dict], name: str, private: Ed25519PrivateKey) -> dict:
    """Return the trust list of every county in ``entries`` (entry files), signed."""
    counties = []
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("type") not in (ENTRY_TYPE, TYPE):
            raise TrustListInvalid("not a county entry file (xuedian credentials trust export)")
        counties.extend(entry.get("counties", []))
    _check_counties(counties)
    return sign(
        {
            "type": TYPE,
            "version": VERSION,
            "name": name,
            "issued": stamp(utcnow()),
            "counties": counties,
        },
        private,
    )


def sign(document: dict, private: Ed25519PrivateKey) -> dict:
    """Return ``document`` with a proof by ``private`` (any earlier proof replaced)."""
    raw = raw_public(private)
    document = {k: v for k, v in document.items() if k != "proof"}
    document["proof"] = {
        "type": PROOF_TYPE,
        "verificationMethod": didkey.method_for(raw),
        "created": stamp(utcnow()),
    }
    signature = private.sign(_signing_bytes(document))
    document["proof"]["proofValue"] = didkey.multibase_encode(signature)
    return document


def verify(document, province_did: str) -> list[County]:
    """Return the counties of a list signed by ``province_did``. Raises
    :class:`TrustListInvalid` naming what is wrong."""
    if not isinstance(document, dict) or document.get("type") != TYPE:
        raise TrustListInvalid("the file is not a trust list (type XuedianTrustList)")
    proof = document.get("proof")
    if not isinstance(proof, dict) or "proofValue" not in proof:
        raise TrustListInvalid("the trust list is not signed")
    try:
        signer, public = didkey.resolve_method(proof.get("verificationMethod"))
        signature = didkey.multibase_decode(proof["proofValue"])
    except (ValueError, TypeError):
        raise TrustListInvalid("the trust list's signature cannot be read") from None
    if signer != province_did:
        raise TrustListInvalid(f"the trust list is signed by {signer}, not the province key")
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, _signing_bytes(document))
    except (InvalidSignature, ValueError):
        raise TrustListInvalid("the signature does not match: the list was changed") from None
    if document.get("version") != VERSION:
        raise TrustListInvalid("the trust list's version is not 1")
    return _check_counties(document.get("counties"))


def new_key(path: Path) -> str:
    """Write a new Ed25519 province key to ``path`` (0600, PKCS#8 PEM); return its did:key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
        handle.write(pem)
    return did_of(private)


def load_key(path: Path) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise TrustListInvalid("the key file is not an Ed25519 private key")
    return private


def did_of(private: Ed25519PrivateKey) -> str:
    return didkey.did_for(raw_public(private))


class TrustStore:
    """The pinned province key and the installed list of one instance folder."""

    def __init__(self, instance_path: Path):
        self.folder = Path(instance_path) / "credentials" / "trust"
        self.pin_file = self.folder / "province.json"
        self.list_file = self.folder / "trustlist.json"
        self._cache: tuple[tuple, list[County]] | None = None

    def province(self) -> str | None:
        """The pinned province did:key, or None."""
        if not self.pin_file.exists():
            return None
        return json.loads(self.pin_file.read_text("utf-8")).get("did")

    def pin(self, did: str) -> None:
        """Pin ``did`` as the province key that signs trust lists."""
        try:
            didkey.resolve_method(f"{did}#{did[len('did:key:') :]}")
        except ValueError:
            raise TrustListInvalid(f"not an Ed25519 did:key: {did[:80]}") from None
        self._write(self.pin_file, {"did": did})

    def install(self, document) -> list[County]:
        """Check ``document`` against the pinned key and install it. Raises
        :class:`TrustListInvalid` (nothing changes then)."""
        province = self.province()
        if province is None:
            raise TrustListInvalid(
                "no province key is pinned: run xuedian credentials trust pin DID first"
            )
        counties = verify(document, province)
        current = self.document()
        if current and str(document.get("issued", "")) < str(current.get("issued", "")):
            raise TrustListInvalid("the trust list is older than the one installed")
        self._write(self.list_file, document)
        self._cache = None
        return counties

    def document(self) -> dict | None:
        if not self.list_file.exists():
            return None
        return json.loads(self.list_file.read_text("utf-8"))

    def counties(self) -> list[County]:
        """The installed list's counties; none when no list is installed or it no longer
        verifies against the pinned key (changed on disk)."""
        try:
            stat = self.list_file.stat()
            pin = self.pin_file.stat()
        except FileNotFoundError:
            return []
        key = (stat.st_mtime_ns, stat.st_size, pin.st_mtime_ns)
        if self._cache is None or self._cache[0] != key:
            try:
                found = verify(self.document(), self.province())
            except (TrustListInvalid, ValueError):
                found = []
            self._cache = (key, found)
        return self._cache[1]

    def find(self, did: str, moment: datetime | None = None) -> County | None:
        """The trusted county entry of ``did`` covering ``moment``, or None."""
        return next((c for c in self.counties() if c.did == did and c.covers(moment)), None)

    def _write(self, path: Path, document: dict) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(document, ensure_ascii=False, indent=2), "utf-8")
        tmp.replace(path)


def trust_store() -> TrustStore:
    """The current app's trust store (set by :func:`xuedian.credentials.init_app`)."""
    from flask import current_app

    return current_app.extensions["xuedian.trust"]
