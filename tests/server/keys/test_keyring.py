"""Signing keys: rotation with an expiry, revocation, and refusing expired keys."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner

from xuedian.cli import main
from xuedian.core.timeutil import parse_iso, utcnow
from xuedian.keys.service import (
    KeyExpired,
    KeyRing,
    KeyUnknown,
    SignatureInvalid,
    verify_envelope,
)

BODY = {"type": "manifest", "pack_id": "p", "version": 1}


@pytest.fixture
def ring(tmp_path) -> KeyRing:
    ring = KeyRing(tmp_path)
    ring.create()
    return ring


def test_a_rotated_key_without_expiry_stays_trusted(ring):
    old = ring.sign(BODY)
    ring.create()
    assert ring.verify(old, "manifest") == old["signed"]
    assert [k.status for k in ring.all()] == ["retired", "active"]
    assert all("expires" not in k for k in ring.trusted())


def test_rotate_with_expiry_publishes_it_and_refuses_after(ring):
    old = ring.sign(BODY)
    ring.create(retire_after=timedelta(days=30))
    retired = ring.all()[0]
    assert parse_iso(retired.expires) - utcnow() > timedelta(days=29)
    assert ring.trusted()[0]["expires"] == retired.expires
    assert ring.verify(old, "manifest")["pack_id"] == "p"

    ring.create(retire_after=timedelta(0))
    # Creating again only touches the key that was active, not the one already retired.
    assert ring.all()[0].expires == retired.expires
    with pytest.raises(KeyExpired):
        ring.verify(_signed_by_second(ring), "manifest")


def _signed_by_second(ring: KeyRing) -> dict:
    # Sign with the second key directly: it is retired now, but its PEM is still on disk.
    from cryptography.hazmat.primitives import serialization

    from xuedian.core.canonjson import canonical_bytes
    from xuedian.keys.service import b64url

    key = ring.all()[1]
    private = serialization.load_pem_private_key(
        (ring.folder / f"{key.key_id}.pem").read_bytes(), password=None
    )
    body = {**BODY, "key_id": key.key_id}
    return {"signed": body, "signature": b64url(private.sign(canonical_bytes(body)))}


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s + "==",  # padding
        lambda s: s[:10] + " " + s[10:],  # a space
        lambda s: s[:10] + "\n" + s[10:],  # a line break
        lambda s: s.replace("-", "+").replace("_", "/") if ("-" in s or "_" in s) else s + "+",
        # The last character's unused bits set: the same bytes, spelt another way.
        lambda s: s[:-1] + {"A": "B", "Q": "R", "g": "h", "w": "x"}[s[-1]],
        lambda s: s + "A",  # one character more: not a whole number of bytes
    ],
)
def test_signature_base64_is_decoded_strictly(ring, change):
    """Only the one canonical unpadded base64url text of a signature is accepted."""
    envelope = ring.sign(BODY)
    assert ring.verify(envelope, "manifest")
    altered = {**envelope, "signature": change(envelope["signature"])}
    assert altered["signature"] != envelope["signature"]
    with pytest.raises(SignatureInvalid):
        ring.verify(altered, "manifest")


def test_b64url_decode_refuses_non_canonical_text():
    from xuedian.keys.service import b64url, b64url_decode

    assert b64url_decode(b64url(b"\x00\xff")) == b"\x00\xff"
    for bad in ("AP8=", "AP9", "AP+", "A P8", "AP8\n", "A", "AP/"):
        with pytest.raises(ValueError):
            b64url_decode(bad)


def test_revoke_makes_a_key_expire_now(ring):
    old = ring.sign(BODY)
    first = ring.active().key_id
    ring.create()
    revoked = ring.revoke(first)
    assert revoked.status == "revoked"
    assert parse_iso(revoked.expires) <= utcnow()
    with pytest.raises(KeyExpired) as caught:
        ring.verify(old, "manifest")
    assert caught.value.code == "key-expired"
    # Still listed, so a phone can say "expired" instead of "unknown".
    assert ring.trusted()[0]["key_id"] == first


def test_revoke_refuses_the_active_and_unknown_keys(ring):
    with pytest.raises(ValueError):
        ring.revoke(ring.active().key_id)
    with pytest.raises(LookupError):
        ring.revoke("k-0000000000000000")
    assert [k.status for k in ring.all()] == ["active"]


def test_verify_refuses_unknown_keys_and_changed_bodies(ring):
    envelope = ring.sign(BODY)
    with pytest.raises(KeyUnknown):
        verify_envelope(envelope, "manifest", [])
    changed = {**envelope, "signed": {**envelope["signed"], "version": 2}}
    with pytest.raises(SignatureInvalid):
        ring.verify(changed, "manifest")
    with pytest.raises(SignatureInvalid):
        ring.verify(envelope, "catalog")


def test_cli_rotate_revoke_and_list(app):
    def run(*args: str):
        with app.app_context():
            return CliRunner().invoke(main, list(args))

    first = app.extensions["xuedian.keyring"].active().key_id
    result = run("keys", "rotate", "--retire-after-days", "90")
    assert result.exit_code == 0, result.output
    listing = [line.split("\t") for line in run("keys", "list").output.splitlines()]
    assert listing[0][:2] == [first, "retired"]
    assert listing[0][3] != "-"
    assert listing[1][1:4:2] == ["active", "-"]

    result = run("keys", "revoke", first)
    assert result.exit_code == 0, result.output
    assert result.output.split("\t")[1] == "revoked"
    result = run("keys", "revoke", "k-nope")
    assert result.exit_code != 0
    assert "No key k-nope" in result.output


def test_trusted_keys_document_carries_expiry(client, app):
    ring = app.extensions["xuedian.keyring"]
    first = ring.active().key_id
    ring.create()
    ring.revoke(first)
    keys = client.get("/trusted-keys.json").get_json()["keys"]
    by_id = {k["key_id"]: k for k in keys}
    assert "expires" in by_id[first]
    assert "expires" not in by_id[ring.active().key_id]
