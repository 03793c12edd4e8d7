"""One county clock: a moment reads the same on the volunteer, people, instructions, jobs and
report pages and in exports, in ``XUEDIAN_TIMEZONE``, whatever the server machine's own
clock; and that setting moves the local days reports count by and jobs are scheduled in.

The machine's clock is set to UTC here, as on the county server where the volunteer pages
showed 01:04 while the reports showed 09:04 for the same sync.
"""

from __future__ import annotations

import dataclasses
import time as clock
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from xuedian.core.timeutil import day_span, local_day, utcnow
from xuedian.extensions import db
from xuedian.instructions.models import Instruction
from xuedian.jobs import load_jobs
from xuedian.jobs.models import JobRun
from xuedian.jobs.scheduler import build
from xuedian.org.models import Staff
from xuedian.reports import jobs
from xuedian.reports.models import ActivityDaily
from xuedian.sync.models import Device, SyncBundle

from ..org.world import POINTS, add_activity, build_world, sign_in
from .helpers import Learner, make_org
from .test_exports import _csv

SAO_PAULO = "America/Sao_Paulo"  # UTC-3 all year since 2019


@pytest.fixture(autouse=True)
def machine_clock_utc(monkeypatch):
    """The server machine's own timezone is UTC (and restored after)."""
    monkeypatch.setenv("TZ", "UTC")
    clock.tzset()
    yield
    monkeypatch.undo()
    clock.tzset()


def set_zone(app, name: str) -> None:
    app.config["XUEDIAN"] = dataclasses.replace(app.config["XUEDIAN"], timezone=name)


def _moment() -> datetime:
    """Yesterday at 01:04 UTC: 09:04 in Shanghai, 22:04 the day before in São Paulo."""
    return datetime.combine((utcnow() - timedelta(days=1)).date(), time(1, 4), UTC)


