"""Scheduled jobs: the registry every feature adds its jobs to, the one scheduler process,
the record of every run and the administrators' page of runs (docs/jobs.md).

:data:`JOB_MODULES` lists the modules that declare jobs with ``@job``; the scheduler imports
them (a module not in this checkout is skipped) so that ``JOBS`` is complete.
"""

from __future__ import annotations

import importlib

#: Modules whose import registers jobs.
JOB_MODULES = (
    "xuedian.credits.jobs",
    "xuedian.points.expiry",
    "xuedian.province.jobs",
    "xuedian.push.jobs",
    "xuedian.reports.jobs",
)


def load_jobs() -> dict:
    """Import every job module present and return the registry (name -> Job)."""
    from .registry import JOBS

    for name in JOB_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not name.startswith(exc.name):
                raise  # the module exists but something it imports does not
    return JOBS
