"""Sessions that end: a copied cookie dies with sign-out, a password change or reset and
deactivation; a session lasts a fixed time from sign-in however busy it is; changing one's
own password asks for the current one."""

from __future__ import annotations

import time

from werkzeug.security import check_password_hash

from xuedian.extensions import db
from xuedian.org import auth
from xuedian.org.models import Staff

from .test_login import TOKEN, _login, _session
from .world import PASSWORD, build_world

COOKIE = "xuedian_session"


def _copy(app, client):
    """Another browser holding a copy of ``client``'s session cookie (a stolen cookie)."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return thief


def _signed_in(client, point_id) -> bool:
    return client.get(f"/staff/points/{point_id}").status_code == 200


def test_sign_out_ends_a_copied_cookie(app, client):
    world = build_world(app)
    assert _login(client, "vol-a").status_code == 302
    thief = _copy(app, client)
    assert _signed_in(thief, world.points["A"])
    client.post("/staff/logout", data={"csrf_token": _session(client)["csrf"]})
    assert not _signed_in(thief, world.points["A"])
    assert not _signed_in(client, world.points["A"])


def test_password_reset_and_deactivation_end_copied_cookies(app, client):
    world = build_world(app)
    assert _login(client, "vol-a").status_code == 302
    thief = _copy(app, client)
    admin = app.test_client()
    assert _login(admin, "admin-c1").status_code == 302
    csrf = _session(admin)["csrf"]
    answer = admin.post(
        f"/staff/people/{world.staff['vol_a']}/password",
        data={"csrf_token": csrf, "password": "a-brand-new-password"},
    )
    assert answer.status_code == 303
    assert not _signed_in(thief, world.points["A"])
    assert not _signed_in(client, world.points["A"])
    # Signed in again with the new password; deactivation ends that session for good.
    assert _login(client, "vol-a", "a-brand-new-password").status_code == 302
    thief = _copy(app, client)
    url = f"/staff/people/{world.staff['vol_a']}/active"
    assert admin.post(url, data={"csrf_token": csrf, "active": "0"}).status_code == 303
    assert admin.post(url, data={"csrf_token": csrf, "active": "1"}).status_code == 303
    assert not _signed_in(thief, world.points["A"])


def test_session_has_a_fixed_lifetime_from_sign_in(app, client, monkeypatch):
    world = build_world(app)
    assert _login(client, "vol-a").status_code == 302
    max_age = app.config["XUEDIAN"].session_max_age
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"]
    assert getattr(lifetime, "total_seconds", lambda: lifetime)() == max_age
    start = time.time()
    # Busy all along: a request every hour does not extend the session.
    for hours in range(0, max_age // 3600):
        monkeypatch.setattr(auth, "_clock", lambda h=hours: start + h * 3600)
        assert _signed_in(client, world.points["A"]), hours
    monkeypatch.setattr(auth, "_clock", lambda: start + max_age + 1)
    answer = client.get(f"/staff/points/{world.points['A']}")
    assert answer.status_code == 302 and answer.location.startswith("/staff/login")


def test_cookie_is_not_extended_on_every_request(app, client):
    world = build_world(app)
    assert _login(client, "vol-a").status_code == 302
    page = client.get(f"/staff/points/{world.points['A']}")
    assert page.status_code == 200 and "Set-Cookie" not in page.headers


def test_own_password_needs_the_current_one_and_ends_other_sessions(app, client):
    world = build_world(app)
    assert _login(client, "vol-a").status_code == 302
    elsewhere = app.test_client()
    assert _login(elsewhere, "vol-a").status_code == 302
    form = client.get("/staff/password")
    assert form.status_code == 200 and 'name="current"' in form.text
    token = TOKEN.search(form.text).group(1)
    new = "my-own-new-password"
    wrong = client.post(
        "/staff/password", data={"csrf_token": token, "current": "guess-guess!", "password": new}
    )
    assert wrong.status_code == 400 and "当前密码不对" in wrong.text
    too_long = client.post(
        "/staff/password", data={"csrf_token": token, "current": PASSWORD, "password": "y" * 300}
    )
    assert too_long.status_code == 400
    with app.app_context():
        assert check_password_hash(
            db.session.get(Staff, world.staff["vol_a"]).password_hash, PASSWORD
        )
    done = client.post(
        "/staff/password", data={"csrf_token": token, "current": PASSWORD, "password": new}
    )
    assert done.status_code == 303 and "done=password" in done.location
    assert _signed_in(client, world.points["A"])  # this session goes on
    assert not _signed_in(elsewhere, world.points["A"])  # every other one ended
    with app.app_context():
        assert check_password_hash(db.session.get(Staff, world.staff["vol_a"]).password_hash, new)


def test_own_password_page_cannot_be_used_to_guess(app, client):
    """Wrong current passwords count like failed sign-ins: a borrowed session soon waits."""
    world = build_world(app)
    assert _login(client, "vol-a").status_code == 302
    token = _session(client)["csrf"]
    guess = {"csrf_token": token, "password": "whatever-new-one"}
    for n in range(5):
        answer = client.post("/staff/password", data={**guess, "current": f"guess-{n}-wrong"})
        assert answer.status_code == 400
    blocked = client.post("/staff/password", data={**guess, "current": PASSWORD})
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    with app.app_context():
        stored = db.session.get(Staff, world.staff["vol_a"]).password_hash
        assert check_password_hash(stored, PASSWORD)
