"""Transfers in, on one server: the trust list is installed only when the pinned province
key signed it (a tampered, unsigned or foreign list changes nothing); the staff page and
API accept a trusted county's credential (JSON or XD1: text) for a learner in scope and
refuse, in words and in the envelope, what is tampered, untrusted, local or repeated."""

from __future__ import annotations

import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from xuedian.credentials import badges, compact, didkey, trustlist
from xuedian.credentials.assess import assess
from xuedian.credentials.dataintegrity import JCS, RDFC, Signer, add_proof
from xuedian.credits.models import CreditTransfer
from xuedian.extensions import db

from ..credentials.helpers import run_cli
from ..org.world import build_world, sign_in

LEARNER_A = "aaaa1111-60-69"  # a profile on the phone at point A (org/world.py)
CSRF = "test-csrf"


class County:
    """Another county's issuer key, signing in the test."""

    def __init__(self):
        self.private = Ed25519PrivateKey.generate()
        raw = self.private.public_key().public_bytes_raw()
        self.did = didkey.did_for(raw)
        self.signer = Signer(didkey.method_for(raw), self.private.sign)

    def badge(self, number: int = 1, suite: str = RDFC) -> dict:
        achievement = badges.achievement(
            achievement_id=f"urn:xuedian:unit:{number}",
            name="剪纸入门",
            description="剪纸入门",
            criteria="完成全部课程。",
            hours=3.0,
        )
        unsigned = badges.open_badge(
            issuer=badges.profile(self.did, "甲县学分银行"),
            achievement=achievement,
            name="剪纸入门",
            credential_id=f"urn:uuid:00000000-0000-4000-8000-{number:012d}",
        )
        return add_proof(unsigned, self.signer, suite)


def _signed_list(province: Ed25519PrivateKey, *counties: County, **validity) -> dict:
    entry = {
        "type": trustlist.ENTRY_TYPE,
        "counties": [{"did": c.did, "name": "甲县", "url": "", **validity} for c in counties],
    }
    return trustlist.build([entry], "某省", province)


def _trust(app, tmp_path, county: County) -> Ed25519PrivateKey:
    province = Ed25519PrivateKey.generate()
    path = tmp_path / "list.json"
    path.write_text(json.dumps(_signed_list(province, county)), "utf-8")
    assert run_cli(app, "credentials", "trust", "pin", trustlist.did_of(province)).exit_code == 0
    done = run_cli(app, "credentials", "trust", "import", str(path))
    assert done.exit_code == 0, done.output
    return province


def test_trust_import_refuses_tampered_unsigned_and_foreign_lists(app, tmp_path):
    county, province = County(), Ed25519PrivateKey.generate()
    good = _signed_list(province, county)
    path = tmp_path / "list.json"
    path.write_text(json.dumps(good), "utf-8")
    refused = run_cli(app, "credentials", "trust", "import", str(path))
    assert refused.exit_code != 0 and "no province key is pinned" in refused.output
    run_cli(app, "credentials", "trust", "pin", trustlist.did_of(province))

    tampered = json.loads(json.dumps(good))
    tampered["counties"][0]["name"] = "乙县"
    unsigned = {k: v for k, v in good.items() if k != "proof"}
    foreign = _signed_list(Ed25519PrivateKey.generate(), county)
    for document, words in (
        (tampered, "was changed"),
        (unsigned, "not signed"),
        (foreign, "not the province key"),
    ):
        path.write_text(json.dumps(document), "utf-8")
        refused = run_cli(app, "credentials", "trust", "import", str(path))
        assert refused.exit_code != 0 and "nothing changed" in refused.output
        assert words in refused.output
        assert not (tmp_path / "instance" / "credentials" / "trust" / "trustlist.json").exists()
    with app.app_context():
        assert app.extensions["xuedian.trust"].find(county.did) is None

    path.write_text(json.dumps(good), "utf-8")
    assert run_cli(app, "credentials", "trust", "import", str(path)).exit_code == 0
    with app.app_context():
        assert app.extensions["xuedian.trust"].find(county.did).name == "甲县"
    # A list changed on disk after import trusts nobody.
    installed = tmp_path / "instance" / "credentials" / "trust" / "trustlist.json"
    installed.write_text(json.dumps(tampered), "utf-8")
    with app.app_context():
        assert app.extensions["xuedian.trust"].find(county.did) is None


