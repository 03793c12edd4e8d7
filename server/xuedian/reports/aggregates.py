"""Aggregates kept at ingest: daily activity, lessons done, courses started, topics asked.

:func:`record_new` runs inside the ingest transaction with only the records that ingest
NEWLY stored, so a replayed batch or bundle never counts twice. :func:`rebuild` computes
the same tables from scratch over every stored record (the nightly check, and the bench).
Days are the county's local days (``XUEDIAN_TIMEZONE``, :func:`core.timeutil.local_day`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from ..core.timeutil import local_day
from ..extensions import db
from ..sync.models import LearningRecord
from .models import ActivityDaily, CourseLearner, LessonDone, TopicDaily

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ASKED = "http://adlnet.gov/expapi/verbs/asked"
_DURATION = re.compile(
    r"^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)
#: A single record claiming more than this is a phone left open, not study.
MAX_RECORD_SECONDS = 4 * 3600


def seconds(result: dict | None) -> int:
    """Whole seconds of an ISO 8601 duration in a record's result (0 when none)."""
    text = (result or {}).get("duration") if isinstance(result, dict) else None
    match = _DURATION.match(text) if isinstance(text, str) else None
    if not match:
        return 0
    d, h, m, s = (float(g) if g else 0.0 for g in match.groups())
    return min(int(d * 86400 + h * 3600 + m * 60 + s), MAX_RECORD_SECONDS)


class Tally:
    """Sums for a set of records, ready to be added to the aggregate tables."""

    def __init__(self):
        self.activity: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        self.topics: dict[tuple, int] = defaultdict(int)
        self.lessons: set[tuple] = set()
        #: (pack, learner) -> [device, first day, last day]
        self.courses: dict[tuple, list] = {}

    def add(self, device_id: str, learner: str, verb: str, obj: dict, result, moment) -> None:
        day = local_day(moment)
        sums = self.activity[(day, device_id, learner)]
        sums[0] += 1
        sums[2] += seconds(result)
        obj = obj if isinstance(obj, dict) else {}
        if verb == ASKED:
            sums[3] += 1
            topic = " ".join(str(obj.get("topic", "")).split())[:200]
            if topic:
                self.topics[(day, device_id, topic)] += 1
            return
        pack = obj.get("pack")
        if not isinstance(pack, str):
            return
        course = self.courses.get((pack, learner))
        if course is None:
            self.courses[(pack, learner)] = [device_id, day, day]
        else:
            course[0] = device_id
            course[1], course[2] = min(course[1], day), max(course[2], day)
        if verb == COMPLETED and isinstance(obj.get("lesson"), str) and "item" not in obj:
            sums[1] += 1
            self.lessons.add((learner, pack, obj["lesson"]))


def _insert(table):
    dialect = db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


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
        },
    )


def _activity_rows(tally: Tally) -> list[dict]:
    return [
        {"day": k[0], "device_id": k[1], "learner": k[2], "records": v[0], "lessons": v[1]}
        | {"seconds": v[2], "asked": v[3]}
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
    new_lessons: dict[tuple, int] = defaultdict(int)
    if tally.lessons:
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
    for r in rows:
        tally.add(device_id, r["learner"], r["verb"], r["object"], r["result"], r["timestamp"])
    store(tally)


AGGREGATE_TABLES = (ActivityDaily, TopicDaily, LessonDone, CourseLearner)


def rebuild(chunk: int = 20_000) -> int:
    """Recompute every aggregate from the stored records; return how many were read.

    Runs in the caller's transaction (the caller commits). Records are read in id order,
    ``chunk`` at a time, and tallied exactly as ingest tallies them.
    """
    for table in AGGREGATE_TABLES:
        db.session.execute(delete(table))
    query = select(
        LearningRecord.id,
        LearningRecord.device_id,
        LearningRecord.learner,
        LearningRecord.verb,
        LearningRecord.object,
        LearningRecord.result,
        LearningRecord.timestamp,
    ).order_by(LearningRecord.id)
    total, last = 0, ""
    while True:
        rows = db.session.execute(query.where(LearningRecord.id > last).limit(chunk)).all()
        if not rows:
            return total
        tally = Tally()
        for row in rows:
            tally.add(row.device_id, row.learner, row.verb, row.object, row.result, row.timestamp)
        store(tally)
        total += len(rows)
        last = rows[-1].id
