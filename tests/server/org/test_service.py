"""The organisation service: the area tree, learning points, staff accounts, clear errors."""

from __future__ import annotations

import pytest

from xuedian.extensions import db
from xuedian.org import service
from xuedian.org.auth import verify_password
from xuedian.org.models import Area, LearningPoint, Staff
from xuedian.org.scope import areas_in_scope, points_in_scope


def _tree():
    county = service.create_area("county", "qs", "清水县", "Qingshui")
    town = service.create_area("township", "qs-dz", "东镇", parent_code="qs")
    village = service.create_area("village", "qs-dz-lc", "柳村", parent_code="qs-dz")
    return county, town, village


def test_paths_follow_the_tree(app):
    with app.app_context():
        county, town, village = _tree()
        db.session.commit()
        assert county.path == f"/{county.id}/"
        assert town.path == f"/{county.id}/{town.id}/"
        assert village.path == f"/{county.id}/{town.id}/{village.id}/"
        assert village.parent_id == town.id
        assert [a.code for a in service.list_areas()] == ["qs", "qs-dz", "qs-dz-lc"]


@pytest.mark.parametrize(
    "args,words",
    [
        (("town", "x", "X"), "Level must be"),
        (("county", "bad code!", "X"), "letters, digits or hyphens"),
        (("county", "x", ""), "name must be"),
        (("county", "x", "X", "", "qs"), "no parent"),
        (("township", "x", "X"), "needs --parent"),
        (("village", "x", "X", "", "qs"), "parent must be a township"),
        (("township", "x", "X", "", "nowhere"), "No area with code"),
        (("county", "qs", "again"), "already exists"),
    ],
)
def test_area_errors_say_what_to_fix(app, args, words):
    with app.app_context():
        _tree()
        before = db.session.query(Area).count()
        with pytest.raises(service.OrgError, match=words):
            service.create_area(*args)
        assert db.session.query(Area).count() == before


def test_points_sit_in_villages(app):
    with app.app_context():
        _tree()
        point = service.create_point("lc-1", "柳村学习点", "qs-dz-lc")
        assert point.area_id == db.session.scalar(db.select(Area.id).where(Area.code == "qs-dz-lc"))
        with pytest.raises(service.OrgError, match="sit in villages"):
            service.create_point("lc-2", "X", "qs-dz")
        with pytest.raises(service.OrgError, match="already exists"):
            service.create_point("lc-1", "X", "qs-dz-lc")
        with pytest.raises(service.OrgError, match="letters, digits or hyphens"):
            service.create_point("lc 3", "X", "qs-dz-lc")
        assert db.session.query(LearningPoint).count() == 1


def test_staff_are_scoped_and_hashed(app):
    with app.app_context():
        _tree()
        service.create_point("lc-1", "柳村学习点", "qs-dz-lc")
        admin = service.create_staff("Officer", "a-long-password", "admin", area_code="qs-dz")
        volunteer = service.create_staff("vol", "b-long-password", "volunteer", point_code="lc-1")
        db.session.commit()
        assert admin.username == "officer"
        assert admin.password_hash != "a-long-password" and admin.password_hash.startswith("scrypt")
        assert verify_password(admin, "a-long-password")
        assert not verify_password(admin, "b-long-password")
        assert volunteer.point_id is not None and volunteer.area_id is None
        town_areas = set(db.session.scalars(areas_in_scope(admin)))
        assert len(town_areas) == 2  # the township and its village
        assert list(db.session.scalars(points_in_scope(volunteer))) == [volunteer.point_id]
        assert service.scope_label(admin) == "area:qs-dz"
        assert service.scope_label(volunteer) == "point:lc-1"


@pytest.mark.parametrize(
    "kwargs,words",
    [
        (
            {"username": "x y", "password": "long-enough-1", "role": "admin", "area_code": "qs"},
            "username",
        ),
        (
            {"username": "ok", "password": "short", "role": "admin", "area_code": "qs"},
            "at least 10",
        ),
        ({"username": "ok", "password": "long-enough-1", "role": "admin"}, "scoped to an area"),
        (
            {"username": "ok", "password": "long-enough-1", "role": "volunteer", "area_code": "qs"},
            "scoped to a learning point",
        ),
        (
            {"username": "ok", "password": "long-enough-1", "role": "root", "area_code": "qs"},
            "Role must be",
        ),
        (
            {
                "username": "ok",
                "password": "long-enough-1",
                "role": "volunteer",
                "point_code": "nope",
            },
            "No learning point",
        ),
        (
            {"username": "taken", "password": "long-enough-1", "role": "admin", "area_code": "qs"},
            "is taken",
        ),
    ],
)
def test_staff_errors(app, kwargs, words):
    with app.app_context():
        _tree()
        service.create_staff("taken", "long-enough-1", "admin", area_code="qs")
        with pytest.raises(service.OrgError, match=words):
            service.create_staff(**kwargs)
        assert db.session.query(Staff).count() == 1


def test_deactivate_and_password(app):
    with app.app_context():
        _tree()
        service.create_staff("officer", "a-long-password", "admin", area_code="qs")
        staff = service.set_active("OFFICER", False)
        assert not staff.active and not verify_password(staff, "a-long-password")
        service.set_active("officer", True)
        service.set_password("officer", "another-password")
        assert verify_password(staff, "another-password")
        with pytest.raises(service.OrgError, match="at least 10"):
            service.set_password("officer", "short")
        with pytest.raises(service.OrgError, match="No staff account"):
            service.set_active("ghost", False)