def test_a_key_is_trusted_only_for_what_it_signed_while_listed(app, tmp_path):
    county, province = County(), Ed25519PrivateKey.generate()
    path = tmp_path / "list.json"
    listed = _signed_list(province, county, validFrom="2020-01-01T00:00:00Z")
    listed["issued"] = "2020-01-01T00:00:00Z"  # older than the next edition below
    path.write_text(json.dumps(trustlist.sign(listed, province)), "utf-8")
    run_cli(app, "credentials", "trust", "pin", trustlist.did_of(province))
    assert run_cli(app, "credentials", "trust", "import", str(path)).exit_code == 0
    with app.app_context():
        assert assess(county.badge())["verdict"] == "genuine"
    ended = _signed_list(province, county, validUntil="2021-01-01T00:00:00Z")
    path.write_text(json.dumps(ended), "utf-8")
    assert run_cli(app, "credentials", "trust", "import", str(path)).exit_code == 0
    with app.app_context():
        assert assess(county.badge())["verdict"] == "untrusted"
    # An edition older than the installed one is refused: no rollback to trust it again.
    path.write_text(json.dumps(trustlist.sign(listed, province)), "utf-8")
    refused = run_cli(app, "credentials", "trust", "import", str(path))
    assert refused.exit_code != 0 and "older than the one installed" in refused.output


def test_transfer_page_accepts_a_trusted_credential_and_its_qr_text(app, client, tmp_path):
    world = build_world(app)
    county = County()
    _trust(app, tmp_path, county)
    sign_in(client, world.staff["vol_a"], CSRF)
    form = {"csrf_token": CSRF, "learner": LEARNER_A, "credential": json.dumps(county.badge(1))}
    answer = client.post("/staff/credits/transfer", data=form)
    assert answer.status_code == 303
    qr = compact.encode(county.badge(2, JCS))
    answer = client.post("/staff/credits/transfer", data={**form, "credential": qr})
    assert answer.status_code == 303
    page = client.get("/staff/credits/transfer?lang=en")
    assert page.text.count("甲县") == 2 and "The certificate has no revocation list" in page.text
    with app.app_context():
        rows = db.session.scalars(select(CreditTransfer).order_by(CreditTransfer.id)).all()
        assert [(r.county, r.credits, r.status_checked) for r in rows] == [
            ("甲县", 3.0, "none"),
            ("甲县", 3.0, "none"),
        ]


def test_transfer_refusals_in_words_and_in_the_envelope(app, client, tmp_path):
    world = build_world(app)
    county = County()
    _trust(app, tmp_path, county)
    sign_in(client, world.staff["vol_a"], CSRF)
    api = "/api/v1/credits/transfers"
    headers = {"X-CSRF-Token": CSRF}

    def send(credential, learner=LEARNER_A):
        return client.post(
            api, json={"learner": learner, "credential": credential}, headers=headers
        )

    tampered = county.badge(1)
    tampered["name"] = "高级剪纸"
    stranger = County().badge(1)
    with app.app_context():
        own = badges.issue_badge(
            badges.open_badge(
                issuer=badges.county_profile("本县"),
                achievement=badges.achievement(
                    achievement_id="urn:x:1", name="x", description="x", criteria="x"
                ),
                name="x",
            )
        )
    for credential, status, code in (
        (tampered, 400, "credential-proof-invalid"),
        (stranger, 422, "credential-issuer-untrusted"),
        (own, 409, "credit-transfer-local"),
        ("XD1:broken", 400, "credential-compact-invalid"),
    ):
        answer = send(credential)
        assert (answer.status_code, answer.json["code"]) == (status, code), answer.json
        assert answer.json["ok"] is False
    assert send(county.badge(1)).status_code == 201
    assert send(county.badge(1)).json["code"] == "credit-transfer-duplicate"
    # A learner of a point out of the volunteer's scope: as if there were none.
    assert send(county.badge(3), "cccc3333-60-69").json["code"] == "credit-learner-out-of-scope"

    form = {"csrf_token": CSRF, "learner": LEARNER_A, "credential": json.dumps(stranger)}
    page = client.post("/staff/credits/transfer", data=form)
    assert page.status_code == 422 and "不在本省互认名单上" in page.text
    english = client.post("/staff/credits/transfer?lang=en", data=form)
    assert "not on the province trust list" in english.text

    client.post("/staff/logout", data={"csrf_token": CSRF})
    sign_in(client, None, CSRF)
    assert send(county.badge(4)).json["code"] == "unauthorized"
