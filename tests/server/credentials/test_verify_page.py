"""The public /verify page (no sign-in, no script, both languages) tells genuine, revoked,
tampered, unknown issuer and unreadable apart with the same verification as
POST /credentials/verify; both count against one rate limit per address, answered with the
``rate-limited`` envelope. Every unknown /credentials/ address or method gets the envelope."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from xuedian.credentials import badges, compact, didkey
from xuedian.credentials.dataintegrity import JCS, RDFC, Signer, add_proof
from xuedian.credentials.statuslist import revoke


def _badge(app, suite=RDFC, number=1) -> dict:
    with app.app_context():
        unsigned = badges.open_badge(
            issuer=badges.county_profile("清水县学分银行"),
            achievement=badges.achievement(
                achievement_id="urn:xuedian:unit:1",
                name="地方戏曲入门",
                description="地方戏曲入门",
                criteria="完成全部课程。",
                hours=2.0,
            ),
            name="地方戏曲入门",
            credential_id=f"urn:uuid:00000000-0000-4000-8000-{number:012d}",
        )
        return badges.issue_badge(unsigned, suite)


def _stranger() -> dict:
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes_raw()
    unsigned = badges.open_badge(
        issuer=badges.profile(didkey.did_for(raw), "假县"),
        achievement=badges.achievement(
            achievement_id="urn:x:1", name="假证", description="假证", criteria="无"
        ),
        name="假证",
    )
    return add_proof(unsigned, Signer(didkey.method_for(raw), private.sign), RDFC)


def _verdict(client, text: str, **extra) -> str:
    answer = client.post("/verify", data={"credential": text, **extra})
    assert answer.status_code == 200, answer.text
    return answer.text.split('data-verdict="', 1)[1].split('"', 1)[0]


def test_verify_page_is_public_bilingual_and_scriptless(client):
    page = client.get("/verify")
    assert page.status_code == 200
    assert "script-src" not in page.headers["Content-Security-Policy"]
    assert "<script" not in page.text
    assert "核验学分证书" in page.text and "Verify a credit certificate" in page.text
    assert 'name="viewport"' in page.text


def test_verify_page_tells_each_verdict(app, client):
    genuine = _badge(app)
    assert _verdict(client, json.dumps(genuine)) == "genuine"
    assert _verdict(client, compact.encode(_badge(app, JCS, 2))) == "genuine"
    tampered = {**genuine, "name": "高级地方戏曲"}
    assert _verdict(client, json.dumps(tampered)) == "tampered"
    assert _verdict(client, json.dumps(_stranger())) == "untrusted"
    upload = {"file": (io.BytesIO(json.dumps(genuine).encode()), "badge.json")}
    answer = client.post("/verify", data=upload, content_type="multipart/form-data")
    assert 'data-verdict="genuine"' in answer.text and "地方戏曲入门" in answer.text
    with app.app_context():
        revoke(genuine["id"])
    assert _verdict(client, json.dumps(genuine)) == "revoked"
    unreadable = client.post("/verify", data={"credential": "XD1:!!"})
    assert unreadable.status_code == 400 and "读不懂" in unreadable.text
    assert client.post("/verify", data={"credential": " "}).status_code == 400


def test_public_verification_is_rate_limited_with_the_envelope(app, client):
    app.config["XUEDIAN"] = replace(app.config["XUEDIAN"], rate_limit_verify="3/minute")
    genuine = json.dumps(_badge(app))
    assert client.post("/verify", data={"credential": genuine}).status_code == 200
    assert (
        client.post(
            "/credentials/verify", json={"verifiableCredential": json.loads(genuine)}
        ).status_code
        == 200
    )
    assert client.post("/verify", data={"credential": genuine}).status_code == 200
    for refused in (
        client.post("/verify", data={"credential": genuine}),
        client.post("/credentials/verify", json={"verifiableCredential": {}}),
    ):
        assert refused.status_code == 429
        assert refused.json["ok"] is False and refused.json["code"] == "rate-limited"
        assert int(refused.headers["Retry-After"]) >= 1


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/credentials/nothing-here", 404),
        ("POST", "/credentials/", 404),
        ("GET", "/credentials/status/not-a-number", 404),
        ("GET", "/credentials/status/999999", 404),
        ("GET", "/credentials/verify", 405),
        ("PUT", "/credentials/issue", 405),
        ("DELETE", "/credentials/issuer", 405),
    ],
)
def test_credentials_unknown_address_or_method_gets_the_envelope(client, method, path, status):
    answer = client.open(path, method=method)
    assert answer.status_code == status
    assert answer.json["ok"] is False
    assert answer.json["code"] == {404: "not-found", 405: "method-not-allowed"}[status]
    if status == 405:
        assert "POST" in answer.headers["Allow"] or "GET" in answer.headers["Allow"]
