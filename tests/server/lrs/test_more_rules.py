"""Rules beyond the basics: StatementRef filtering, mixed paging, 1.0.3 alternate syntax,
multipart attachments."""

from __future__ import annotations

import hashlib
import json
from urllib.parse import urlencode

from ..sync.helpers import make_record, register
from .helpers import lrs_headers, make_statement


def test_a_statement_referring_to_a_match_matches_the_filter(app, client):
    headers = lrs_headers(app)
    verb = "http://example.org/verbs/rated"
    target = make_statement(verb=verb)
    ref = make_statement(object={"objectType": "StatementRef", "id": target["id"]})
    other = make_statement()
    client.post("/xapi/statements", json=[target, ref, other], headers=headers)
    found = client.get("/xapi/statements", query_string={"verb": verb}, headers=headers).json
    assert {s["id"] for s in found["statements"]} == {target["id"], ref["id"]}


def test_more_pages_through_phone_and_third_party_statements_once(app, client):
    phone = register(client)
    records = [make_record(n) for n in range(1, 4)]
    phone.send(client, records)
    headers = lrs_headers(app)
    posted = [make_statement() for _ in range(3)]
    client.post("/xapi/statements", json=posted, headers=headers)
    seen, url = [], "/xapi/statements?limit=2"
    while url:
        page = client.get(url, headers=headers).json
        seen += [s["id"] for s in page["statements"]]
        url = page["more"]
    assert sorted(seen) == sorted([r["id"] for r in records] + [s["id"] for s in posted])
    assert set(seen[:3]) == {s["id"] for s in posted}  # newest stored first


def test_alternate_request_syntax_is_1_0_3_only(app, client):
    headers = lrs_headers(app)
    st = make_statement()
    form = {
        "statementId": st["id"],
        "content": json.dumps(st),
        "Authorization": headers["Authorization"],
        "X-Experience-API-Version": "1.0.3",
        "Content-Type": "application/json",
    }
    body = urlencode(form)
    ctype = {"Content-Type": "application/x-www-form-urlencoded"}
    stored = client.post("/xapi/statements?method=PUT", data=body, headers=ctype)
    assert stored.status_code == 204
    got = client.get(f"/xapi/statements?statementId={st['id']}", headers=headers)
    assert got.status_code == 200
    newer = {**form, "X-Experience-API-Version": "2.0.0", "statementId": make_statement()["id"]}
    refused = client.post(
        "/xapi/statements?method=PUT", data=urlencode(newer), headers={**ctype, **headers}
    )
    assert refused.status_code == 400


def test_multipart_attachment_is_stored_and_returned(app, client):
    headers = lrs_headers(app)
    data = b"certificate text"
    sha2 = hashlib.sha256(data).hexdigest()
    st = make_statement(
        attachments=[
            {
                "usageType": "http://example.org/usage/certificate",
                "display": {"en-US": "certificate"},
                "contentType": "text/plain",
                "length": len(data),
                "sha2": sha2,
            }
        ]
    )
    boundary = "xd-boundary"
    body = (
        (
            f"--{boundary}\r\nContent-Type: application/json\r\n\r\n{json.dumps(st)}\r\n"
            f"--{boundary}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {sha2}\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--".encode()
    )
    mixed = {**headers, "Content-Type": f"multipart/mixed; boundary={boundary}"}
    assert client.post("/xapi/statements", data=body, headers=mixed).status_code == 200
    missing = client.post(
        "/xapi/statements", json={**st, "id": make_statement()["id"]}, headers=headers
    )
    assert missing.status_code == 400
    got = client.get(f"/xapi/statements?statementId={st['id']}&attachments=true", headers=headers)
    assert got.headers["Content-Type"].startswith("multipart/mixed")
    assert data in got.data and sha2.encode() in got.data
