"""Staff sign-in: sessions, CSRF, the login rate limit, session fixation, safe ``next``,
cookie flags, the language switch and deactivated accounts."""

from __future__ import annotations

import dataclasses
import io
import logging
import re

import pytest

from xuedian import create_app
from xuedian.extensions import db
from xuedian.org import auth as auth_module
from xuedian.org.models import Staff
from xuedian.org.service import set_active

from .world import PASSWORD, build_world, sign_in

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _form_token(client, path="/staff/login") -> str:
    page = client.get(path)
    assert page.status_code == 200
    return TOKEN.search(page.text).group(1)


def _login(client, username, password=PASSWORD, next_=None, token=None):
    data = {"username": username, "password": password, "csrf_token": token or _form_token(client)}
    if next_ is not None:
        data["next"] = next_
    return client.post("/staff/login", data=data)


def _session(client) -> dict:
    with client.session_transaction() as session:
        return dict(session)


def test_login_and_logout(app, client):
    world = build_world(app)
    response = _login(client, "vol-a")
    assert response.status_code == 302 and response.location == "/staff/point"
    assert _session(client)["staff_id"] == world.staff["vol_a"]
    page = client.get(f"/staff/points/{world.points['A']}")
    assert page.status_code == 200 and "vol-a" in page.text
    with app.app_context():
        assert db.session.get(Staff, world.staff["vol_a"]).last_login_at is not None
    token = TOKEN.search(page.text).group(1)
    out = client.post("/staff/logout", data={"csrf_token": token})
    assert out.status_code == 302 and out.location.startswith("/staff/login")
    assert "staff_id" not in _session(client)
    assert client.get(f"/staff/points/{world.points['A']}").status_code == 302


def test_admin_lands_on_the_dashboard(app, client):
    build_world(app)
    response = _login(client, "ADMIN-C1")  # names are case-insensitive
    assert response.status_code == 302 and response.location == "/staff/reports/"


def test_wrong_password_and_unknown_account(app, client):
    build_world(app)
    for username, password in (("vol-a", "wrong password!"), ("nobody", PASSWORD)):
        response = _login(client, username, password)
        assert response.status_code == 401
        assert "用户名或密码不对" in response.text
        assert "staff_id" not in _session(client)


def test_deactivated_account_cannot_sign_in_and_is_signed_out(app, client):
    world = build_world(app)
    assert _login(client, "vol-a").status_code == 302
    with app.app_context():
        set_active("vol-a", False)
        db.session.commit()
    assert client.get(f"/staff/points/{world.points['A']}").status_code == 302
    assert _login(client, "vol-a").status_code == 401


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_csrf_missing_or_wrong_is_refused_and_changes_nothing(app, client, token):
    world = build_world(app)
    _form_token(client)
    data = {"username": "vol-a", "password": PASSWORD}
    if token:
        data["csrf_token"] = token
    response = client.post("/staff/login", data=data)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "表单已过期" in response.text
    assert "staff_id" not in _session(client)
    # Signed in, a forged logout and a forged upload change nothing either.
    assert _login(client, "vol-a").status_code == 302
    for path in ("/staff/logout", f"/staff/points/{world.points['A']}/bundles"):
        response = client.post(path, data={"csrf_token": token} if token else {})
        assert response.status_code == 400
    assert _session(client)["staff_id"] == world.staff["vol_a"]
    # English when the reader chose English.
    client.get("/staff/login?lang=en")
    response = client.post("/staff/logout", data={})
    assert response.status_code == 400 and "This form has expired" in response.text


def test_csrf_on_api_paths_is_untouched(app, client):
    """Error pages are HTML only under /staff; the API keeps its JSON envelope."""
    response = client.post("/api/v1/sync/batches", data=b"x")
    assert response.mimetype == "application/json"


