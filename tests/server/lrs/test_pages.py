"""The LRS page (/staff/lrs): a county administrator adds a client and sees its secret
once, the client signs in with it, revoking it ends its access; the third-party activity
table counts what clients posted; bad names get a localized message and change nothing;
other staff are refused."""

from __future__ import annotations

import base64
import re

from sqlalchemy import func, select

from xuedian.audit.models import AuditEvent
from xuedian.extensions import db
from xuedian.lrs.models import LrsClient

from ..org.world import build_world, sign_in
from .helpers import VERSION, make_statement

CSRF = "test-csrf"


def _basic(key: str, secret: str) -> dict:
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {**VERSION, "Authorization": "Basic " + token}


def _shown(html: str, testid: str) -> str:
    return re.search(rf'data-testid="{testid}">([^<]+)<', html).group(1)


def _clients(app) -> list[tuple[str, bool]]:
    with app.app_context():
        rows = db.session.scalars(select(LrsClient).order_by(LrsClient.name))
        return [(row.name, row.revoked_at is not None) for row in rows]


def test_an_administrator_adds_a_client_that_signs_in_and_revokes_it(app, client):
    world = build_world(app)
    sign_in(client, world.staff["admin_c1"], CSRF)
    empty = client.get("/staff/lrs")
    assert empty.status_code == 200 and 'data-testid="lrs-no-clients"' in empty.text
    assert "http://localhost/xapi/" in empty.text

    made = client.post("/staff/lrs/clients", data={"csrf_token": CSRF, "name": " 清水慕课 "})
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    key, secret = _shown(made.text, "lrs-key"), _shown(made.text, "lrs-secret")
    assert re.fullmatch(r"[0-9a-f]{64}", secret)
    assert _clients(app) == [("清水慕课", False)]
    # The secret is shown on that answer only: the list never holds it.
    listed = client.get("/staff/lrs").text
    assert key in listed and secret not in listed and 'data-client="清水慕课"' in listed

    lrs = app.test_client()
    posted = lrs.post("/xapi/statements", json=make_statement(), headers=_basic(key, secret))
    assert posted.status_code == 200, posted.text
    activity = client.get("/staff/lrs").text
    assert 'data-testid="lrs-activity"' in activity
    assert "http://adlnet.gov/expapi/verbs/experienced" in activity

    with app.app_context():
        ident = db.session.scalar(select(LrsClient.id).where(LrsClient.name == "清水慕课"))
    revoked = client.post(f"/staff/lrs/clients/{ident}/revoke", data={"csrf_token": CSRF})
    assert revoked.status_code == 303 and revoked.location.endswith("/staff/lrs?done=revoked")
    assert _clients(app) == [("清水慕课", True)]
    assert lrs.get("/xapi/statements", headers=_basic(key, secret)).status_code == 401
    page = client.get("/staff/lrs?done=revoked").text
    assert 'data-testid="done"' in page and 'data-revoked="1"' in page
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["lrs-client-add", "lrs-client-revoke"]


def test_a_bad_or_taken_name_is_refused_in_the_page_language_and_changes_nothing(app, client):
    world = build_world(app)
    sign_in(client, world.staff["admin_c1"], CSRF)
    assert (
        client.post("/staff/lrs/clients", data={"csrf_token": CSRF, "name": "a"}).status_code == 200
    )
    for name, lang, words in (
        ("", "zh-CN", "请填写名称"),
        ("x" * 81, "en", "at most 80 characters"),
        ("bad\x00name", "en", "without control characters"),
        ("a", "zh-CN", "已经有同名的接入账号"),
        ("a", "en", "A client of that name exists already"),
    ):
        form = {"csrf_token": CSRF, "name": name}
        refused = client.post(f"/staff/lrs/clients?lang={lang}", data=form)
        assert refused.status_code == 400, name
        assert words in refused.text and 'data-testid="lrs-secret"' not in refused.text
    assert _clients(app) == [("a", False)]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 1


def test_only_the_county_administrators_reach_the_page(app, client):
    world = build_world(app)
    for who, status in (("admin_t1a", 403), ("vol_a", 403), ("admin_c1", 200)):
        sign_in(client, world.staff[who], CSRF)
        assert client.get("/staff/lrs").status_code == status, who
        made = client.post("/staff/lrs/clients", data={"csrf_token": CSRF, "name": who})
        assert made.status_code == status, who
    assert _clients(app) == [("admin_c1", False)]
    sign_in(client, world.staff["admin_c1"], CSRF)
    assert (
        client.post("/staff/lrs/clients/999/revoke", data={"csrf_token": CSRF}).status_code == 404
    )
    # Without the session's CSRF token nothing is made.
    assert client.post("/staff/lrs/clients", data={"name": "forged"}).status_code == 400
    sign_in(client, None)
    assert client.get("/staff/lrs").status_code == 302
    assert _clients(app) == [("admin_c1", False)]
