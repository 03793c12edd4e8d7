"""Phone records are readable as statements; third-party statements never change them."""

from __future__ import annotations

from sqlalchemy import func, select

from xuedian.extensions import db
from xuedian.lrs.report import third_party_activity
from xuedian.reports.models import ActivityDaily, LessonDone
from xuedian.sync.models import LearningRecord

from ..sync.helpers import make_record, register
from .helpers import lrs_headers, make_statement


def test_synced_records_read_as_pseudonymous_statements(app, client):
    phone = register(client)
    done = make_record(1)
    assert phone.send(client, [done]).status_code == 200
    headers = lrs_headers(app)
    got = client.get(f"/xapi/statements?statementId={done['id']}", headers=headers)
    assert got.status_code == 200
    actor = got.json["actor"]
    assert actor["account"]["name"] == phone.learner and set(actor) == {"objectType", "account"}
    assert got.json["verb"]["id"] == done["verb"]
    listed = client.get(
        "/xapi/statements", query_string={"agent": _agent_json(actor)}, headers=headers
    )
    assert [s["id"] for s in listed.json["statements"]] == [done["id"]]
    by_activity = client.get(
        "/xapi/statements", query_string={"activity": got.json["object"]["id"]}, headers=headers
    )
    assert [s["id"] for s in by_activity.json["statements"]] == [done["id"]]


def _agent_json(actor: dict) -> str:
    import json

    return json.dumps(actor)


def _phone_state(app):
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(LearningRecord)),
            db.session.scalar(select(func.count()).select_from(LessonDone)),
            db.session.scalar(select(func.coalesce(func.sum(ActivityDaily.records), 0))),
        )


def test_third_party_statements_are_counted_apart_and_change_no_phone_progress(app, client):
    phone = register(client)
    record = make_record(2)
    phone.send(client, [record])
    before = _phone_state(app)
    headers = lrs_headers(app)
    got = client.get(f"/xapi/statements?statementId={record['id']}", headers=headers).json
    # A vendor posts a completion naming the same learner and lesson as the phone did.
    same = make_statement(verb=record["verb"], actor=got["actor"], object=got["object"])
    assert (
        client.post("/xapi/statements", json=[same, make_statement()], headers=headers).status_code
        == 200
    )
    # And tries to take a phone record's id.
    clash = {**make_statement(), "id": record["id"]}
    assert client.post("/xapi/statements", json=clash, headers=headers).status_code == 409
    assert _phone_state(app) == before
    with app.app_context():
        counts = {(c.verb, c.activity): c.statements for c in third_party_activity()}
    assert counts == {
        (record["verb"], got["object"]["id"]): 1,
        ("http://adlnet.gov/expapi/verbs/experienced", "http://example.org/activities/video-1"): 1,
    }
    everything = client.get("/xapi/statements", headers=headers).json["statements"]
    assert {s["id"] for s in everything} == {
        record["id"],
        same["id"],
        *[s["id"] for s in everything],
    }
    assert len(everything) == 3


def test_lrs_activity_command_prints_the_table(app, client):
    from click.testing import CliRunner

    from xuedian.cli import main

    headers = lrs_headers(app)
    client.post("/xapi/statements", json=[make_statement(), make_statement()], headers=headers)
    with app.app_context():
        result = CliRunner().invoke(main, ["lrs", "activity"])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0].split("\t")
    assert first[:3] == [
        "2",
        "http://adlnet.gov/expapi/verbs/experienced",
        "http://example.org/activities/video-1",
    ]
