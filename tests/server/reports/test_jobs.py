"""The report jobs, called directly: nightly rollup, weekly snapshot, silence alerts."""

from __future__ import annotations

from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import select, update

from xuedian.cli import main
from xuedian.core.timeutil import utcnow
from xuedian.extensions import db
from xuedian.jobs.registry import JOBS
from xuedian.jobs.scoped import merge
from xuedian.push.models import InboxMessage
from xuedian.reports import jobs
from xuedian.reports.models import ActivityDaily, PointDaily, ReportSnapshot
from xuedian.sync.models import Device

from .helpers import Learner, make_org


def _all(summary: dict) -> dict:
    """A summary's parts of every area added up (what a county's administrator reads)."""
    return merge(summary["by_area"].values())


def test_jobs_are_registered():
    assert {"reports-rollup", "reports-weekly", "reports-silent-points"} <= set(JOBS)


def test_rollup_keeps_yesterday_per_point(app, client):
    ids = make_org(app)
    a = Learner(client, "p1a")
    quick = a.record(lesson="03-c")
    del quick["result"]["evidence"]  # a quick tap: counted apart, as unverified
    a.send([a.record(lesson="01-a"), a.record(lesson="02-b"), quick])
    with app.app_context():
        for _ in range(2):  # a second run replaces the day, never adds to it
            summary = jobs.nightly_rollup(utcnow() + timedelta(days=1))
        assert _all(summary)["points"] == 1
        row = db.session.scalars(select(PointDaily)).one()
        assert (row.point_id, row.devices, row.learners, row.lessons) == (ids["p1a"], 1, 1, 2)
        assert (row.unverified, row.devices_seen, row.records) == (1, 1, 3)


def test_rebuild_command_repairs_drift(app, client):
    make_org(app)
    a = Learner(client, "p1a")
    a.send([a.record(lesson="01-a"), a.record(lesson="02-b")])
    with app.app_context():
        db.session.execute(update(ActivityDaily).values(records=99))  # drift
        db.session.commit()
        result = CliRunner().invoke(main, ["reports", "rebuild"])
        assert result.exit_code == 0 and "recounted 2 records" in result.output
        db.session.remove()
        assert db.session.scalar(select(ActivityDaily.records)) == 2


def test_weekly_snapshot(app, client):
    make_org(app)
    a, stray = Learner(client, "p1a"), Learner(client, None)
    a.send([a.record(lesson="01-a")])
    stray.send([stray.record(lesson="01-a"), stray.record(lesson="02-b")])
    with app.app_context():
        summary = jobs.weekly_snapshot(utcnow() + timedelta(days=7))
        (body,) = summary["by_area"].values()
        assert body["county"] == "qingshui"
        assert body["points"] == 3 and body["devices"] == 2 and body["unenrolled_devices"] == 1
        assert body["lessons"] == 3 and body["learners"] == 2  # the unenrolled phone counts
        jobs.weekly_snapshot(utcnow() + timedelta(days=7))  # again: replaced, not doubled
        assert len(db.session.scalars(select(ReportSnapshot)).all()) == 1


def test_silent_points_alert_once_per_threshold(app, client):
    make_org(app)
    a, b = Learner(client, "p1a"), Learner(client, "p1b")
    a.send([a.record()])
    b.send([b.record()])
    with app.app_context():
        db.session.execute(
            update(Device)
            .where(Device.id == a.phone.device_id)
            .values(last_seen_at=utcnow() - timedelta(days=15))
        )
        db.session.commit()
        summary = _all(jobs.silent_points(utcnow()))
        assert summary["silent"] == {"7": [], "14": ["p1a"], "30": []}
        assert summary["never"] == ["p1a-empty"] and summary["messages"] == 1
        assert summary["pushed"] == {"queued": 0}  # none subscribed
        (message,) = db.session.scalars(select(InboxMessage)).all()
        assert message.device_id == a.phone.device_id and "14" in message.title["zh-CN"]
        assert _all(jobs.silent_points(utcnow()))["messages"] == 0  # not again
        later = _all(jobs.silent_points(utcnow() + timedelta(days=16)))
        assert later["silent"] == {"7": [], "14": ["p1b"], "30": ["p1a"]}
        assert later["messages"] == 2  # p1a at 30 days, p1b at 14
