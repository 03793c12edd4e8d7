"""State, Activity Profile and Agent Profile documents with ETag concurrency."""

from __future__ import annotations

import json

from .helpers import lrs_headers

AGENT = json.dumps({"mbox": "mailto:learner@example.org"})
ACTIVITY = "http://example.org/activities/video-1"


def test_profile_put_needs_the_etag_once_it_exists(app, client):
    headers = lrs_headers(app)
    url = f"/xapi/activities/profile?activityId={ACTIVITY}&profileId=p1"
    first = client.put(url, json={"a": 1}, headers={**headers, "If-None-Match": "*"})
    assert first.status_code == 204
    got = client.get(url, headers=headers)
    assert got.json == {"a": 1}
    etag = got.headers["ETag"]
    blind = client.put(url, json={"a": 2}, headers=headers)
    assert blind.status_code == 409
    stale = client.put(url, json={"a": 2}, headers={**headers, "If-Match": '"0000"'})
    assert stale.status_code == 412 and stale.json["code"] == "xapi-precondition-failed"
    again = client.put(url, json={"a": 2}, headers={**headers, "If-None-Match": "*"})
    assert again.status_code == 412
    ok = client.put(url, json={"a": 2}, headers={**headers, "If-Match": etag})
    assert ok.status_code == 204
    assert client.get(url, headers=headers).headers["ETag"] != etag
    listed = client.get(f"/xapi/activities/profile?activityId={ACTIVITY}", headers=headers)
    assert listed.json == ["p1"]


def test_state_post_merges_json_and_delete_removes(app, client):
    headers = lrs_headers(app)
    url = "/xapi/activities/state"
    params = {"activityId": ACTIVITY, "agent": AGENT, "stateId": "bookmark"}
    assert (
        client.post(url, query_string=params, json={"page": 1}, headers=headers).status_code == 204
    )
    merged = client.post(url, query_string=params, json={"seen": [1]}, headers=headers)
    assert merged.status_code == 204
    assert client.get(url, query_string=params, headers=headers).json == {"page": 1, "seen": [1]}
    text = client.put(
        url,
        query_string={**params, "stateId": "notes"},
        data=b"hello",
        headers={**headers, "Content-Type": "text/plain"},
    )
    assert text.status_code == 204
    cannot = client.post(
        url, query_string={**params, "stateId": "notes"}, json={"x": 1}, headers=headers
    )
    assert cannot.status_code == 400
    listing = {k: v for k, v in params.items() if k != "stateId"}
    assert sorted(client.get(url, query_string=listing, headers=headers).json) == [
        "bookmark",
        "notes",
    ]
    assert client.delete(url, query_string=params, headers=headers).status_code == 204
    assert client.get(url, query_string=params, headers=headers).status_code == 404
    assert client.delete(url, query_string=listing, headers=headers).status_code == 204
    assert client.get(url, query_string=listing, headers=headers).json == []


def test_agent_profile_agents_and_activities(app, client):
    headers = lrs_headers(app)
    url = "/xapi/agents/profile"
    params = {"agent": AGENT, "profileId": "prefs"}
    assert (
        client.put(url, query_string=params, json={"lang": "zh"}, headers=headers).status_code
        == 204
    )
    assert client.get(url, query_string=params, headers=headers).json == {"lang": "zh"}
    missing = client.get(url, query_string={"profileId": "prefs"}, headers=headers)
    assert missing.status_code == 400
    person = client.get("/xapi/agents", query_string={"agent": AGENT}, headers=headers).json
    assert person == {"objectType": "Person", "mbox": ["mailto:learner@example.org"]}
    st = {
        "actor": json.loads(AGENT),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": ACTIVITY, "definition": {"name": {"en-US": "Video one"}}},
    }
    client.post("/xapi/statements", json=st, headers=headers)
    activity = client.get(
        "/xapi/activities", query_string={"activityId": ACTIVITY}, headers=headers
    )
    assert activity.json["definition"]["name"] == {"en-US": "Video one"}
