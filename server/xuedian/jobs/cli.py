"""``xuedian scheduler`` (the one process that runs scheduled jobs) and ``xuedian jobs list``."""

from __future__ import annotations

import contextlib
import logging
import signal

import click

from ..core.cliapp import cli_app as _app


@click.command()
@click.option(
    "--run-once", "run_once", metavar="JOB", default=None, help="Run this job now and exit."
)
def scheduler(run_once: str | None) -> None:
    """Run every scheduled job on its schedule (one process per county), or one job now."""
    from ..core.timeutil import utcnow
    from . import load_jobs
    from .runs import run_job

    app = _app()
    jobs = load_jobs()
    if run_once is not None:
        if run_once not in jobs:
            raise click.ClickException(f"No job {run_once}; known: {', '.join(sorted(jobs))}.")
        with app.app_context():
            run = run_job(jobs[run_once], utcnow(), "run-once")
            if run is None:
                raise click.ClickException(f"{run_once} is already running for this second.")
            click.echo(f"{run.job}\t{run.status}\t{run.summary or run.error or ''}")
            if run.status != "ok":
                raise SystemExit(1)
        return

    from .scheduler import build

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        sched = build(app, jobs)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    signal.signal(signal.SIGTERM, lambda *_: sched.shutdown(wait=False))
    click.echo(f"scheduler: {len(sched.get_jobs())} jobs; Ctrl-C to stop", err=True)
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        sched.start()


@click.group()
def jobs() -> None:
    """Scheduled jobs and their runs."""


@jobs.command("list")
@click.option("--limit", default=30, show_default=True, help="How many runs to show.")
@click.option("--job", "job_name", default=None, help="Only runs of this job.")
def jobs_list(limit: int, job_name: str | None) -> None:
    """Show the latest runs: job, due, started, finished, status, summary or error."""
    import json

    from ..core.timeutil import iso
    from . import load_jobs
    from .runs import recent_runs

    app = _app()
    with app.app_context():
        registered = load_jobs()
        for job in sorted(registered.values(), key=lambda j: j.name):
            click.echo(f"# {job.name}\t{job.cron}\t{job.description}")
        click.echo("job\tdue\tstarted\tfinished\tstatus\tsummary")
        for run in recent_runs(limit, job_name):
            finished = iso(run.finished_at) if run.finished_at else "-"
            detail = json.dumps(run.summary, ensure_ascii=False) if run.summary else run.error or ""
            click.echo(
                f"{run.job}\t{iso(run.scheduled_for)}\t{iso(run.started_at)}\t{finished}\t"
                f"{run.status}\t{detail}"
            )
