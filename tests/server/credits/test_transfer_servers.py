"""Accumulation across places, between two real servers: county A (``xuedian serve``)
issues an Open Badges credential; county B (another ``xuedian serve``, its own instance
folder and database) pins the province key, imports the province trust list naming both
counties, and accepts A's credential for a learner through its staff API, converted by
its crosswalk, after fetching A's status list. A credential A has revoked, and one signed
by a key on no trust list, are refused with the envelope; the staff page says why in
words, and B's public /verify page tells genuine from unknown issuer.

Runs on SQLite (an instance folder each) and on PostgreSQL (a schema each)."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from support.liveserve import serving
from support.processes import free_port

from xuedian import create_app
from xuedian.credentials import badges, compact, didkey
from xuedian.credentials.dataintegrity import JCS, RDFC, Signer, add_proof
from xuedian.credits.definitions import ensure_defaults
from xuedian.credits.models import CreditTransfer, OutcomeDefinition
from xuedian.extensions import db

from ..org.world import PASSWORD, build_world, username
from .helpers import publish

XUEDIAN = str(Path(sys.executable).with_name("xuedian"))
PG_BASE = os.environ.get("XUEDIAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = [b for b in os.environ.get("XUEDIAN_TEST_BACKENDS", "sqlite,postgresql").split(",") if b]
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
LEARNER = "aaaa1111-60-69"  # a profile on the phone at point A of B's world (org/world.py)


@pytest.fixture(params=BACKENDS)
def databases(request):
    """Two database URLs (None: SQLite in each instance folder), dropped at the end."""
    if request.param == "sqlite":
        yield [None, None]
        return
    admin = sa.create_engine(PG_BASE)
    schemas = [f"xd_transfer_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    with admin.begin() as conn:
        for schema in schemas:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    yield [f"{PG_BASE}?options=-csearch_path%3D{s}" for s in schemas]
    with admin.begin() as conn:
        for schema in schemas:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _env(folder: Path, port: int, database: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XUEDIAN_")}
    env.update(
        XUEDIAN_INSTANCE_PATH=str(folder),
        XUEDIAN_PUBLIC_URL=f"http://127.0.0.1:{port}",
        XUEDIAN_TIMEZONE="UTC",
    )
    if database:
        env["XUEDIAN_DATABASE_URL"] = database
    return env


def _cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([XUEDIAN, *args], env=env, capture_output=True, text=True)


def _http(opener, method, url, body=None, form=None, headers=None):
    data, sent = None, dict(headers or {})
    if body is not None:
        data, sent["Content-Type"] = json.dumps(body).encode(), "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=data, method=method, headers=sent)  # noqa: S310
    try:
        with opener.open(request, timeout=60) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.read().decode()


def _badge(issuer: str, number: int, hours: float = 4.0) -> dict:
    achievement = badges.achievement(
        achievement_id=f"urn:xuedian:unit:{number}",
        name="地方戏曲入门",
        description="地方戏曲入门",
        criteria="完成全部课程并有学习证据。",
        hours=hours,
    )
    return badges.open_badge(
        issuer=badges.profile(issuer, "甲县学分银行"),
        achievement=achievement,
        name="地方戏曲入门",
        subject_id=f"urn:uuid:{uuid.uuid4()}",
    )


def _issue(base: str, token: str, credential: dict, suite: str = RDFC) -> dict:
    body = {
        "credential": credential,
        "options": {"cryptosuite": suite, "credentialStatus": {"type": "BitstringStatusListEntry"}},
    }
    status, text = _http(
        urllib.request.build_opener(),
        "POST",
        base + "/credentials/issue",
        body=body,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert status == 201, text
    return json.loads(text)["verifiableCredential"]


def _seed_county_b(folder: Path, database: str | None) -> None:
    """B's staff, points and phones (org/world.py), and a definition whose crosswalk
    converts A's unit 1 at half its hours."""
    settings = {"instance_path": str(folder)}
    if database:
        settings["database_url"] = database
    app = create_app(settings)
    build_world(app)
    publish(app, hours=2.0)
    with app.app_context():
        ensure_defaults()
        found = db.session.scalar(select(OutcomeDefinition))
        found.crosswalk = [{"bank": "甲县", "code": "urn:xuedian:unit:1", "ratio": 0.5}]
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _transfers(folder: Path, database: str | None) -> list[tuple]:
    settings = {"instance_path": str(folder), **({"database_url": database} if database else {})}
    app = create_app(settings)
    with app.app_context():
        rows = db.session.execute(
            select(CreditTransfer.county, CreditTransfer.credit_hours, CreditTransfer.credits)
        ).all()
        db.session.remove()
        db.engine.dispose()
    return [tuple(r) for r in rows]


