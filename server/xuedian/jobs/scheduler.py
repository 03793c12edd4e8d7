"""The scheduler process (``xuedian scheduler``): one APScheduler BlockingScheduler that
fires every registered job on its cron line and runs it through :func:`runs.run_job`.

gunicorn workers never start it (``create_app`` knows nothing of it), so several workers
cannot multiply the jobs; and should two scheduler processes run by mistake (a second
machine, a restart overlapping the old process), the run row each must claim first keeps
every due run to one. A cron line has five fields (minute hour day month weekday) or six
with seconds first; ``XUEDIAN_JOB_SCHEDULE`` overrides or turns off a job's line.
"""

from __future__ import annotations

import logging

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask

from .registry import Job
from .runs import run_job

log = logging.getLogger("xuedian.jobs")


def parse_overrides(text: str) -> dict[str, str]:
    """``"name=cron; other=off"`` -> ``{"name": "cron", "other": "off"}``.

    Raises ``ValueError`` for an entry without ``=``.
    """
    overrides = {}
    for entry in text.split(";"):
        if not entry.strip():
            continue
        name, sep, cron = entry.partition("=")
        if not sep or not name.strip() or not cron.strip():
            raise ValueError(f"XUEDIAN_JOB_SCHEDULE entry {entry.strip()!r} is not name=cron")
        overrides[name.strip()] = cron.strip()
    return overrides


def cron_trigger(cron: str, timezone: str) -> CronTrigger:
    """A trigger for a five-field crontab line, or six fields with seconds first."""
    parts = cron.split()
    if len(parts) == 5:
        return CronTrigger.from_crontab(cron, timezone=timezone)
    if len(parts) == 6:
        second, minute, hour, day, month, dow = parts
        return CronTrigger(
            second=second,
            minute=minute,
            hour=hour,
            day=day,
            month=month,
            day_of_week=dow,
            timezone=timezone,
        )
    raise ValueError(f"cron line {cron!r} needs 5 fields (or 6 with seconds first)")


def schedule(jobs: dict[str, Job], overrides: dict[str, str]) -> dict[str, str]:
    """Return ``{job name: cron line}`` for every job that runs (``off`` ones left out).

    Raises ``ValueError`` for an override naming no job.
    """
    unknown = set(overrides) - set(jobs)
    if unknown:
        raise ValueError(f"XUEDIAN_JOB_SCHEDULE names unknown jobs: {', '.join(sorted(unknown))}")
    lines = {}
    for name, job in sorted(jobs.items()):
        cron = overrides.get(name, job.cron)
        if cron.lower() != "off":
            lines[name] = cron
    return lines


class _ClaimingExecutor(ThreadPoolExecutor):
    """Hands each job its scheduled fire time (APScheduler's own executor does not), so
    every process names a run by the same moment and the run row can be claimed."""

    def __init__(self, app: Flask, jobs: dict[str, Job]):
        super().__init__(max_workers=4)
        self._app = app
        self._jobs = jobs

    def _do_submit_job(self, job, run_times):
        def run() -> list:
            events = []
            for run_time in run_times:  # one, as jobs coalesce
                with self._app.app_context():
                    run_job(self._jobs[job.id], run_time, "scheduler")
                events.append(
                    JobExecutionEvent(EVENT_JOB_EXECUTED, job.id, job._jobstore_alias, run_time)
                )
            return events

        def done(future) -> None:
            exc = future.exception()
            if exc is not None:
                self._run_job_error(job.id, exc, exc.__traceback__)
            else:
                self._run_job_success(job.id, future.result())

        self._pool.submit(run).add_done_callback(done)


def build(app: Flask, jobs: dict[str, Job]) -> BlockingScheduler:
    """Return a scheduler with every job of ``jobs`` added per the app's settings."""
    settings = app.config["XUEDIAN"]
    timezone = settings.timezone
    lines = schedule(jobs, parse_overrides(settings.job_schedule))
    scheduler = BlockingScheduler(
        executors={"default": _ClaimingExecutor(app, jobs)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
        timezone=timezone,
    )
    for name, cron in lines.items():
        scheduler.add_job(
            lambda: None,  # never called: the executor runs the registered job itself
            trigger=cron_trigger(cron, timezone),
            id=name,
            name=name,
        )
        log.info("job %s on %r (%s)", name, cron, timezone)
    scheduler.add_listener(_log_error, EVENT_JOB_ERROR)
    return scheduler


def _log_error(event) -> None:
    log.error("job %s could not be run: %s", event.job_id, event.exception)
