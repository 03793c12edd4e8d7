"""Attendance at ingest: a check-in with the event's signed token is stored and counted;
a forged, expired, other-event, missing or repeated one is quarantined with its stable
code while the rest of the batch is stored; attendance certifies an events rule."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from xuedian.credits.definitions import ensure_defaults
from xuedian.credits.models import Outcome, OutcomeDefinition
from xuedian.events.models import Attendance
from xuedian.extensions import db
from xuedian.sync.models import QuarantinedRecord

from ..credits.helpers import completion, publish, void
from ..reports.helpers import make_org, sign_in
from ..sync.helpers import now_iso, register
from .helpers import attendance, make_event, token_of


def _attended(app):
    with app.app_context():
        return sorted((a.event_id, a.learner) for a in db.session.scalars(select(Attendance)))


def test_checkin_good_token_is_stored_and_counted(app, client):
    ids = make_org(app)
    event = make_event(app, ids["p1a"])
    phone, learner = register(client), str(uuid.uuid4())
    receipt = phone.send(client, [attendance(1, learner, event, token_of(app, event))]).json
    assert len(receipt["accepted"]) == 1 and receipt["rejected"] == []
    assert _attended(app) == [(event, learner)]
    sign_in(client, ids["vol"])
    page = client.get("/staff/events").data.decode()
    assert f'data-testid="attended-{event}">1<' in page


def test_checkin_bad_tokens_refused_without_stalling_the_batch(app, client):
    ids = make_org(app)
    event = make_event(app, ids["p1a"])
    other = make_event(app, ids["p1a"], title="手工课")
    past = make_event(app, ids["p1a"], starts=-30)  # ended a day ago
    token = token_of(app, event)
    payload, signature = token.split(".")
    forged = f"{token_of(app, other).split('.')[0]}.{signature}"
    phone, learner = register(client), str(uuid.uuid4())
    records = [
        attendance(1, learner, event, forged),
        attendance(2, learner, past, token_of(app, past)),
        attendance(3, learner, event, token_of(app, other)),
        {**attendance(4, learner, event, token), "result": None},
        completion(5, learner, "01"),
        attendance(6, learner, event, token),
        attendance(7, learner, event, token),
        attendance(8, learner, event, token, when=now_iso(timedelta(days=-2))),
        attendance(9, learner, event, token, duration="PT2H1S"),
    ]
    receipt = phone.send(client, records).json
    codes = {r["id"]: r["code"] for r in receipt["rejected"]}
    assert [codes.get(r["id"]) for r in records] == [
        "checkin-invalid",
        "checkin-expired",
        "checkin-wrong-event",
        "checkin-missing",
        None,
        None,
        "checkin-repeated",
        "checkin-expired",
        "checkin-too-long",
    ]
    assert receipt["accepted"] == [records[4]["id"], records[5]["id"]]
    with app.app_context():
        kept = db.session.scalars(select(QuarantinedRecord.code)).all()
    assert sorted(kept) == sorted(c for c in codes.values())
    assert _attended(app) == [(event, learner)]
    # the phone's next batch is stored as usual, and a retried good one is a duplicate
    again = phone.send(client, [records[5], completion(10, learner, "02")]).json
    assert again["duplicate"] == [records[5]["id"]] and len(again["accepted"]) == 1


def test_checkin_attendance_certifies_an_events_rule(app, client):
    ids = make_org(app)
    publish(app)
    with app.app_context():
        ensure_defaults()
        definition = db.session.scalar(select(OutcomeDefinition))
        definition.rule, definition.thresholds = "events-attended", {"events": 2}
        db.session.commit()
    first, second = make_event(app, ids["p1a"]), make_event(app, ids["p1a"], title="第二讲")
    phone, learner = register(client), str(uuid.uuid4())
    phone.send(client, [attendance(1, learner, first, token_of(app, first))])
    # a repeat of the same event does not make two
    phone.send(client, [attendance(2, learner, first, token_of(app, first))])
    with app.app_context():
        assert db.session.scalars(select(Outcome)).all() == []
    phone.send(client, [attendance(3, learner, second, token_of(app, second))])
    with app.app_context():
        outcomes = db.session.scalars(select(Outcome)).all()
        assert [(o.status, o.source) for o in outcomes] == [("certified", "records")]


def test_checkin_voided_attendance_no_longer_counts(app, client):
    ids = make_org(app)
    event = make_event(app, ids["p1a"])
    phone, learner = register(client), str(uuid.uuid4())
    first = attendance(1, learner, event, token_of(app, event))
    phone.send(client, [first])
    assert _attended(app) == [(event, learner)]
    phone.send(client, [void(2, learner, first)])
    assert _attended(app) == []
    again = phone.send(client, [attendance(3, learner, event, token_of(app, event))]).json
    assert again["rejected"] == [] and _attended(app) == [(event, learner)]


def test_an_attended_event_earns_its_points_once(app, client):
    from xuedian.points import earn, ledger

    ids = make_org(app)
    event = make_event(app, ids["p1a"])
    other = make_event(app, ids["p1a"], title="手工课")
    with app.app_context():
        earn.set_rule("event-attended", 15)
        db.session.commit()
    phone, learner = register(client), str(uuid.uuid4())
    forged = f"{token_of(app, other).split('.')[0]}.{token_of(app, event).split('.')[1]}"
    records = [
        attendance(1, learner, event, token_of(app, event)),
        attendance(2, learner, other, forged),
        attendance(3, learner, other, token_of(app, other)),
    ]
    receipt = phone.send(client, records).json
    assert len(receipt["accepted"]) == 2
    with app.app_context():
        # 15 for each event with a valid token; the forged check-in earns nothing.
        assert ledger.balance(learner) == 30
    # The same attendance again (another phone's copy of the profile) earns no more.
    again = register(client)
    again.send(client, [attendance(1, learner, event, token_of(app, event))])
    with app.app_context():
        assert ledger.balance(learner) == 30
