"""Statements: PUT, POST (single and batch), GET by id and filters, voiding, more paging."""

from __future__ import annotations

import uuid

from .helpers import lrs_headers, make_statement

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def test_put_then_get_sets_stored_authority_and_version(app, client):
    headers = lrs_headers(app)
    st = make_statement()
    put = client.put(f"/xapi/statements?statementId={st['id']}", json=st, headers=headers)
    assert put.status_code == 204
    assert "X-Experience-API-Consistent-Through" in put.headers
    got = client.get(f"/xapi/statements?statementId={st['id']}", headers=headers)
    assert got.status_code == 200
    assert got.json["actor"] == st["actor"] and got.json["version"] == "2.0.0"
    assert got.json["authority"]["account"]["name"] and got.json["stored"]
    assert got.headers["Last-Modified"]
    # The same statement again is not a conflict; other content under its id is.
    again = client.put(f"/xapi/statements?statementId={st['id']}", json=st, headers=headers)
    assert again.status_code == 204
    other = {**st, "object": {"id": "http://example.org/other"}}
    clash = client.put(f"/xapi/statements?statementId={st['id']}", json=other, headers=headers)
    assert clash.status_code == 409 and clash.json["code"] == "xapi-conflict"


def test_post_batch_returns_ids_and_rejects_invalid_statements_whole(app, client):
    headers = lrs_headers(app)
    batch = [make_statement(), {k: v for k, v in make_statement().items() if k != "id"}]
    posted = client.post("/xapi/statements", json=batch, headers=headers)
    assert posted.status_code == 200 and posted.json[0] == batch[0]["id"]
    assert str(uuid.UUID(posted.json[1])) == posted.json[1]
    bad_actor = make_statement(actor={"mbox": "learner@example.org"})
    bad = client.post("/xapi/statements", json=[make_statement(), bad_actor], headers=headers)
    assert bad.status_code == 400 and bad.json["code"] == "xapi-invalid"
    two_ifis = make_statement(actor={"mbox": "mailto:a@b.c", "openid": "http://a.example/x"})
    assert client.post("/xapi/statements", json=two_ifis, headers=headers).status_code == 400
    listed = client.get("/xapi/statements", headers=headers).json["statements"]
    assert len(listed) == 2


def test_voiding_hides_a_statement_except_by_voided_id(app, client):
    headers = lrs_headers(app)
    st = make_statement()
    client.post("/xapi/statements", json=st, headers=headers)
    void = make_statement(verb=VOIDED, object={"objectType": "StatementRef", "id": st["id"]})
    assert client.post("/xapi/statements", json=void, headers=headers).status_code == 200
    assert (
        client.get(f"/xapi/statements?statementId={st['id']}", headers=headers).status_code == 404
    )
    voided = client.get(f"/xapi/statements?voidedStatementId={st['id']}", headers=headers)
    assert voided.status_code == 200 and voided.json["id"] == st["id"]
    ids = [s["id"] for s in client.get("/xapi/statements", headers=headers).json["statements"]]
    assert ids == [void["id"]]
    # A voiding statement cannot itself be voided.
    again = make_statement(verb=VOIDED, object={"objectType": "StatementRef", "id": void["id"]})
    assert client.post("/xapi/statements", json=again, headers=headers).status_code == 400


def test_filters_and_more_paging_walk_every_statement_once(app, client):
    headers = lrs_headers(app)
    other_agent = {"objectType": "Agent", "account": {"homePage": "http://x.example", "name": "7"}}
    sent = [make_statement() for _ in range(5)] + [make_statement(actor=other_agent)]
    for st in sent:
        client.post("/xapi/statements", json=st, headers=headers)
    seen, url = (
        [],
        "/xapi/statements?limit=2&ascending=true&agent=%7B%22mbox%22%3A%22mailto%3Alearner%40example.org%22%7D",
    )
    while url:
        page = client.get(url, headers=headers).json
        assert len(page["statements"]) <= 2
        seen += [s["id"] for s in page["statements"]]
        url = page["more"]
    assert seen == [st["id"] for st in sent[:5]]
    verb = "http://adlnet.gov/expapi/verbs/experienced"
    by_verb = client.get("/xapi/statements", query_string={"verb": verb}, headers=headers).json
    assert len(by_verb["statements"]) == 6
    none = client.get(
        "/xapi/statements", query_string={"verb": "http://x.example/v"}, headers=headers
    )
    assert none.json == {"statements": [], "more": ""}
    activity = client.get(
        "/xapi/statements",
        query_string={"activity": "http://example.org/activities/video-1", "format": "ids"},
        headers=headers,
    ).json["statements"]
    assert len(activity) == 6
    assert activity[0]["object"] == {"id": "http://example.org/activities/video-1"}
    bad = client.get("/xapi/statements?limit=x", headers=headers)
    assert bad.status_code == 400


def test_bodies_are_capped_like_every_other_api(app, client):
    from dataclasses import replace

    headers = lrs_headers(app)
    app.config["XUEDIAN"] = replace(app.config["XUEDIAN"], max_body_bytes=2000)
    big = make_statement(result={"response": "x" * 5000})
    response = client.post("/xapi/statements", json=big, headers=headers)
    assert response.status_code == 413 and response.json["code"] == "body-too-large"
    small = client.post("/xapi/statements", json=make_statement(), headers=headers)
    assert small.status_code == 200
