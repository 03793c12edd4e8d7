"""Table owned by jobs: one row per run of a scheduled job, claimed before it starts.

The unique ``(job, scheduled_for)`` is what keeps a job from running twice: two scheduler
processes (or a scheduler and an operator's ``--run-once`` of the same moment) both try to
insert the row, and only the one whose insert commits runs the job.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.dbtypes import UTCDateTime
from ..extensions import db

STATUSES = ("running", "ok", "failed")


class JobRun(db.Model):
    """One run of a job: when it was due, who ran it, how it ended."""

    __tablename__ = "job_run"
    __table_args__ = (UniqueConstraint("job", "scheduled_for", name="uq_job_run_job_scheduled"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job: Mapped[str] = mapped_column(String(64))
    #: The moment the run was due (its trigger's fire time, or "now" for --run-once).
    scheduled_for: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: running | ok | failed
    status: Mapped[str] = mapped_column(String(10))
    #: What the job returned (counts and the like).
    summary: Mapped[dict | None] = mapped_column(JSON)
    #: The exception's type and message when it failed.
    error: Mapped[str | None] = mapped_column(Text)
    #: ``host:pid`` of the process that ran it, and how: ``scheduler`` or ``run-once``.
    runner: Mapped[str] = mapped_column(String(120))
    trigger: Mapped[str] = mapped_column(String(12))
