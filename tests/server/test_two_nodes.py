"""Two ``xuedian serve`` nodes behind nginx share one PostgreSQL and one Redis: a staff session
made on one is good on the other, rate limits count across both, the schedulers of both
claim each due run once, and killing one node while phones upload loses and duplicates
nothing (docs/deploy.md).

Every component is real and started here: two gunicorn nodes and their schedulers, Debian's
nginx on a free loopback port; PostgreSQL (a schema of this test's own) and Redis are the
machine's, at 127.0.0.1:5432 and 127.0.0.1:6379.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from support import nginx, wait_until
from support.processes import answers, free_port, stop

from xuedian import create_app
from xuedian.extensions import db
from xuedian.jobs.models import JobRun
from xuedian.sync.models import LearningRecord

from .reports.helpers import make_org
from .sync.helpers import Phone, make_record

BIN = Path(sys.executable).parent
PG = os.environ.get("XUEDIAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
PHONES, BATCHES, RECORDS = 6, 9, 20
RETRY = {502, 503, 504}


@pytest.fixture
def database():
    """A fresh, migrated PostgreSQL schema for this test, dropped at the end."""
    schema = f"xd_nodes_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    yield f"{PG}?options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _http(opener, method: str, url: str, body: dict | bytes | None = None, form=None):
    """Return (status, headers, body bytes); HTTP errors are answers, not exceptions."""
    data, headers = None, {}
    if isinstance(body, dict):
        data, headers = json.dumps(body).encode(), {"Content-Type": "application/json"}
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with opener.open(request, timeout=30) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers, answer.read()


def _upload(base: str, phone: Phone, batch: dict, sent: list) -> None:
    """Send one batch until the county acknowledges it, as the app's outbox does."""
    opener = urllib.request.build_opener()
    for _ in range(60):
        try:
            status, _headers, _body = _http(opener, "POST", base + "/api/v1/sync/batches", batch)
        except OSError:  # the connection broke mid-answer: the same batch goes again
            status = None
        if status == 200:
            sent.append(batch["signed"]["batch_id"])
            return
        assert status in RETRY or status is None, status
        time.sleep(0.2)  # the outbox's backoff, short
    raise AssertionError("a batch was never acknowledged")


