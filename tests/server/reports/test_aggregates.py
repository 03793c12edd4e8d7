"""Aggregates kept at ingest equal a from-scratch count, whatever mix of duplicate
batches, replays and bundles brought the records."""

from __future__ import annotations

from sqlalchemy import select

from xuedian.extensions import db
from xuedian.reports.aggregates import rebuild
from xuedian.reports.models import ActivityDaily, CourseLearner, LessonDone, TopicDaily

from .helpers import Learner, make_org

TABLES = (ActivityDaily, CourseLearner, LessonDone, TopicDaily)


def snapshot() -> dict:
    out = {}
    for model in TABLES:
        cols = [c.name for c in model.__table__.columns]
        rows = db.session.execute(select(model.__table__)).all()
        out[model.__tablename__] = sorted(tuple(getattr(r, c) for c in cols) for r in rows)
    return out


def test_replayed_batches_and_bundles_never_count_twice(app, client):
    make_org(app)
    a = Learner(client, "p1a")
    records = [a.record(lesson="01-a"), a.record(lesson="02-b"), a.record("answered")]
    records.append(a.asked("养鸡"))
    envelope = a.envelope(records)
    a.send(records, envelope=envelope)
    a.send(records, envelope=envelope)  # the same batch retried
    a.send(records)  # the same records in a new batch: all duplicates
    a.send([records[0], a.record(lesson="01-a")])  # a lesson done again: one more record
    # The same records again, carried in a bundle with one new one.
    extra = a.record(lesson="03-c")
    bundle = a.phone.bundle([records, [extra]])
    for _ in range(2):
        response = client.post(
            "/api/v1/sync/bundles", data=bundle, content_type="application/octet-stream"
        )
        assert response.status_code in (200, 201), response.get_json()
    with app.app_context():
        kept = snapshot()
        (row,) = db.session.scalars(select(ActivityDaily)).all()
        assert (row.records, row.lessons, row.asked) == (6, 4, 1)
        assert row.seconds == 6 * 65 - 65  # the asked record has no duration
        (course,) = db.session.scalars(select(CourseLearner)).all()
        assert course.lessons == 3  # 01-a twice counts once in the funnel
        (topic,) = db.session.scalars(select(TopicDaily)).all()
        assert (topic.topic, topic.count) == ("养鸡", 1)
        assert rebuild() == 6
        db.session.commit()
        assert snapshot() == kept


def test_a_rebuild_in_small_chunks_equals_ingest(app, client):
    make_org(app)
    a, b = Learner(client, "p1a"), Learner(client, "p1b")
    for learner in (a, b):
        learner.send([learner.record(lesson="01-a"), learner.asked("养鸡"), learner.record()])
        learner.send([learner.record(lesson="01-a"), learner.record(lesson="02-b")])
    with app.app_context():
        kept = snapshot()
        assert rebuild(chunk=3) == 10  # a learner's records split across chunks
        assert snapshot() == kept
        db.session.rollback()
