"""Write ``tests/vectors/credentials.json``: compact QR credentials (``XD1:``) and what a
verifier must say of each.

The county (server/xuedian/credentials/compact.py, tests/server/credentials/
test_credential_vectors.py) and the phone (pwa/src/lib/credentials/verify.js,
pwa/test/credentials.test.mjs) both read every case: ``verified``, the ``issuer`` DID, the
``error`` code when refused, and the ``status`` against the file's synced ``lists``.

Run ``python tests/vectors/make_credential_vectors.py`` after changing a case; the output
is byte for byte the same on every run (fixed key, fixed times and ids), and a test checks
that the committed file is what this script writes.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from xuedian.credentials import badges, compact, didkey
from xuedian.credentials.dataintegrity import JCS, Signer, add_proof

OUT = Path(__file__).with_name("credentials.json")
#: Fixed seed: the vectors must not change between runs. Signs nothing but these vectors.
SEED = hashlib.sha256(b"xuedian credential vectors").digest()
LIST_URL = "https://county.example/credentials/status/1"
CREATED = "2026-12-01T08:00:00Z"


def _encoded(revoked: set[int], size: int = 131072) -> str:
    bits = bytearray(size // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def _badge(did: str, name: str, index: int | None) -> dict:
    achievement = badges.achievement(
        achievement_id="https://county.example/outcomes/opera-intro",
        name="地方戏曲入门",
        description="清水县地方戏曲入门课程（十课）",
        criteria="完成全部十课，测验成绩不低于 60 分。",
        hours=6,
    )
    credential = badges.open_badge(
        issuer=badges.profile(did, "清水县学分银行"),
        achievement=achievement,
        name=name,
        subject_id="urn:uuid:0b0b0b0b-0000-4000-8000-000000000001",
        credential_id=f"urn:uuid:5e1f0000-0000-4000-8000-00000000000{index or 0}",
        valid_from=CREATED,
    )
    if index is not None:
        credential["credentialStatus"] = {
            "id": f"{LIST_URL}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": LIST_URL,
        }
    return credential


def make() -> dict:
    private = Ed25519PrivateKey.from_private_bytes(SEED)
    raw = private.public_key().public_bytes_raw()
    did = didkey.did_for(raw)
    signer = Signer(method=didkey.method_for(raw), sign=private.sign)
    good = add_proof(_badge(did, "地方戏曲入门证书", None), signer, JCS, CREATED)
    tampered = {**good, "name": "地方戏曲大师证书"}
    kept = add_proof(_badge(did, "地方戏曲入门证书", 7), signer, JCS, CREATED)
    revoked = add_proof(_badge(did, "地方戏曲入门证书", 9), signer, JCS, CREATED)
    other = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(SEED).digest())
    forged = add_proof(
        _badge(did, "地方戏曲入门证书", None),
        Signer(method=didkey.method_for(other.public_key().public_bytes_raw()), sign=other.sign),
        JCS,
        CREATED,
    )

    def case(name, text, verified, error, status):
        return {
            "name": name,
            "compact": text,
            "verified": verified,
            "issuer": did if text.startswith(compact.PREFIX) else None,
            "error": error,
            "status": status,
        }

    bad, unread = "credential-proof-invalid", "credential-compact-invalid"
    return {
        "issuer": did,
        "lists": {LIST_URL: _encoded({9})},
        "cases": [
            case("genuine", compact.encode(good), True, None, "unknown"),
            case("genuine, status listed", compact.encode(kept), True, None, "valid"),
            case("revoked", compact.encode(revoked), True, None, "revoked"),
            case("tampered name", compact.encode(tampered), False, bad, "unknown"),
            case("signed by another key", compact.encode(forged), False, bad, "unknown"),
            case("not compact", "XD2:" + compact.encode(good)[4:], False, unread, "unknown"),
        ],
    }


def main() -> None:
    OUT.write_text(json.dumps(make(), indent=1, ensure_ascii=False) + "\n", "utf-8")


if __name__ == "__main__":
    main()
