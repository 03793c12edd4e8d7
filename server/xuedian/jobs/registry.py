"""The registry of scheduled jobs. Features declare their jobs here with :func:`job`;
``xuedian scheduler`` (one process per county) runs them and records every run.

A job is a function ``fn(now: datetime) -> dict`` run inside an app context; the dict is
its summary, kept with the run: what it found per area under ``by_area`` and its
``shared`` keys, so each administrator reads only their area's part (:mod:`.scoped`).
``cron`` is a five-field crontab line, read in the county's timezone (docs/jobs.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Job:
    name: str
    cron: str
    fn: Callable[[datetime], dict]
    description: str
    #: Summary keys that name no area's data, shown to every administrator.
    shared: tuple[str, ...] = ()


JOBS: dict[str, Job] = {}


def job(name: str, cron: str, description: str, shared: tuple[str, ...] = ()):
    """Register the decorated function as the job ``name`` run on ``cron``; ``shared``
    names its summary keys every administrator may read (:mod:`.scoped`)."""

    def register(fn: Callable[[datetime], dict]) -> Callable[[datetime], dict]:
        if name in JOBS and JOBS[name].fn is not fn:
            raise ValueError(f"job {name!r} is registered twice")
        JOBS[name] = Job(name, cron, fn, description, tuple(shared))
        return fn

    return register
