"""The points section of the changes feed: each of the device's learners with their balance
and newest entries, sent once, again only when an entry was added, and to no other phone."""

from __future__ import annotations

import uuid

from xuedian.extensions import db
from xuedian.points import earn

from ..credits.helpers import completion
from ..sync.helpers import register
from ..sync.test_feed import changes
from .helpers import seed_points


def _by_learner(section) -> dict:
    return {row["learner"]: row for row in section["learners"]}


def test_points_section_sent_once_then_after_each_new_entry(app, client):
    with app.app_context():
        earn.set_rule("lesson-completed", 10)
        db.session.commit()
    phone = register(client)
    ann, bob = str(uuid.uuid4()), str(uuid.uuid4())
    phone.send(client, [completion(1, ann, "01"), completion(2, bob, "01", seconds=3)])
    first = changes(client, phone)
    rows = _by_learner(first["points"])
    assert set(rows) == {ann, bob}
    assert rows[ann]["balance"] == 10
    (entry,) = rows[ann]["history"]
    assert (entry["kind"], entry["points"], entry["reason"]) == ("earn", 10, "lesson-completed")
    assert entry["ref"] and entry["created"].endswith("Z")
    assert rows[bob] == {"learner": bob, "balance": 0, "history": []}
    quiet = changes(client, phone, first["cursor"])
    assert quiet["points"] is None
    seed_points(app, ann, 5)
    third = changes(client, phone, quiet["cursor"])
    rows = _by_learner(third["points"])
    assert rows[ann]["balance"] == 15
    assert [e["points"] for e in rows[ann]["history"]] == [5, 10]  # newest first
    assert changes(client, phone, third["cursor"])["points"] is None
    # A phone starting afresh gets the section again, unchanged.
    assert _by_learner(changes(client, phone)["points"])[ann]["balance"] == 15


def test_points_section_holds_the_newest_twenty_entries(app, client):
    phone = register(client)
    ann = str(uuid.uuid4())
    phone.send(client, [completion(1, ann, "01")])
    for n in range(1, 26):
        seed_points(app, ann, n)
    (row,) = changes(client, phone)["points"]["learners"]
    assert row["balance"] == sum(range(1, 26))
    assert [e["points"] for e in row["history"]] == list(range(25, 5, -1))


def test_points_section_never_names_another_devices_learners(app, client):
    mine, other = register(client), register(client)
    ann, carl = str(uuid.uuid4()), str(uuid.uuid4())
    mine.send(client, [completion(1, ann, "01")])
    other.send(client, [completion(1, carl, "01")])
    seed_points(app, carl, 40)
    section = changes(client, mine)["points"]
    assert [row["learner"] for row in section["learners"]] == [ann]
    # Another phone's learner earning does not send this phone anything.
    first = changes(client, mine)
    seed_points(app, carl, 1)
    assert changes(client, mine, first["cursor"])["points"] is None
