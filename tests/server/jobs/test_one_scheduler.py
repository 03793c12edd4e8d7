"""The scheduler runs each due job exactly once while gunicorn serves with 2 workers and,
by mistake, two ``xuedian scheduler`` processes run against the same database."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select
from support import wait_until
from support.processes import answers, free_port, stop

from xuedian.extensions import db
from xuedian.jobs.models import JobRun

BIN = Path(sys.executable).parent
EVERY_2S = "push-cleanup=*/2 * * * * *"


@pytest.mark.timeout(90)
def test_each_due_run_happens_once_with_gunicorn_at_two_workers(app, tmp_path):
    env = {
        **os.environ,
        "XUEDIAN_INSTANCE_PATH": app.instance_path,
        "XUEDIAN_DATABASE_URL": app.config["XUEDIAN"].database_url,
        "XUEDIAN_JOB_SCHEDULE": EVERY_2S,  # set for gunicorn too: its workers must ignore it
        "XUEDIAN_TIMEZONE": "UTC",
    }
    port = free_port()
    gunicorn_env = {**env, "XUEDIAN_BIND_PORT": str(port), "XUEDIAN_WORKERS": "2"}
    procs: list[subprocess.Popen] = []
    logs = [tmp_path / f"scheduler-{n}.log" for n in (1, 2)]
    try:
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "python:xuedian.gunicorn_conf"],
                env=gunicorn_env,
                stdout=subprocess.DEVNULL,
                stderr=(tmp_path / "gunicorn.log").open("w"),
            )
        )
        for log in logs:
            procs.append(
                subprocess.Popen(
                    [str(BIN / "xuedian"), "scheduler"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=log.open("w"),
                )
            )
        key_url = f"http://127.0.0.1:{port}/api/v1/push/vapid-public-key"
        wait_until(lambda: answers(key_url), 30, "gunicorn")
        wait_until(lambda: all("scheduler:" in p.read_text() for p in logs), 30, "schedulers")

        def runs() -> list[JobRun]:
            with app.app_context():
                rows = list(db.session.scalars(select(JobRun).order_by(JobRun.id)))
                db.session.remove()
                return rows

        def finished() -> int:
            return len([r for r in runs() if r.finished_at])

        wait_until(lambda: finished() >= 4, 30, "four runs")
        before = finished()
        for _ in range(10):  # requests to both workers while jobs fire
            assert answers(key_url)
        # One more moment runs while gunicorn is serving, whatever the load.
        wait_until(lambda: finished() > before, 30, "a run after the requests")
    finally:
        for proc in reversed(procs):
            stop(proc)

    rows = runs()
    per_moment = Counter((r.job, r.scheduled_for) for r in rows)
    assert per_moment and set(per_moment.values()) == {1}, per_moment
    assert all(r.scheduled_for.second % 2 == 0 for r in rows)
    assert all(r.status == "ok" and r.trigger == "scheduler" for r in rows)
    # Only the scheduler processes ran jobs, never a gunicorn worker.
    scheduler_pids = {str(p.pid) for p in procs[1:]}
    assert {r.runner.rsplit(":", 1)[1] for r in rows} <= scheduler_pids
    # Both schedulers were really racing for the same moments, and one lost each time.
    lost = sum(log.read_text().count("claimed by another process") for log in logs)
    assert lost >= 1, [log.read_text()[-2000:] for log in logs]
    print(f"due runs: {len(rows)}, claims lost by the other scheduler: {lost}")
