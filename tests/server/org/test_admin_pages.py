"""The administrators' pages: the area tree and the forms that add areas and learning
points (/staff/org), and staff accounts (/staff/people): adding volunteers and
administrators, deactivating, activating, resetting passwords, all within scope."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from xuedian.extensions import db
from xuedian.org.models import Area, LearningPoint, Staff

from .world import PASSWORD, build_world, sign_in

CSRF = {"csrf_token": "test-csrf"}


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _staff(app, username: str) -> Staff | None:
    with app.app_context():
        found = db.session.scalar(select(Staff).where(Staff.username == username))
        if found is not None:
            db.session.expunge(found)
        return found


def _admin(app, key: str = "admin_c1"):
    world = build_world(app)
    client = app.test_client()
    sign_in(client, world.staff[key])
    return world, client


def test_tree_shows_only_the_scope_in_both_languages(app):
    world, client = _admin(app, "admin_t1a")
    page = client.get("/staff/org")
    assert page.status_code == 200
    assert "区域和学习点" in page.text and "乡镇" in page.text
    assert 'data-area="area-t1a"' in page.text and 'data-area="area-v1a"' in page.text
    assert 'data-point="pt-alpha"' in page.text
    for other in ("area-c1", "area-t1b", "area-v1b", "area-c2", "pt-bravo", "pt-charlie"):
        assert other not in page.text
    # The forms offer only areas in scope: the township as a parent, its village for points.
    assert f'value="{world.areas["t1a"]}"' in page.text
    english = client.get("/staff/org?lang=en")
    assert "Areas and learning points" in english.text and "Township" in english.text
    assert "Add a learning point" in english.text
    people = client.get("/staff/people?lang=zh-CN")
    assert "工作人员账号" in people.text and "添加志愿者" in people.text
    assert "Staff accounts" in client.get("/staff/people?lang=en").text


def test_nav_has_the_admin_pages_for_admins_only(app):
    world, client = _admin(app)
    home = client.get("/staff/points").text
    assert 'href="/staff/org"' in home and 'href="/staff/people"' in home
    sign_in(client, world.staff["vol_a"])
    page = client.get("/staff/points").text
    assert "/staff/org" not in page and "/staff/people" not in page
    assert client.get("/staff/org").status_code == 403
    assert client.get("/staff/people").status_code == 403


def test_add_township_village_and_point_through_the_pages(app):
    world, client = _admin(app)
    answer = client.post(
        "/staff/org/areas",
        data={**CSRF, "parent_id": world.areas["c1"], "code": "dongzhen", "name": "东镇"},
    )
    assert answer.status_code == 303 and "done=area" in answer.location
    with app.app_context():
        township = db.session.scalar(select(Area).where(Area.code == "dongzhen"))
        assert township.level == "township" and township.parent_id == world.areas["c1"]
        township_id = township.id
    answer = client.post(
        "/staff/org/areas",
        data={**CSRF, "parent_id": township_id, "code": "xicun", "name": "西村", "name_en": "Xi"},
    )
    assert answer.status_code == 303
    with app.app_context():
        village = db.session.scalar(select(Area).where(Area.code == "xicun"))
        assert village.level == "village" and village.path.startswith(township.path)
        village_id = village.id
    answer = client.post(
        "/staff/org/points",
        data={**CSRF, "village_id": village_id, "code": "pt-xi", "name": "西村学习点"},
    )
    assert answer.status_code == 303 and "done=point" in answer.location
    with app.app_context():
        point = db.session.scalar(select(LearningPoint).where(LearningPoint.code == "pt-xi"))
        assert point.area_id == village_id
    page = client.get(answer.location)
    assert "学习点已添加" in page.text and 'data-point="pt-xi"' in page.text
    assert 'data-area="xicun"' in page.text


def test_validation_errors_are_shown_in_the_page_language_and_nothing_is_stored(app):
    world, client = _admin(app)
    areas, points = _count(app, Area), _count(app, LearningPoint)
    bad = {**CSRF, "parent_id": world.areas["c1"], "code": "bad code!", "name": "坏"}
    answer = client.post("/staff/org/areas", data=bad)
    assert answer.status_code == 400
    assert "代码“bad code!”不行" in answer.text and 'data-testid="area-error"' in answer.text
    assert 'value="bad code!"' in answer.text  # the form keeps what was typed
    client.get("/staff/org?lang=en")  # remembered in the session
    answer = client.post("/staff/org/areas", data=bad)
    assert answer.status_code == 400 and "The code “bad code!” will not do" in answer.text
    taken = {**CSRF, "parent_id": world.areas["c1"], "code": "area-t1a", "name": "重"}
    answer = client.post("/staff/org/areas", data=taken)
    assert answer.status_code == 400 and "already has the code “area-t1a”" in answer.text
    under_village = {**CSRF, "parent_id": world.areas["v1a"], "code": "x1", "name": "x"}
    answer = client.post("/staff/org/areas", data=under_village)
    assert answer.status_code == 400 and "villages under a township" in answer.text
    in_township = {**CSRF, "village_id": world.areas["t1a"], "code": "pt-x", "name": "x"}
    answer = client.post("/staff/org/points", data=in_township)
    assert answer.status_code == 400 and "Learning points sit in villages" in answer.text
    no_name = {**CSRF, "village_id": world.areas["v1a"], "code": "pt-x", "name": " "}
    answer = client.post("/staff/org/points", data=no_name)
    assert answer.status_code == 400 and 'data-testid="point-error"' in answer.text
    answer = client.post("/staff/org/points", data={**CSRF, "code": "pt-x", "name": "x"})
    assert answer.status_code == 400 and "Choose an entry" in answer.text
    assert (_count(app, Area), _count(app, LearningPoint)) == (areas, points)


def test_forms_without_csrf_store_nothing(app):
    world, client = _admin(app)
    counts = (_count(app, Area), _count(app, LearningPoint), _count(app, Staff))
    for url, data in (
        ("/staff/org/areas", {"parent_id": world.areas["c1"], "code": "nz", "name": "n"}),
        ("/staff/org/points", {"village_id": world.areas["v1a"], "code": "pz", "name": "p"}),
        ("/staff/people", {"role": "volunteer", "point_id": world.points["A"], "username": "x1"}),
        (f"/staff/people/{world.staff['vol_a']}/active", {"active": "0"}),
        (f"/staff/people/{world.staff['vol_a']}/password", {"password": "another-long-one"}),
    ):
        for token in (None, "wrong"):
            sent = dict(data, csrf_token=token) if token else data
            answer = client.post(url, data=sent)
            assert answer.status_code == 400, url
            assert "表单已过期" in answer.text
    assert (_count(app, Area), _count(app, LearningPoint), _count(app, Staff)) == counts
    vol_a = _staff(app, "vol-a")
    assert vol_a.active and check_password_hash(vol_a.password_hash, PASSWORD)


def test_targets_outside_scope_are_refused_and_nothing_is_stored(app):
    world, client = _admin(app, "admin_t1a")
    counts = (_count(app, Area), _count(app, LearningPoint), _count(app, Staff))
    refused = (
        ("/staff/org/areas", {"parent_id": world.areas["c1"], "code": "n1", "name": "n"}),
        ("/staff/org/areas", {"parent_id": world.areas["t2"], "code": "n2", "name": "n"}),
        ("/staff/org/points", {"village_id": world.areas["v1b"], "code": "p1", "name": "p"}),
        ("/staff/org/points", {"village_id": 999999, "code": "p2", "name": "p"}),
        ("/staff/people", {"role": "volunteer", "point_id": world.points["B"], "username": "u1"}),
        ("/staff/people", {"role": "admin", "area_id": world.areas["c1"], "username": "u2"}),
        ("/staff/people", {"role": "admin", "area_id": world.areas["c2"], "username": "u3"}),
        (f"/staff/people/{world.staff['vol_b']}/active", {"active": "0"}),
        (f"/staff/people/{world.staff['admin_c1']}/active", {"active": "0"}),
        (f"/staff/people/{world.staff['admin_c1']}/password", {"generate": "1"}),
        (f"/staff/people/{world.staff['vol_b']}/password", {"password": "another-long-one"}),
        # Rank: not one's own account, not a fellow administrator of one's own area.
        ("/staff/people", {"role": "admin", "area_id": world.areas["t1a"], "username": "u4"}),
        (f"/staff/people/{world.staff['admin_t1a']}/active", {"active": "0"}),
        (f"/staff/people/{world.staff['admin_t1a']}/password", {"generate": "1"}),
    )
    for url, data in refused:
        answer = client.post(url, data={**CSRF, **data})
        assert answer.status_code == 404, (url, data)
        assert "pt-bravo" not in answer.text and "area-c2" not in answer.text
    assert (_count(app, Area), _count(app, LearningPoint), _count(app, Staff)) == counts
    for name in ("vol-b", "admin-c1"):
        account = _staff(app, name)
        assert account.active and check_password_hash(account.password_hash, PASSWORD)
    listing = client.get("/staff/people").text
    assert 'data-account="vol-a"' in listing
    for other in ("vol-b", "admin-c1", "admin-c2", "admin-t1a"):
        assert f'data-account="{other}"' not in listing


def test_add_volunteer_with_a_password_shown_once(app):
    world, client = _admin(app)
    answer = client.post(
        "/staff/people",
        data={**CSRF, "role": "volunteer", "point_id": world.points["B"], "username": "Li.Na"},
    )
    assert answer.status_code == 200
    password = re.search(r'data-testid="new-password">([^<]+)<', answer.text).group(1)
    assert len(password) >= 10
    account = _staff(app, "li.na")
    assert account.role == "volunteer" and account.point_id == world.points["B"]
    assert check_password_hash(account.password_hash, password)
    assert password not in client.get("/staff/people").text
    # The new volunteer signs in with it and lands on their point.
    fresh = app.test_client()
    fresh.get("/staff/login")  # renders the form, which puts a CSRF token in the session
    with fresh.session_transaction() as session:
        token = session["csrf"]
    login = fresh.post(
        "/staff/login", data={"username": "li.na", "password": password, "csrf_token": token}
    )
    assert login.status_code == 302 and login.location.endswith("/staff/point")


def test_add_admin_with_a_set_password_and_its_errors(app):
    world, client = _admin(app)
    staff_count = _count(app, Staff)
    short = {**CSRF, "role": "admin", "area_id": world.areas["t1b"], "username": "wang"}
    answer = client.post("/staff/people", data={**short, "password": "short"})
    assert answer.status_code == 400 and "密码至少要 10 个字符" in answer.text
    answer = client.post("/staff/people", data={**short, "username": "vol-a", "password": "x" * 12})
    assert answer.status_code == 400 and "用户名“vol-a”已经有人用了" in answer.text
    answer = client.post("/staff/people", data={**short, "username": "A B", "password": "x" * 12})
    assert answer.status_code == 400 and 'data-testid="admin-error"' in answer.text
    answer = client.post("/staff/people", data={**CSRF, "role": "boss", "username": "z"})
    assert answer.status_code == 400
    assert _count(app, Staff) == staff_count
    answer = client.post("/staff/people", data={**short, "password": "township-officer-1"})
    assert answer.status_code == 303 and "done=added" in answer.location
    account = _staff(app, "wang")
    assert account.role == "admin" and account.area_id == world.areas["t1b"]
    assert check_password_hash(account.password_hash, "township-officer-1")
    assert "账号已添加" in client.get(answer.location).text


def test_deactivate_activate_and_never_oneself(app):
    world, client = _admin(app)
    url = f"/staff/people/{world.staff['vol_a']}/active"
    answer = client.post(url, data={**CSRF, "active": "0"})
    assert answer.status_code == 303
    assert not _staff(app, "vol-a").active
    volunteer = app.test_client()
    sign_in(volunteer, world.staff["vol_a"])
    assert volunteer.get("/staff/point").location.startswith("/staff/login")
    assert 'data-account="vol-a" data-active="0"' in client.get("/staff/people").text
    assert client.post(url, data={**CSRF, "active": "1"}).status_code == 303
    assert _staff(app, "vol-a").active
    # Reactivated, the account signs in again; the session from before stays ended.
    assert volunteer.get("/staff/point").location.startswith("/staff/login")
    own = f"/staff/people/{world.staff['admin_c1']}/active"
    answer = client.post(own, data={**CSRF, "active": "0"})
    assert answer.status_code == 404  # one's own account is not of lower rank
    assert _staff(app, "admin-c1").active
    # A township administrator below may be deactivated by the county's.
    assert (
        client.post(
            f"/staff/people/{world.staff['admin_t1a']}/active", data={**CSRF, "active": "0"}
        ).status_code
        == 303
    )
    assert not _staff(app, "admin-t1a").active


def test_reset_password_generated_or_typed(app):
    world, client = _admin(app)
    url = f"/staff/people/{world.staff['vol_b']}/password"
    answer = client.post(url, data={**CSRF, "password": "too-short"})
    assert answer.status_code == 400 and 'data-testid="account-error"' in answer.text
    assert check_password_hash(_staff(app, "vol-b").password_hash, PASSWORD)
    answer = client.post(url, data={**CSRF, "generate": "1"})
    assert answer.status_code == 200
    password = re.search(r'data-testid="new-password">([^<]+)<', answer.text).group(1)
    assert check_password_hash(_staff(app, "vol-b").password_hash, password)
    answer = client.post(url, data={**CSRF, "password": "a-new-typed-password"})
    assert answer.status_code == 303 and "done=password" in answer.location
    assert check_password_hash(_staff(app, "vol-b").password_hash, "a-new-typed-password")
