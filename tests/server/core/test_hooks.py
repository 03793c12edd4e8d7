"""The hook registry of core/hooks.py: per app, in registration order."""

from __future__ import annotations

from flask import Flask

from xuedian.core import hooks


def test_hooks_collect_in_registration_order():
    app = Flask(__name__)
    hooks.register(app, "feed-sections", lambda n: ("first", n))
    hooks.register(app, "feed-sections", lambda n: ("second", n))
    with app.app_context():
        assert hooks.collect("feed-sections", 7) == [("first", 7), ("second", 7)]
        assert hooks.collect("records-stored", 7) == []


def test_hooks_stay_with_their_app():
    seen = []
    one, two = Flask("one"), Flask("two")
    hooks.register(one, "records-stored", lambda device, rows: seen.append((device, rows)))
    with two.app_context():
        hooks.emit("records-stored", "d2", [])
    assert seen == []
    with one.app_context():
        hooks.emit("records-stored", "d1", [{"id": "r"}])
    assert seen == [("d1", [{"id": "r"}])]


def test_hooks_the_factory_registers_each_feature(app):
    registered = app.extensions["xuedian.hooks"]
    names = {
        name: [f"{fn.__module__}.{fn.__name__}" for fn in fns] for name, fns in registered.items()
    }
    assert names["records-stored"] == [
        "xuedian.reports.aggregates.record_new",
        "xuedian.credits.certify.on_records_stored",
        "xuedian.points.earn.on_records_stored",
        "xuedian.events.checkin.on_records_stored",
    ]
    assert names["records-voided"] == [
        "xuedian.reports.aggregates.record_voided",
        "xuedian.credits.certify.on_records_voided",
        "xuedian.points.earn.on_records_voided",
        "xuedian.events.checkin.on_records_voided",
    ]
    assert names["record-check"] == ["xuedian.events.checkin.check"]
    assert names["heartbeat-carried"] == ["xuedian.points.vouchers.apply_heartbeat"]
    assert names["heartbeat-received"] == [
        "xuedian.org.enrolment.enrol_on_heartbeat",
        "xuedian.learners.profiles.upsert_profiles",
    ]
    assert names["enrolment-offered"] == ["xuedian.org.enrolment.enrol_by_token"]
    assert {fn.rsplit(".", 1)[0] for fn in names["feed-sections"]} == {
        "xuedian.learners.feedsection",
        "xuedian.push.service",
        "xuedian.instructions.service",
        "xuedian.packs.service",
        "xuedian.org.enrolment",
        "xuedian.credits.feedsection",
        "xuedian.credentials.feedsection",
        "xuedian.points.feedsection",
    }