class Node:
    def __init__(self, name: str, instance: Path, env: dict, logs: Path):
        self.port = free_port()
        self.env = {**env, "XUEDIAN_INSTANCE_PATH": str(instance)}
        serve = {**self.env, "XUEDIAN_BIND_PORT": str(self.port), "XUEDIAN_WORKERS": "2"}
        # Its own session: killing the node kills gunicorn's master and workers at once.
        self.server = subprocess.Popen(
            [str(BIN / "xuedian"), "serve"],
            env=serve,
            stdout=subprocess.DEVNULL,
            stderr=(logs / f"{name}-serve.log").open("w"),
            start_new_session=True,
        )
        self.scheduler_log = logs / f"{name}-scheduler.log"
        self.scheduler = subprocess.Popen(
            [str(BIN / "xuedian"), "scheduler"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.scheduler_log.open("w"),
        )

    def kill(self) -> None:
        """The machine dies: every process of the node ends at once, nothing is flushed."""
        os.killpg(self.server.pid, signal.SIGKILL)
        self.scheduler.kill()
        self.server.wait(timeout=20)
        self.scheduler.wait(timeout=20)

    def stop(self) -> None:
        for proc in (self.scheduler, self.server):
            stop(proc)


@pytest.mark.timeout(600)
def test_two_nodes_share_sessions_limits_and_jobs_and_survive_one_dying(database, tmp_path):
    instance = tmp_path / "node-a"
    app = create_app({"instance_path": str(instance), "database_url": database})
    with app.app_context():
        upgrade()
        app.extensions["xuedian.keyring"].ensure()
    make_org(app)  # administrators "admin" (county-wide), password "x"
    # Every node carries the county's keys and secret: a copy of one instance folder.
    shutil.copytree(instance, tmp_path / "node-b")
    env = {
        **os.environ,
        "XUEDIAN_DATABASE_URL": database,
        # A Redis database of this test's own, so other tests' counts never mix in.
        "XUEDIAN_RATELIMIT_STORAGE": f"redis://127.0.0.1:6379/{random.randint(1, 15)}",
        "XUEDIAN_PROXY_HOPS": "1",
        "XUEDIAN_RATE_LIMIT_REGISTER": f"{PHONES}/minute",
        "XUEDIAN_JOB_SCHEDULE": "push-cleanup=*/2 * * * * *",
        "XUEDIAN_TIMEZONE": "UTC",
    }
    logs = tmp_path / "logs"
    logs.mkdir()
    nodes = [Node("a", instance, env, logs), Node("b", tmp_path / "node-b", env, logs)]
    proxy = None
    try:
        for node in nodes:
            url = f"http://127.0.0.1:{node.port}/api/v1/health"
            wait_until(lambda url=url: answers(url), 60, f"node on {url}")
        proxy, base = nginx.start(tmp_path / "nginx", [n.port for n in nodes])
        by_port = {f"127.0.0.1:{n.port}": n for n in nodes}

        # A staff session signed in through one node is good on both.
        staff = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        _status, _h, page = _http(staff, "GET", base + "/staff/login")
        token = TOKEN.search(page.decode()).group(1)
        form = {"username": "admin", "password": "x", "csrf_token": token}
        status, _h, _b = _http(staff, "POST", base + "/staff/login", form=form)
        assert status == 200  # followed the redirect into the staff pages
        seen = Counter()
        for _ in range(8):
            answer = staff.open(base + "/staff/reports/", timeout=30)
            assert answer.status == 200 and answer.url.endswith("/staff/reports/")
            seen[answer.headers["X-Upstream"]] += 1
        assert set(seen) == set(by_port), seen

        # Registrations count against one limit in Redis, whichever node answers.
        phones = [Phone() for _ in range(PHONES)]
        answered = Counter()
        for phone in phones:
            status, headers, _b = _http(
                urllib.request.build_opener(),
                "POST",
                base + "/api/v1/devices",
                phone.registration(),
            )
            assert status == 201
            answered[headers["X-Upstream"]] += 1
        assert set(answered) == set(by_port), answered
        status, _h, body = _http(
            urllib.request.build_opener(),
            "POST",
            base + "/api/v1/devices",
            Phone().registration(),
        )
        assert status == 429 and json.loads(body)["code"] == "rate-limited"

        # Both schedulers race for each due run; the jobs table lets one win each time.
        wait_until(lambda: _finished_runs(app) >= 3, 60, "three scheduled runs")

        # Phones upload; one node dies while they do.
        batches = {
            p.device_id: [
                p.batch([make_record(b * RECORDS + r + 1) for r in range(RECORDS)])
                for b in range(BATCHES)
            ]
            for p in phones
        }
        sent: list[str] = []
        third = threading.Barrier(PHONES + 1, timeout=120)

        def upload(phone: Phone) -> None:
            for n, batch in enumerate(batches[phone.device_id]):
                if n == BATCHES // 3:
                    third.wait()
                _upload(base, phone, batch, sent)

        threads = [threading.Thread(target=upload, args=(p,)) for p in phones]
        for thread in threads:
            thread.start()
        third.wait()
        stored_at_kill = _stored(app)
        survivor = str(nodes[1].scheduler.pid)
        runs_at_kill = _runs_by(app, survivor)
        nodes[0].kill()
        for thread in threads:
            thread.join(timeout=300)
        assert not any(t.is_alive() for t in threads)
        total = PHONES * BATCHES * RECORDS
        assert stored_at_kill < total, "the node died after the uploads, not during them"
        assert len(sent) == PHONES * BATCHES
        with app.app_context():
            rows = db.session.execute(
                sa.select(LearningRecord.device_id, LearningRecord.device_seq)
            ).all()
            db.session.remove()
        assert len(rows) == total  # nothing lost, nothing twice
        per_phone = Counter(device for device, _seq in rows)
        assert per_phone == {p.device_id: BATCHES * RECORDS for p in phones}
        assert len(set(rows)) == total

        # The survivor's scheduler goes on alone; no due run ever ran twice.
        wait_until(
            lambda: _runs_by(app, survivor) > runs_at_kill, 60, "a run of the surviving scheduler"
        )
    finally:
        if proxy is not None:
            stop(proxy)
        for node in nodes:
            node.stop()
        with app.app_context():
            rows = list(db.session.scalars(sa.select(JobRun)))
            db.session.remove()
            db.engine.dispose()
    per_moment = Counter((r.job, r.scheduled_for) for r in rows)
    assert per_moment and set(per_moment.values()) == {1}, per_moment


def _stored(app) -> int:
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(LearningRecord))
        db.session.remove()
        return count


def _finished_runs(app) -> int:
    with app.app_context():
        rows = db.session.scalars(sa.select(JobRun).where(JobRun.finished_at.is_not(None))).all()
        db.session.remove()
        return len(rows)


def _runs_by(app, pid: str) -> int:
    with app.app_context():
        rows = db.session.scalars(sa.select(JobRun).where(JobRun.finished_at.is_not(None))).all()
        db.session.remove()
        return len([r for r in rows if r.runner.rsplit(":", 1)[1] == pid])
