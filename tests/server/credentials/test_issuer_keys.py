"""The county issuer key: a did:key apart from the pack key, shown and rotated by the CLI;
credentials signed before a rotation still verify and are still known as the county's."""

from __future__ import annotations

import json
from pathlib import Path

from xuedian.credentials import didkey

from .helpers import credential, run_cli, token


def test_issuer_key_is_a_did_key_kept_apart_from_the_pack_key(app):
    shown = run_cli(app, "credentials", "issuer", "show")
    assert shown.exit_code == 0, shown.output
    did = shown.stdout.splitlines()[0]
    assert did.startswith("did:key:z6Mk")
    assert len(didkey.multikey_public(did[8:])) == 32
    instance = Path(app.instance_path)
    stored = json.loads((instance / "credentials" / "issuer" / "issuer.json").read_text())
    assert [k["did"] for k in stored] == [did]
    pem = instance / "credentials" / "issuer" / f"{did[8:]}.pem"
    assert pem.stat().st_mode & 0o077 == 0
    pack_keys = {k.public_key for k in app.extensions["xuedian.keyring"].all()}
    assert pack_keys and did not in pack_keys
    assert run_cli(app, "credentials", "issuer", "show").stdout.splitlines()[0] == did


def test_rotation_keeps_old_credentials_verifiable_and_known(app, client):
    bearer = token(app)
    old = app.extensions["xuedian.issuer_keys"].active().did
    signed = client.post(
        "/credentials/issue",
        json={"credential": credential(old)},
        headers={"Authorization": f"Bearer {bearer}"},
    ).json["verifiableCredential"]
    rotated = run_cli(app, "credentials", "issuer", "rotate")
    assert rotated.exit_code == 0, rotated.output
    new = rotated.stdout.strip()
    assert new != old and new.startswith("did:key:z6Mk")
    assert client.get("/credentials/issuer").json["id"] == new
    answer = client.post("/credentials/verify", json={"verifiableCredential": signed}).json
    assert answer["verified"] is True
    assert answer["issuer"] == {"id": old, "known": True}
    statuses = {k["id"]: k["status"] for k in client.get("/credentials/issuer").json["keys"]}
    assert statuses == {old: "retired", new: "active"}
    refused = client.post(
        "/credentials/issue",
        json={"credential": credential(old, 2)},
        headers={"Authorization": f"Bearer {bearer}"},
    )
    assert refused.json["code"] == "credential-issuer-mismatch"


def test_did_document_names_the_key_for_assertions(client):
    document = client.get("/credentials/issuer").json["didDocument"]
    method = document["verificationMethod"][0]
    assert method["type"] == "Multikey"
    assert method["id"] == f"{document['id']}#{method['publicKeyMultibase']}"
    assert document["assertionMethod"] == [method["id"]]


def test_demo_makes_the_issuer_key(app, tmp_path):
    folder = Path(app.instance_path) / "credentials" / "issuer"
    assert not folder.exists()
    done = run_cli(app, "demo", "--packs-dir", str(tmp_path))
    assert done.exit_code == 0, done.output
    keys = json.loads((folder / "issuer.json").read_text())
    assert [k["status"] for k in keys] == ["active"]


def test_init_makes_the_issuer_key_once(app):
    first = run_cli(app, "init")
    assert first.exit_code == 0, first.output
    did = first.stdout.split("issuer: ", 1)[1].strip()
    assert did.startswith("did:key:z6Mk")
    again = run_cli(app, "init")
    assert again.stdout.split("issuer: ", 1)[1].strip() == did
