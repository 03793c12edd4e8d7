"""Running one job once: claim its run row, call it, record how it ended.

A run is claimed by inserting ``job_run (job, scheduled_for)`` and committing; the unique
constraint lets exactly one process win, on SQLite and PostgreSQL alike. The loser runs
nothing. The job runs in its own session transaction; its summary, status and error are
written to the claimed row afterwards, so a failed job still leaves a readable record.
"""

from __future__ import annotations

import logging
import os
import socket
import traceback
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core.timeutil import utcnow
from ..extensions import db
from .models import JobRun
from .registry import Job

log = logging.getLogger("xuedian.jobs")

#: Longest error text kept with a run.
MAX_ERROR = 4000


def runner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(job: Job, scheduled_for: datetime, trigger: str) -> JobRun | None:
    """Insert and commit the run row of ``job`` at ``scheduled_for``; None if another
    process has it already."""
    run = JobRun(
        job=job.name,
        scheduled_for=scheduled_for.astimezone(UTC).replace(microsecond=0),
        started_at=utcnow(),
        status="running",
        runner=runner_name()[:120],
        trigger=trigger,
    )
    db.session.add(run)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return run


def run_job(job: Job, scheduled_for: datetime, trigger: str = "scheduler") -> JobRun | None:
    """Run ``job`` for ``scheduled_for`` unless another process claimed that run.

    Call inside an app context. Returns the finished run row, or None when not claimed.
    Never raises for the job's own failure: it is recorded as ``failed``.
    """
    run = claim(job, scheduled_for, trigger)
    if run is None:
        log.info("job %s at %s: claimed by another process", job.name, scheduled_for)
        return None
    run_id = run.id
    try:
        summary = job.fn(utcnow())
        db.session.commit()
        status, error = "ok", None
    except Exception as exc:  # noqa: BLE001 - any failure is recorded, the scheduler goes on
        db.session.rollback()
        log.exception("job %s failed", job.name)
        summary = None
        error = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:MAX_ERROR]
        status = "failed"
    run = db.session.get(JobRun, run_id)
    run.status = status
    run.summary = summary if isinstance(summary, dict) else None
    run.error = error
    run.finished_at = utcnow()
    db.session.commit()
    log.info("job %s at %s: %s %s", job.name, scheduled_for, status, summary or error)
    return run


def recent_runs(limit: int = 100, job: str | None = None) -> list[JobRun]:
    """The latest runs, newest first (by when they were due, then id)."""
    query = select(JobRun).order_by(JobRun.scheduled_for.desc(), JobRun.id.desc()).limit(limit)
    if job:
        query = query.where(JobRun.job == job)
    return list(db.session.scalars(query))