def test_failures_slow_that_address_for_that_account_only(app, client):
    """Five wrong passwords from one address make that address wait for that account; the
    right password from another address still works (no lock-out for everyone)."""
    build_world(app)
    limit = 5  # XUEDIAN_RATE_LIMIT_LOGIN's default "5/minute; 20/hour"
    for _ in range(limit):
        assert _login(client, "vol-a", "wrong password!").status_code == 401
    locked = _login(client, "vol-a")  # even the right password now waits, from here
    assert locked.status_code == 429
    assert "分钟后再试" in locked.text
    assert int(locked.headers["Retry-After"]) > 0
    assert "staff_id" not in _session(client)
    # The same address may still sign in to another account...
    assert _login(client, "vol-b").status_code == 302
    # ...and the account's owner, elsewhere, is not locked out.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    assert _login(other, "vol-a").status_code == 302


def test_ceilings_per_account_and_per_address(app):
    """Guessing one account from many addresses, or many accounts from one address, meets
    a ceiling far above the per-pair limit."""
    app.config["XUEDIAN"] = dataclasses.replace(
        app.config["XUEDIAN"],
        rate_limit_login_account="8/hour",
        rate_limit_login_address="6/hour",
    )
    build_world(app)
    for n in range(8):
        spread = app.test_client()
        spread.environ_base["REMOTE_ADDR"] = f"10.1.0.{n}"
        assert _login(spread, "vol-a", "wrong password!").status_code == 401
    fresh = app.test_client()
    fresh.environ_base["REMOTE_ADDR"] = "10.2.0.1"
    assert _login(fresh, "vol-a").status_code == 429
    assert _login(fresh, "vol-b").status_code == 302
    one = app.test_client()
    one.environ_base["REMOTE_ADDR"] = "10.3.0.1"
    for n in range(6):
        assert _login(one, f"nobody-{n}", "wrong password!").status_code == 401
    assert _login(one, "admin-c2").status_code == 429


def test_a_name_with_a_nul_is_a_failed_sign_in_on_both_databases(app, client):
    build_world(app)
    for name in ("vol\x00-a", "\x00", "vol-a\x00"):
        assert _login(client, name).status_code == 401


def test_failed_sign_in_is_a_warning_with_the_address(app, client, caplog):
    build_world(app)
    client.environ_base["REMOTE_ADDR"] = "10.9.8.7"
    with caplog.at_level(logging.INFO):
        assert _login(client, "vol-a", "wrong password!").status_code == 401
    [failed] = [r for r in caplog.records if "failed staff sign-in" in r.getMessage()]
    assert failed.levelno == logging.WARNING
    assert "10.9.8.7" in failed.getMessage() and "vol-a" in failed.getMessage()


def test_long_passwords_and_big_bodies_cost_no_hashing(app, client, monkeypatch):
    """A password over 256 characters is refused unhashed; a form body over the staff cap is
    refused (413) before it is read; a refused (429) attempt hashes nothing either."""
    build_world(app)
    token = _form_token(client)
    hashed = []
    real = auth_module.check_password_hash
    monkeypatch.setattr(
        auth_module, "check_password_hash", lambda h, p: hashed.append(len(p)) or real(h, p)
    )
    assert _login(client, "vol-a", "x" * 257, token=token).status_code == 401
    assert hashed == []
    big = client.post(
        "/staff/login",
        data={"username": "vol-a", "password": "x" * 200_000, "csrf_token": token},
    )
    assert big.status_code == 413 and big.mimetype == "text/html"
    assert hashed == []
    for _ in range(5):
        _login(client, "vol-a", "wrong password!", token=token)
    hashed.clear()
    assert _login(client, "vol-a", token=token).status_code == 429
    assert hashed == []


