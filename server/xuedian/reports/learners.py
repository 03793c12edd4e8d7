"""The dashboard's learners table: one row per learner active in a frame's period.

Owns no data: it is given each learner's sums of the daily activity aggregate
(``report_activity_daily``: lessons, unverified completions, seconds per day, phone and
learner) and reads, for those learners only, the best quiz total of the stored record
facts (``learning_record``: ``kind == "quiz"``, not voided), through the
``ix_learning_record_learner_kind`` index.
"""

from __future__ import annotations

from sqlalchemy import false, func, select

from ..extensions import db
from ..org.models import LearningPoint
from ..sync.models import Device, LearningRecord
from .scope import Frame

#: Learners whose best score is looked up per query (bound parameters stay few).
CHUNK = 500


def learner_rows(frame: Frame, found: list[tuple]) -> list[dict]:
    """Each learner of the frame's phones with activity in its days, newest activity first.

    ``found`` holds ``(learner, device, lessons, unverified, seconds, last day)`` per learner
    and phone, summed over the frame's days (figures.py reads them from
    ``report_activity_daily`` in the same pass as the learning figures)."""
    phones = {r[1] for r in found}
    point_of = {
        d: (name, name_en)
        for d, name, name_en in db.session.execute(
            select(Device.id, LearningPoint.name, LearningPoint.name_en)
            .outerjoin(LearningPoint, LearningPoint.id == Device.learning_point_id)
            .where(Device.id.in_(frame.devices()))
        )
        if d in phones
    }
    rows = [
        {
            "learner": learner,
            "device_id": device_id,
            "point": point_of.get(device_id, (None, None)),
            "lessons": int(lessons or 0),
            "unverified": int(unverified or 0),
            "minutes": int(seconds or 0) // 60,
            "last": last,
        }
        for learner, device_id, lessons, unverified, seconds, last in found
    ]
    rows.sort(key=lambda r: (r["last"], r["learner"]), reverse=True)
    return rows


def best_scores(rows: list[dict]) -> dict[tuple[str, str], float]:
    """The highest quiz total (0–1) of each row's (learner, phone), voided totals left out.

    Asked only for the rows a page or export shows: the dashboard's first rows."""
    pairs = sorted({(row["learner"], row["device_id"]) for row in rows})
    r = LearningRecord
    out: dict[tuple[str, str], float] = {}
    for i in range(0, len(pairs), CHUNK):
        chunk = pairs[i : i + CHUNK]
        query = (
            select(r.learner, r.device_id, func.max(r.score))
            .where(
                r.learner.in_({learner for learner, _ in chunk}),
                r.kind == "quiz",
                r.voided == false(),
                r.score.is_not(None),
            )
            .group_by(r.learner, r.device_id)
        )
        wanted = set(chunk)
        for learner, device_id, score in db.session.execute(query):
            if (learner, device_id) in wanted:  # only the phone in scope
                out[(learner, device_id)] = score
    return out
