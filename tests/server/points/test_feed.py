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


def test_redeem_section_only_a_redemption_phone_gets_its_points_services(app, client):
    from dataclasses import replace

    from .helpers import add_service, make_point, mark_phone, volunteer_phone

    app.config["XUEDIAN"] = replace(app.config["XUEDIAN"], points_daily_cap=80)
    here, elsewhere = make_point(app), make_point(app)
    county_wide = add_service(app, "戏曲票", 30)
    with app.app_context():
        from xuedian.points.models import PointsService

        db.session.add_all(
            [
                PointsService(name="图书借阅", points=5, point_id=here),
                PointsService(name="别处的课", points=9, point_id=elsewhere),
                PointsService(name="停了的服务", points=7, point_id=here, active=False),
            ]
        )
        db.session.commit()
    volunteer = volunteer_phone(app, client, here)
    plain = register(client)
    mark_phone(app, plain, here, marked=False)

    first = changes(client, volunteer)
    assert first["redeem"]["redeems"] is True
    assert first["redeem"]["daily_cap"] == 80
    services = first["redeem"]["services"]
    assert [(s["name"], s["points"]) for s in services] == [("戏曲票", 30), ("图书借阅", 5)]
    assert services[0]["id"] == county_wide
    assert changes(client, plain)["redeem"] == {"redeems": False, "daily_cap": 80, "services": []}
    # Unchanged: nothing; a price change: sent again.
    quiet = changes(client, volunteer, first["cursor"])
    assert quiet["redeem"] is None
    with app.app_context():
        db.session.get(PointsService, county_wide).points = 40
        db.session.commit()
    again = changes(client, volunteer, quiet["cursor"])
    assert again["redeem"]["services"][0]["points"] == 40
    # Unmarked on the point page: the phone is told it no longer redeems.
    with app.app_context():
        from xuedian.points.models import RedemptionPhone

        db.session.delete(db.session.get(RedemptionPhone, volunteer.device_id))
        db.session.commit()
    last = changes(client, volunteer, again["cursor"])
    assert last["redeem"] == {"redeems": False, "daily_cap": 80, "services": []}
