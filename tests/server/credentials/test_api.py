"""The VC API: who may issue, issue then verify with both cryptosuites, refusals, revocation."""

from __future__ import annotations

import pytest

from .helpers import credential, issuer_did, run_cli, sign_in, token

STATUS = {"credentialStatus": {"type": "BitstringStatusListEntry"}}


def _issue(client, body: dict, bearer: str | None = None, **headers):
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    return client.post("/credentials/issue", json=body, headers=headers)


def test_issue_needs_a_token_or_an_administrator(app, client):
    did = issuer_did(app)
    refused = _issue(client, {"credential": credential(did)})
    assert refused.status_code == 401
    assert refused.json["code"] == "unauthorized"
    wrong = _issue(client, {"credential": credential(did)}, bearer="xdc_not-a-token")
    assert wrong.status_code == 401


def test_issue_refuses_a_volunteer_session(app, client):
    sign_in(app, client, "volunteer")
    refused = _issue(
        client, {"credential": credential(issuer_did(app))}, **{"X-CSRF-Token": "csrf-1"}
    )
    assert refused.status_code == 403
    assert refused.json["code"] == "credential-issue-forbidden"


def test_issue_by_an_administrator_session_needs_its_csrf_token(app, client):
    sign_in(app, client, "admin")
    did = issuer_did(app)
    assert _issue(client, {"credential": credential(did)}).json["code"] == "csrf-invalid"
    made = _issue(client, {"credential": credential(did)}, **{"X-CSRF-Token": "csrf-1"})
    assert made.status_code == 201
    assert made.json["verifiableCredential"]["proof"]["cryptosuite"] == "eddsa-rdfc-2022"


def test_a_revoked_token_stops_issuing(app, client):
    text = token(app, "old-client")
    assert _issue(client, {"credential": credential(issuer_did(app))}, text).status_code == 201
    done = run_cli(app, "credentials", "token", "revoke", "old-client")
    assert done.exit_code == 0, done.output
    assert _issue(client, {"credential": credential(issuer_did(app), 2)}, text).status_code == 401


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_issued_credential_verifies_and_a_changed_one_does_not(app, client, suite):
    did = issuer_did(app)
    made = _issue(
        client, {"credential": credential(did), "options": {"cryptosuite": suite}}, token(app)
    )
    signed = made.json["verifiableCredential"]
    assert signed["proof"]["cryptosuite"] == suite
    assert signed["proof"]["verificationMethod"] == f"{did}#{did[8:]}"
    assert signed["proof"]["proofValue"].startswith("z")
    answer = client.post("/credentials/verify", json={"verifiableCredential": signed})
    assert answer.status_code == 200
    assert answer.json["verified"] is True
    assert answer.json["issuer"] == {"id": did, "known": True}
    changed = {**signed, "credentialSubject": {"id": "did:example:learner", "alumniOf": "别处"}}
    refused = client.post("/credentials/verify", json={"verifiableCredential": changed})
    assert refused.status_code == 400
    assert refused.json["verified"] is False
    assert refused.json["problemDetails"][0]["code"] == "credential-proof-invalid"
    assert refused.json["problemDetails"][0]["type"].endswith("#PROOF_VERIFICATION_ERROR")


def test_issue_refuses_another_issuer_and_undefined_terms(app, client):
    bearer = token(app)
    other = _issue(client, {"credential": credential("did:example:someone-else")}, bearer)
    assert other.status_code == 400
    assert other.json["code"] == "credential-issuer-mismatch"
    loose = credential(issuer_did(app))
    loose["@context"] = loose["@context"][:1]
    undefined = _issue(client, {"credential": loose}, bearer)
    assert undefined.status_code == 400
    assert undefined.json["code"] == "credential-term-undefined"
    assert undefined.json["details"]["terms"] == ["alumniOf"]
    unknown = credential(issuer_did(app))
    unknown["@context"] = [*unknown["@context"], "https://example.org/ctx.jsonld"]
    assert _issue(client, {"credential": unknown}, bearer).json["code"] == (
        "credential-context-unknown"
    )
    suite = _issue(
        client, {"credential": credential(issuer_did(app)), "options": {"cryptosuite": "x"}}, bearer
    )
    assert suite.json["code"] == "credential-cryptosuite-unsupported"


def test_verify_answers_a_malformed_credential_in_the_vc_api_shape(client):
    answer = client.post("/credentials/verify", json={"verifiableCredential": {"type": "x"}})
    assert answer.status_code == 400
    assert answer.json["verified"] is False
    assert answer.json["errors"][0]["code"] == "credential-malformed"


def test_revocation_flips_the_status_bit_and_verify_sees_it(app, client):
    did = issuer_did(app)
    body = {"credential": credential(did, 7), "options": STATUS}
    signed = _issue(client, body, token(app)).json["verifiableCredential"]
    entry = signed["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry"
    assert entry["statusPurpose"] == "revocation"
    path = entry["statusListCredential"].split("localhost", 1)[1]
    listed = client.get(path)
    assert listed.status_code == 200
    assert listed.json["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert client.post("/credentials/verify", json={"verifiableCredential": listed.json}).json[
        "verified"
    ]
    assert client.post("/credentials/verify", json={"verifiableCredential": signed}).json[
        "verified"
    ]
    done = run_cli(app, "credentials", "revoke", signed["id"])
    assert done.exit_code == 0, done.output
    answer = client.post("/credentials/verify", json={"verifiableCredential": signed})
    assert answer.status_code == 400
    assert [p["code"] for p in answer.json["problemDetails"]] == ["credential-revoked"]
    from xuedian.credentials import statuslist

    bits = statuslist.decode(client.get(path).json["credentialSubject"]["encodedList"])
    assert statuslist.bit(bits, int(entry["statusListIndex"]))
    assert sum(bin(b).count("1") for b in bits) == 1


def test_revoking_an_unknown_credential_is_refused(app):
    done = run_cli(app, "credentials", "revoke", "urn:uuid:nobody")
    assert done.exit_code != 0
    assert "credential-unknown" in done.output
