"""The credits section of the changes feed: outcomes with their QR text, what pending
definitions still need, sent again only when something changed."""

from __future__ import annotations

import uuid

from xuedian.credentials import compact, service
from xuedian.credits.definitions import ensure_defaults
from xuedian.extensions import db

from ..sync.helpers import register
from ..sync.test_feed import changes
from .helpers import completion, publish, quiz


def test_feed_sends_outcomes_and_needs_once(app, client):
    publish(app, lessons=("01", "02", "03"), quizzed=("03",), hours=3.0)
    with app.app_context():
        ensure_defaults()
        db.session.commit()
    phone = register(client)
    ann, bob = str(uuid.uuid4()), str(uuid.uuid4())
    records = [completion(i + 1, ann, x) for i, x in enumerate(("01", "02", "03"))]
    records += [quiz(4, ann, "03", 0.8), completion(5, bob, "01"), quiz(6, bob, "03", 0.4)]
    phone.send(client, records)
    first = changes(client, phone)
    section = first["credits"]
    assert sorted(section["learners"]) == sorted([ann, bob])
    (outcome,) = section["outcomes"]
    assert (outcome["learner"], outcome["status"], outcome["hours"]) == (ann, "certified", 3.0)
    assert outcome["title"] == "地方戏曲入门" and outcome["revoked"] is None
    with app.app_context():
        assert service.verify(compact.decode(outcome["qr"]))["verified"]
    (pending,) = section["pending"]
    assert pending["learner"] == bob
    assert pending["needs"] == [
        {"need": "lessons", "count": 2},
        {"need": "quiz", "count": 1, "score": 60.0},
    ]
    again = changes(client, phone, first["cursor"])
    assert again["credits"] is None
    phone.send(client, [completion(7, bob, "02")])
    third = changes(client, phone, again["cursor"])
    assert third["credits"]["pending"][0]["needs"][0] == {"need": "lessons", "count": 1}


def test_feed_never_sends_another_devices_learners(app, client):
    publish(app, lessons=("01",))
    with app.app_context():
        ensure_defaults()
        db.session.commit()
    mine, other = register(client), register(client)
    learner = str(uuid.uuid4())
    other.send(client, [completion(1, learner, "01")])
    mine.send(client, [completion(1, str(uuid.uuid4()), "02")])
    section = changes(client, mine)["credits"]
    assert learner not in section["learners"] and section["outcomes"] == []
