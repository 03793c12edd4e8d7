"""Job runs: claimed once per due moment, recorded whatever the outcome, listed by the CLI and
shown to administrators only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from xuedian.cli import main
from xuedian.core.timeutil import utcnow
from xuedian.extensions import db
from xuedian.jobs import load_jobs
from xuedian.jobs.models import JobRun
from xuedian.jobs.registry import JOBS, Job
from xuedian.jobs.runs import run_job
from xuedian.jobs.scheduler import cron_trigger, parse_overrides, schedule
from xuedian.org.auth import hash_password
from xuedian.org.models import Area, Staff

from ..staffsession import signed_in

DUE = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def counting_job(calls: list) -> Job:
    def fn(now):
        calls.append(now)
        return {"counted": len(calls)}

    return Job("counting", "* * * * *", fn, "test")


def test_a_due_run_is_claimed_once(app):
    calls = []
    job = counting_job(calls)
    with app.app_context():
        first = run_job(job, DUE)
        assert first.status == "ok" and first.summary == {"counted": 1}
        assert run_job(job, DUE) is None  # another process's attempt at the same moment
        assert run_job(job, DUE.replace(minute=1)).status == "ok"
        rows = db.session.scalars(select(JobRun).order_by(JobRun.id)).all()
    assert len(calls) == 2
    assert [(r.job, r.scheduled_for) for r in rows] == [
        ("counting", DUE),
        ("counting", DUE.replace(minute=1)),
    ]
    assert all(r.finished_at >= r.started_at for r in rows)


def test_a_failing_job_is_recorded_with_its_error(app):
    def broken(now):
        raise RuntimeError("disk on fire")

    with app.app_context():
        run = run_job(Job("broken", "* * * * *", broken, "test"), DUE)
        assert (run.status, run.summary) == ("failed", None)
        assert "RuntimeError: disk on fire" in run.error
        assert run.finished_at is not None


def test_schedule_overrides_and_cron_lines():
    jobs = {
        "a": Job("a", "0 3 * * *", lambda n: {}, ""),
        "b": Job("b", "5 * * * *", lambda n: {}, ""),
    }
    lines = schedule(jobs, parse_overrides("a=*/2 * * * * *; b=off"))
    assert lines == {"a": "*/2 * * * * *"}
    with pytest.raises(ValueError):
        schedule(jobs, parse_overrides("nope=off"))
    with pytest.raises(ValueError):
        parse_overrides("a")
    with pytest.raises(ValueError):
        cron_trigger("* * *", "UTC")
    trigger = cron_trigger("*/2 * * * * *", "UTC")
    fire = trigger.get_next_fire_time(None, DUE.replace(second=1))
    assert fire == DUE.replace(second=2)


def test_every_feature_job_is_registered():
    assert "push-cleanup" in load_jobs()


def test_run_once_and_jobs_list_cli(app):
    with app.app_context():
        result = CliRunner().invoke(main, ["scheduler", "--run-once", "push-cleanup"])
        assert result.exit_code == 0, result.output
        assert result.output.startswith("push-cleanup\tok\t")
        unknown = CliRunner().invoke(main, ["scheduler", "--run-once", "nope"])
        assert unknown.exit_code == 1 and "No job nope" in unknown.output
        listed = CliRunner().invoke(main, ["jobs", "list"])
        assert listed.exit_code == 0
        assert "# push-cleanup" in listed.output
        assert "push-cleanup\t" in listed.output.split("job\tdue")[1]
        assert "\tok\t" in listed.output


def sign_in(app, client, role: str) -> None:
    with app.app_context():
        county = Area(level="county", code="qingshui", name="清水县", path="")
        db.session.add(county)
        db.session.flush()
        county.path = f"/{county.id}/"
        staff = Staff(
            username=role,
            password_hash=hash_password("x" * 12),
            role=role,
            area_id=county.id if role == "admin" else None,
            created_at=utcnow(),
        )
        db.session.add(staff)
        db.session.commit()
        staff_id = staff.id
    with client.session_transaction() as session:
        signed_in(session, staff_id)


def test_runs_page_shows_recent_runs_to_administrators(app, client, monkeypatch):
    def broken(now):
        raise ValueError("no data")

    counting = counting_job([])
    # Registered, with its one summary key named as holding no area's data.
    monkeypatch.setitem(
        JOBS, "counting", Job("counting", "* * * * *", counting.fn, "t", ("counted",))
    )
    with app.app_context():
        run_job(counting, DUE)
        run_job(Job("broken", "* * * * *", broken, "test"), DUE)
    sign_in(app, client, "admin")
    page = client.get("/staff/jobs")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "定时任务运行记录" in text and 'data-job="counting" data-status="ok"' in text
    assert "counted: 1" in text
    assert "2026-11-25 10:00" in text  # due 02:00 UTC, shown in the county's time
    assert 'data-job="broken" data-status="failed"' in text and "ValueError: no data" in text
    assert "push-cleanup" in text  # the registered jobs and their schedules
    english = client.get("/staff/jobs?lang=en").get_data(as_text=True)
    assert "Scheduled job runs" in english and "Failed" in english


def test_runs_page_is_for_administrators_only(app, client):
    sign_in(app, client, "volunteer")
    assert client.get("/staff/jobs").status_code == 403
    assert client.get("/staff/instructions").status_code == 403