def test_transfer_between_two_county_servers_through_the_trust_list(tmp_path, databases):
    ports = [free_port(), free_port()]
    folders = [tmp_path / "county-a", tmp_path / "county-b"]
    env_a, env_b = (_env(f, p, d) for f, p, d in zip(folders, ports, databases, strict=True))
    for env in (env_a, env_b):
        done = _cli(env, "init")
        assert done.returncode == 0, done.stderr
    token = _cli(env_a, "credentials", "token", "add", "registry").stdout.strip()
    _seed_county_b(folders[1], databases[1])

    # The province: a key, both counties' entries, one signed list; B pins and imports.
    province = _cli(env_b, "credentials", "trust", "keygen", str(tmp_path / "province.pem"))
    province_did = province.stdout.strip()
    for env, name, out in ((env_a, "甲县", "a.json"), (env_b, "乙县", "b.json")):
        done = _cli(
            env, "credentials", "trust", "export", "--name", name, "-o", str(tmp_path / out)
        )
        assert done.returncode == 0, done.stderr
    trust_list = tmp_path / "province.json"
    done = _cli(
        env_b, "credentials", "trust", "build", str(tmp_path / "a.json"), str(tmp_path / "b.json"),
        "--key", str(tmp_path / "province.pem"), "--name", "某省", "-o", str(trust_list),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert _cli(env_b, "credentials", "trust", "pin", province_did).returncode == 0
    done = _cli(env_b, "credentials", "trust", "import", str(trust_list))
    assert done.returncode == 0 and "2 county keys" in done.stdout, done.stderr

    did_a = _cli(env_a, "credentials", "issuer", "show").stdout.splitlines()[0]
    with (
        serving(env_a, "/credentials/issuer", tmp_path / "a.log", 1, ports[0]) as base_a,
        serving(env_b, "/credentials/issuer", tmp_path / "b.log", 1, ports[1]) as base_b,
    ):
        accepted = _issue(base_a, token, _badge(did_a, 1))
        revoked = _issue(base_a, token, _badge(did_a, 2))
        qr_copy = _issue(base_a, token, _badge(did_a, 3), JCS)
        assert _cli(env_a, "credentials", "revoke", revoked["id"]).returncode == 0

        # A volunteer of B signs in; the staff API takes A's credential for a learner.
        staff = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        _s, page = _http(staff, "GET", base_b + "/staff/login")
        form = {"username": username("vol_a"), "password": PASSWORD}
        form["csrf_token"] = TOKEN.search(page).group(1)
        assert _http(staff, "POST", base_b + "/staff/login", form=form)[0] == 200
        _s, page = _http(staff, "GET", base_b + "/staff/credits/transfer")
        csrf = {"X-CSRF-Token": TOKEN.search(page).group(1)}
        api = base_b + "/api/v1/credits/transfers"

        status, text = _http(
            staff, "POST", api, body={"learner": LEARNER, "credential": accepted}, headers=csrf
        )
        assert status == 201, text
        answer = json.loads(text)["transfer"]
        assert answer["county"] == "甲县" and answer["issuer"] == did_a
        assert (answer["creditHours"], answer["credits"], answer["ratio"]) == (4.0, 2.0, 0.5)
        assert answer["status"] == "valid"  # B read A's status list over HTTP

        # The same credential again, then a revoked one: refused.
        body = {"learner": LEARNER, "credential": accepted}
        again = _http(staff, "POST", api, body=body, headers=csrf)
        assert again[0] == 409 and json.loads(again[1])["code"] == "credit-transfer-duplicate"
        status, text = _http(
            staff, "POST", api, body={"learner": LEARNER, "credential": revoked}, headers=csrf
        )
        assert status == 422 and json.loads(text)["code"] == "credential-revoked", text

        # Signed by a key no trust list names: the envelope, and words on the staff page.
        private = Ed25519PrivateKey.generate()
        raw = private.public_key().public_bytes_raw()
        signer = Signer(didkey.method_for(raw), private.sign)
        forged = add_proof(_badge(didkey.did_for(raw), 1), signer, RDFC)
        status, text = _http(
            staff, "POST", api, body={"learner": LEARNER, "credential": forged}, headers=csrf
        )
        envelope = json.loads(text)
        assert status == 422 and envelope["ok"] is False, text
        assert envelope["code"] == "credential-issuer-untrusted"
        form = {"csrf_token": csrf["X-CSRF-Token"], "learner": LEARNER}
        form["credential"] = json.dumps(forged)
        status, page = _http(staff, "POST", base_b + "/staff/credits/transfer", form=form)
        assert status == 422 and "不在本省互认名单上" in page

        # B's public /verify page: A's QR text is genuine, the stranger's is unknown.
        anyone = urllib.request.build_opener()
        cases = ((compact.encode(qr_copy), "genuine"), (json.dumps(forged), "untrusted"))
        for text, verdict in cases:
            status, page = _http(anyone, "POST", base_b + "/verify", form={"credential": text})
            assert status == 200 and f'data-verdict="{verdict}"' in page, page[-2000:]

    assert _transfers(folders[1], databases[1]) == [("甲县", 4.0, 2.0)]
