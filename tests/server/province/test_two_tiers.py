"""A county and a province as two real ``xuedian serve`` processes on free loopback ports,
each with its own instance folder (SQLite): the county pushes its signed aggregates and
the province's dashboard shows them; the province pulls with a county-issued token; a
forged document is refused with nothing stored; and nothing the county sends holds a
learner id, a device id or a record."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from flask_migrate import upgrade
from support.liveserve import XUEDIAN, serving

from xuedian import create_app
from xuedian.core.timeutil import utcnow
from xuedian.extensions import db
from xuedian.org.auth import hash_password
from xuedian.org.models import Staff

from ..reports.helpers import Learner, area, make_org

PATH = "/api/v1/province/aggregates"


def _env(folder: Path, **more) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XUEDIAN_")}
    env.update(XUEDIAN_INSTANCE_PATH=str(folder), **more)
    return env


def _seed_county(folder: Path) -> list[Learner]:
    app = create_app({"instance_path": str(folder)})
    app.config["TESTING"] = True
    with app.app_context():
        upgrade()
        app.extensions["xuedian.keyring"].ensure()
    make_org(app)
    client = app.test_client()
    a, b = Learner(client, "p1a"), Learner(client, "p1b")
    a.send([a.record(lesson="01-a"), a.record(lesson="02-b")])
    b.send([b.record(lesson="01-a")])
    with app.app_context():
        db.engine.dispose()
    return [a, b]


def _seed_province(folder: Path) -> None:
    app = create_app({"instance_path": str(folder), "role": "province"})
    with app.app_context():
        upgrade()
        root = area(None, "county", "sheng", "省")
        staff = Staff(username="sheng", password_hash=hash_password("pw"), role="admin")
        staff.area_id, staff.created_at = root.id, utcnow()
        db.session.add(staff)
        db.session.commit()
        db.engine.dispose()


def _cli(env: dict, *args: str) -> str:
    done = subprocess.run([str(XUEDIAN), *args], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 - a loopback test server
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _dashboard(base: str) -> str:
    jar = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    form = jar.open(base + "/staff/login", timeout=30).read().decode()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"csrf_token": csrf, "username": "sheng", "password": "pw"})
    jar.open(base + "/staff/login", data=data.encode(), timeout=30).read()
    return jar.open(base + "/staff/province/?lang=en", timeout=30).read().decode()


def _county_list(env: dict) -> list[str]:
    return _cli(env, "province", "county", "list").strip().split("\t")


def test_county_pushes_province_pulls_and_a_forgery_is_refused(tmp_path):
    learners = _seed_county(tmp_path / "county")
    _seed_province(tmp_path / "province")
    county_env = _env(tmp_path / "county")
    province_env = _env(tmp_path / "province", XUEDIAN_ROLE="province")
    with (
        serving(county_env, "/api/v1/health", tmp_path / "county.log", workers=1) as county,
        serving(province_env, "/api/v1/health", tmp_path / "province.log", workers=1) as province,
    ):
        issued = _cli(county_env, "province", "token", "issue", "sheng")
        token = re.search(r"^token: (\S+)$", issued, re.M).group(1)
        _cli(province_env, "province", "county", "add", "qingshui", county, token)

        # (a) The county's scheduled push, run now, reaches the province's dashboard.
        pushed = json.loads(
            _cli({**county_env, "XUEDIAN_PROVINCE_URL": province}, "province", "push")
        )
        assert pushed["status"] == "sent"
        name, _url, seq, _at, via = _county_list(province_env)
        assert (name, seq, via) == ("qingshui", str(pushed["seq"]), "push")
        html = _dashboard(province)
        assert "qingshui · qingshui" in html and 'id="total-lessons">3<' in html

        # (b) The province pulls with the county's token: a newer document replaces it.
        assert _cli(province_env, "province", "pull", "qingshui").strip() == "changed"
        _name, _url, pulled_seq, _at, via = _county_list(province_env)
        assert via == "pull" and int(pulled_seq) > pushed["seq"]

        # What the county sends: counts only, never a learner, a phone or a record.
        request = urllib.request.Request(  # noqa: S310 - a loopback test server
            county + PATH, headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310
            envelope = json.loads(r.read())
        text = json.dumps(envelope, ensure_ascii=False)
        for learner in learners:
            assert learner.learner not in text and learner.phone.device_id not in text
        assert '"records": 3' in json.dumps(envelope["signed"]["total"])
        assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-", text)  # no record id

        # A forged document (a figure changed after signing) is refused, nothing stored.
        envelope["signed"]["total"]["lessons"] = 300
        status, answer = _post(province + PATH, envelope)
        assert (status, answer["code"], answer["ok"]) == (401, "province-signature-invalid", False)
        _name, _url, seq_after, _at, via_after = _county_list(province_env)
        assert (seq_after, via_after) == (pulled_seq, "pull")
        assert 'id="total-lessons">3<' in _dashboard(province)
