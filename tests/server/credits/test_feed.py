"""The credits section of the changes feed: outcomes with their QR text, what pending
definitions still need and the credentials transferred from other counties, sent again
only when something changed."""

from __future__ import annotations

import uuid

from support.credits import add_transfer

from xuedian.credentials import compact, service
from xuedian.credits.definitions import ensure_defaults
from xuedian.extensions import db
from xuedian.org import service as org

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
    # An answer the phone never stored (lost, or the app closed mid-sync): the phone comes
    # back with the cursor it had, and the section comes again.
    lost = changes(client, phone, None)
    retried = changes(client, phone, lost["cursor"])
    assert retried["credits"] is None
    assert changes(client, phone, None)["credits"]["outcomes"] == section["outcomes"]
    phone.send(client, [completion(7, bob, "02")])
    changes(client, phone, again["cursor"])  # this answer is lost
    redo = changes(client, phone, again["cursor"])
    assert redo["credits"]["pending"][0]["needs"][0] == {"need": "lessons", "count": 1}
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


def _point(app) -> int:
    with app.app_context():
        org.create_area("county", "xf-c", "乙县")
        org.create_area("township", "xf-t", "乙镇", "", "xf-c")
        org.create_area("village", "xf-v", "乙村", "", "xf-t")
        point = org.create_point("P-XFER", "乙村学习点", "xf-v")
        db.session.commit()
        return point.id


def _transfer(app, learner: str, point_id: int) -> None:
    """Record a credential accepted from another county into ``learner``'s account (as
    credits/transfer.py ``accept`` does once the credential verified)."""
    with app.app_context():
        add_transfer(learner, point_id, "剪纸入门", credits=1.5, ratio=0.5)
        db.session.commit()


def test_feed_sends_transfers_and_again_after_a_new_one(app, client):
    publish(app, lessons=("01",))
    with app.app_context():
        ensure_defaults()
        db.session.commit()
    point = _point(app)
    mine, other = register(client), register(client)
    ann, carl = str(uuid.uuid4()), str(uuid.uuid4())
    mine.send(client, [completion(1, ann, "02")])
    other.send(client, [completion(1, carl, "02")])
    first = changes(client, mine)
    assert first["credits"]["transfers"] == []
    _transfer(app, carl, point)  # another phone's learner: nothing to send this phone
    quiet = changes(client, mine, first["cursor"])
    assert quiet["credits"] is None
    _transfer(app, ann, point)
    third = changes(client, mine, quiet["cursor"])
    (row,) = third["credits"]["transfers"]
    assert (row["learner"], row["title"], row["county"]) == (ann, "剪纸入门", "甲县")
    assert (row["hours"], row["credits"]) == (3.0, 1.5) and row["accepted"].endswith("Z")
    assert changes(client, mine, third["cursor"])["credits"] is None