@pytest.mark.parametrize("zone,shown", [("Asia/Shanghai", "09:04"), (SAO_PAULO, "22:04")])
def test_one_sync_reads_the_same_on_every_staff_page(app, zone, shown):
    set_zone(app, zone)
    moment = _moment()
    day = (moment + (timedelta(hours=8) if shown == "09:04" else -timedelta(hours=3))).date()
    expected = f"{day.isoformat()} {shown}"
    world = build_world(app)
    with app.app_context():
        device = db.session.get(Device, POINTS["A"][2])
        device.last_seen_at = moment
        db.session.get(Staff, world.staff["vol_a"]).last_login_at = moment
        db.session.add(
            Instruction(
                device_id=device.id,
                point_id=world.points["A"],
                kind="resync",
                created_at=moment,
                delivered_at=moment,
            )
        )
        db.session.commit()
    client = app.test_client()
    sign_in(client, world.staff["admin_c1"])
    pages = {
        "volunteer point page": f"/staff/points/{world.points['A']}",
        "points list": "/staff/points",
        "people": "/staff/people",
        "instructions": "/staff/instructions",
        "report": f"/staff/reports/?area={world.areas['t1a']}",
        "health export": f"/staff/reports/export/health.csv?area={world.areas['t1a']}",
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert expected in response.text, f"{name} does not show {expected}"
        other = moment.strftime("%Y-%m-%d %H:%M")  # the machine's (UTC) clock
        assert other not in response.text, f"{name} shows the machine's clock {other}"


@pytest.mark.parametrize("zone,offset", [("Asia/Shanghai", "+08:00"), (SAO_PAULO, "-03:00")])
def test_record_export_times_are_the_county_clock_with_its_offset(app, client, zone, offset):
    set_zone(app, zone)
    ids = make_org(app)
    moment = _moment()
    phone = Learner(client, "p1a")
    stamp = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    phone.send([phone.record(lesson="01-a", timestamp=stamp)])
    sign_in(client, ids["admin"])
    header, row = _csv(client.get("/staff/reports/export/records.csv"))
    local = moment.astimezone(ZoneInfo(zone))
    assert row[header.index("timestamp")] == local.strftime("%Y-%m-%dT%H:%M:%S") + offset
    assert row[header.index("received")].endswith(offset)


def test_jobs_page_shows_runs_in_the_county_time(app):
    set_zone(app, SAO_PAULO)
    world = build_world(app)
    add_activity(app, world)
    client = app.test_client()
    sign_in(client, world.staff["admin_c1"])
    page = client.get("/staff/jobs").text
    with app.app_context():
        due = db.session.scalar(select(JobRun.scheduled_for).where(JobRun.job == "reports-weekly"))
    local = due.astimezone(ZoneInfo(SAO_PAULO)).strftime("%Y-%m-%d %H:%M")
    assert f">{local}</time>" in page
    assert due.strftime("%Y-%m-%d %H:%M") not in page  # not UTC, not the machine's clock


def test_the_timezone_moves_the_day_a_record_counts_on(app, client):
    """A record at 23:30 UTC is the next day's in Shanghai and the same day's in São Paulo."""
    make_org(app)
    base = (utcnow() - timedelta(days=2)).date()
    stamp = datetime.combine(base, time(23, 30), UTC)
    text = stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    days = {}
    for zone, point in (("Asia/Shanghai", "p1a"), (SAO_PAULO, "p1b")):
        set_zone(app, zone)
        phone = Learner(client, point)
        phone.send([phone.record(timestamp=text)])
        with app.app_context():
            days[zone] = db.session.scalar(
                select(ActivityDaily.day).where(ActivityDaily.device_id == phone.phone.device_id)
            )
    assert days == {"Asia/Shanghai": base + timedelta(days=1), SAO_PAULO: base}


def test_the_timezone_moves_report_day_boundaries(app):
    """A bundle imported at 02:00 UTC on day D+1 is in the report of local day D in São Paulo
    (23:00) and not in Shanghai's (10:00 on D+1); the frame's today and the rollup's day
    follow the zone too."""
    world = build_world(app)
    add_activity(app, world)  # phone A's bundle, carried by vol_b, imported an hour ago
    with app.app_context():
        now = utcnow()
        imported = datetime.combine(now.date(), time(2, 0), UTC)
        if imported > now:
            imported -= timedelta(days=1)
        for bundle in db.session.scalars(select(SyncBundle)):
            bundle.imported_at = imported
            bundle.received_at = imported - timedelta(hours=1)
            bundle.made_at = imported - timedelta(hours=2)
        db.session.commit()
    client = app.test_client()
    sign_in(client, world.staff["admin_c1"])
    day_before = (imported - timedelta(days=1)).date().isoformat()
    url = f"/staff/reports/export/carry_volunteers.csv?lang=en&from={day_before}&to={day_before}"
    set_zone(app, SAO_PAULO)
    assert [row[0] for row in _csv(client.get(url))[1:]] == ["vol-b"]
    set_zone(app, "Asia/Shanghai")
    assert _csv(client.get(url))[1:] == []
    with app.app_context():
        late = datetime.combine(now.date(), time(22, 0), UTC)  # 06:00 next day in Shanghai
        set_zone(app, "Asia/Shanghai")
        assert local_day(late) == now.date() + timedelta(days=1)
        start, end = day_span(now.date(), now.date())
        assert (start.hour, end - start) == (16, timedelta(days=1))  # 00:00 at UTC+8
        summary = jobs.nightly_rollup(late)
        assert summary["day"] == now.date().isoformat()
        set_zone(app, SAO_PAULO)
        assert local_day(late) == now.date()
        assert day_span(now.date(), now.date())[0].hour == 3
        assert jobs.nightly_rollup(late)["day"] == (now.date() - timedelta(days=1)).isoformat()


def test_the_scheduler_reads_cron_lines_in_the_county_timezone(app):
    set_zone(app, SAO_PAULO)
    scheduler = build(app, load_jobs())
    assert str(scheduler.timezone) == SAO_PAULO
    trigger = scheduler.get_job("reports-rollup").trigger
    assert str(trigger.timezone) == SAO_PAULO


def test_an_unknown_timezone_stops_the_app_at_start():
    from xuedian.config import Settings

    with pytest.raises(ValueError, match="XUEDIAN_TIMEZONE"):
        Settings.from_env({}, timezone="Mars/Olympus_Mons")