def test_every_staff_page_caps_its_body_but_the_bundle_upload(app, client):
    world = build_world(app)
    sign_in(client, world.staff["admin_c1"])
    padding = "x" * (app.config["XUEDIAN"].staff_form_bytes + 1)
    for path in (
        "/staff/people",
        "/staff/instructions",
        f"/staff/people/{world.staff['vol_a']}/password",
        "/staff/password",
    ):
        answer = client.post(path, data={"csrf_token": "test-csrf", "pad": padding})
        assert answer.status_code == 413, path
    upload = client.post(
        f"/staff/points/{world.points['A']}/bundles",
        data={"csrf_token": "test-csrf", "bundles": (io.BytesIO(padding.encode()), "a.xdsync")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 200


def test_success_does_not_reset_the_count_for_others(app, client):
    build_world(app)
    for _ in range(4):
        assert _login(client, "vol-a", "wrong password!").status_code == 401
    # A successful sign-in of another account from the same address...
    assert _login(client, "vol-b").status_code == 302
    client.post("/staff/logout", data={"csrf_token": _session(client)["csrf"]})
    # ...does not forgive vol-a's failures: one more failure and the account is locked.
    assert _login(client, "vol-a", "wrong password!").status_code == 401
    assert _login(client, "vol-a").status_code == 429


def test_successful_logins_do_not_count(app, client):
    build_world(app)
    for _ in range(8):
        assert _login(client, "vol-a").status_code == 302
        client.post("/staff/logout", data={"csrf_token": _session(client)["csrf"]})


def test_session_fixation(app, client):
    build_world(app)
    token = _form_token(client)
    with client.session_transaction() as session:
        session["planted"] = "attacker"
    before = _session(client)
    assert _login(client, "vol-a", token=token).status_code == 302
    after = _session(client)
    assert "planted" not in after
    assert after["csrf"] != before["csrf"]
    # The old token no longer works after sign-in.
    assert client.post("/staff/logout", data={"csrf_token": token}).status_code == 400


@pytest.mark.parametrize(
    "target,expected",
    [
        ("/staff/points", "/staff/points"),
        ("https://evil.example/", "/staff/point"),
        ("//evil.example/x", "/staff/point"),
        ("javascript:alert(1)", "/staff/point"),
        ("", "/staff/point"),
    ],
)
def test_next_is_same_site_only(app, client, target, expected):
    build_world(app)
    response = _login(client, "vol-a", next_=target)
    assert response.location == expected


def test_redirect_to_login_keeps_next(app, client):
    world = build_world(app)
    path = f"/staff/points/{world.points['A']}/poster"
    response = client.get(path)
    assert response.status_code == 302
    page = client.get(response.location)
    assert f'name="next" value="{path}"' in page.text
    assert _login(client, "vol-a", next_=path).location == path


def test_session_cookie_flags(app, client, tmp_path):
    build_world(app)
    response = _login(client, "vol-a")
    cookie = response.headers["Set-Cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    secure = create_app(
        {"instance_path": str(tmp_path / "s"), "public_url": "https://county.example"}
    )
    assert secure.config["SESSION_COOKIE_SECURE"] is True


def test_language_switch_is_remembered(app, client):
    build_world(app)
    assert "工作人员登录" in client.get("/staff/login").text
    assert "Staff sign-in" in client.get("/staff/login?lang=en").text
    assert "Staff sign-in" in client.get("/staff/login").text
    assert _login(client, "vol-a").status_code == 302
    assert "Sign out" in client.get("/staff/points").text  # kept across sign-in
    assert "退出登录" in client.get("/staff/points?lang=zh-CN").text


def test_pages_send_a_strict_csp(app, client):
    response = client.get("/staff/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["Cache-Control"] == "no-store"


def test_errors_under_staff_are_pages_in_the_readers_language(app, client):
    missing = client.get("/staff/no-such-page?lang=en")
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    assert "This page does not exist" in missing.text
    wrong_method = client.get("/staff/logout")
    assert wrong_method.status_code == 405 and wrong_method.mimetype == "text/html"
    # After a refused POST the language link goes to a page that answers GET.
    refused = client.post("/staff/login", data={})
    assert 'href="/staff/login?lang=en"' in refused.text
