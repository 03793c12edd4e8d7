"""Aggregates kept at ingest: daily activity, lessons done, courses started, topics asked.

:func:`record_new` runs inside the ingest transaction with only the records that ingest
NEWLY stored, so a replayed batch or bundle never counts twice. :func:`rebuild` computes
the same tables from scratch over every stored record (the nightly check, and the bench).
Days are the county's local days (``XUEDIAN_TIMEZONE``, :func:`core.timeutil.local_day`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import case, delete, select

from ..core.dbtypes import dialect_insert
from ..core.timeutil import local_day
from ..extensions import db
from ..sync.facts import COLUMNS as FACTS
from ..sync.facts import is_completion
from ..sync.models import LearningRecord
from .models import ActivityDaily, CourseLearner, LessonDone, TopicDaily


class Tally:
    """Sums for a set of records (their facts), ready to be added to the aggregate tables.

    Every stored record counts in ``records``; a voided record (or a voiding one) counts
    for nothing else. A lesson completion counts in ``lessons`` (and the course funnel's
    lessons done) with evidence, and in ``unverified`` without. A course is started by any
    record naming its pack.
    """

    def __init__(self, sign: int = 1):
        self.sign = sign
        self.activity: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
        self.topics: dict[tuple, int] = defaultdict(int)
        self.lessons: set[tuple] = set()
        #: (pack, learner) -> [device, first day, last day]
        self.courses: dict[tuple, list] = {}

    def add(self, row) -> None:
        """Count one record: a mapping with device_id, learner, timestamp, object, voided
        and the facts columns."""
        day, learner, device_id = local_day(row["timestamp"]), row["learner"], row["device_id"]
        sums = self.activity[(day, device_id, learner)]
        if self.sign > 0:
            sums[0] += 1
            self._course(row["pack"], learner, device_id, day)
        if row["voided"] or row["kind"] == "record":
            return
        sums[2] += self.sign * row["seconds"]
        if row["kind"] == "topic":
            sums[3] += self.sign
            obj = row["object"] if isinstance(row["object"], dict) else {}
            topic = " ".join(str(obj.get("topic", "")).split())[:200]
            if topic:
                self.topics[(day, device_id, topic)] += self.sign
            return
        if is_completion(row):
            sums[1 if row["engagement"] else 4] += self.sign
            if row["engagement"]:  # the course funnel counts lessons done with evidence
                self.lessons.add((learner, row["pack"], row["lesson"]))

    def _course(self, pack, learner, device_id, day) -> None:
        if pack is None:
            return
        course = self.courses.get((pack, learner))
        if course is None:
            self.courses[(pack, learner)] = [device_id, day, day]
        else:
            course[0] = device_id
            course[1], course[2] = min(course[1], day), max(course[2], day)


def _insert(table):
    dialect = db.session.get_bind().dialect.name
    return dialect_insert(table, dialect)


def _older(column, excluded):
    return case((excluded < column, excluded), else_=column)


def _newer(column, excluded):
    return case((excluded > column, excluded), else_=column)


def _activity_upsert():
    stmt = _insert(ActivityDaily)
    t = ActivityDaily.__table__.c
    return stmt.on_conflict_do_update(
        index_elements=["day", "device_id", "learner"],
        set_={
            "records": t.records + stmt.excluded.records,
            "lessons": t.lessons + stmt.excluded.lessons,
            "seconds": t.seconds + stmt.excluded.seconds,
            "asked": t.asked + stmt.excluded.asked,
            "unverified": t.unverified + stmt.excluded.unverified,
        },
    )


def _activity_rows(tally: Tally) -> list[dict]:
    return [
        {"day": k[0], "device_id": k[1], "learner": k[2], "records": v[0], "lessons": v[1]}
        | {"seconds": v[2], "asked": v[3], "unverified": v[4]}
        for k, v in tally.activity.items()
    ]


def _topic_upsert(stmt):
    return stmt.on_conflict_do_update(
        index_elements=["day", "device_id", "topic"],
        set_={"count": TopicDaily.__table__.c.count + stmt.excluded.count},
    )


def _topic_rows(tally: Tally) -> list[dict]:
    return [
        {"day": k[0], "device_id": k[1], "topic": k[2], "count": n} for k, n in tally.topics.items()
    ]


def _lesson_rows(tally: Tally) -> list[dict]:
    return [{"learner": a, "pack": b, "lesson": c} for a, b, c in sorted(tally.lessons)]


def _course_upsert(stmt):
    c = CourseLearner.__table__.c
    return stmt.on_conflict_do_update(
        index_elements=["pack", "learner"],
        set_={
            "device_id": stmt.excluded.device_id,
            "first_day": _older(c.first_day, stmt.excluded.first_day),
            "last_day": _newer(c.last_day, stmt.excluded.last_day),
            "lessons": c.lessons + stmt.excluded.lessons,
        },
    )


def store(tally: Tally) -> None:
    """Add a tally to the aggregate tables (upserts, in the caller's transaction)."""
    if not tally.activity:
        return
    db.session.execute(_activity_upsert(), _activity_rows(tally))
    if tally.topics:
        db.session.execute(_topic_upsert(_insert(TopicDaily)), _topic_rows(tally))
        if tally.sign < 0:
            db.session.execute(delete(TopicDaily).where(TopicDaily.count <= 0))
    new_lessons: dict[tuple, int] = defaultdict(int)
    if tally.lessons and tally.sign > 0:
        stmt = _insert(LessonDone).on_conflict_do_nothing(
            index_elements=["learner", "pack", "lesson"]
        )
        stmt = stmt.returning(LessonDone.learner, LessonDone.pack)
        for learner, pack in db.session.execute(stmt, _lesson_rows(tally)).all():
            new_lessons[(pack, learner)] += 1
    if tally.courses:
        rows = [
            {"pack": k[0], "learner": k[1], "device_id": v[0], "first_day": v[1]}
            | {"last_day": v[2], "lessons": new_lessons.get(k, 0)}
            for k, v in sorted(tally.courses.items())
        ]
        db.session.execute(_course_upsert(_insert(CourseLearner)), rows)


def record_new(device_id: str, rows: Iterable[dict]) -> None:
    """The ingest hook: count records ingest has just stored for the first time."""
    tally = Tally()
    for row in rows:
        tally.add(row)
    store(tally)


def record_voided(rows: list[dict]) -> None:
    """The ingest hook for stored records a new voiding record has just voided: take back
    what they counted for, and a lesson done that no other completion with evidence still
    holds."""
    tally = Tally(sign=-1)
    for row in rows:
        tally.add({**row, "voided": False})
    store(tally)
    for learner, pack, lesson in sorted(tally.lessons):
        r = LearningRecord
        still = db.session.scalar(
            select(r.id)
            .where(r.learner == learner, r.pack == pack, r.lesson == lesson)
            .where(r.verb_name == "completed", r.kind == "lesson", r.voided.is_(False))
            .where(r.engagement.is_not(None))
            .limit(1)
        )
        if still is not None:
            continue
        gone = db.session.execute(
            delete(LessonDone).where(
                LessonDone.learner == learner, LessonDone.pack == pack, LessonDone.lesson == lesson
            )
        ).rowcount
        if gone:
            c = CourseLearner
            db.session.execute(
                db.update(c)
                .where(c.pack == pack, c.learner == learner)
                .values(lessons=c.lessons - 1)
            )


AGGREGATE_TABLES = (ActivityDaily, TopicDaily, LessonDone, CourseLearner)
#: What a tally reads of each record.
TALLIED = ("device_id", "learner", "timestamp", "object", "voided", *FACTS)


def rebuild(chunk: int = 20_000) -> int:
    """Recompute every aggregate from the stored records; return how many were read.

    Runs in the caller's transaction (the caller commits). Records are read in id order,
    ``chunk`` at a time, and tallied exactly as ingest tallies them.
    """
    for table in AGGREGATE_TABLES:
        db.session.execute(delete(table))
    r = LearningRecord
    query = select(r.id, *(getattr(r, c) for c in TALLIED)).order_by(r.id)
    total, last = 0, ""
    while True:
        rows = db.session.execute(query.where(r.id > last).limit(chunk)).mappings().all()
        if not rows:
            return total
        tally = Tally()
        for row in rows:
            tally.add(row)
        store(tally)
        total += len(rows)
        last = rows[-1]["id"]
