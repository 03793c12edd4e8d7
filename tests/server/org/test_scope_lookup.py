"""``get_in_scope``: the one lookup of an object named in a URL or a form, answering 404
(the error envelope, or the staff error page) outside the account's scope; and the staff
forms' schema errors shown in the page's language."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from xuedian.errors import NotFound
from xuedian.extensions import db
from xuedian.org.models import Area, LearningPoint, Staff
from xuedian.org.scope import areas_below, get_in_scope

from .world import SEES_AREAS, SEES_POINTS, build_world, sign_in


def test_finds_in_scope_and_refuses_the_rest_as_not_found(app):
    world = build_world(app)
    with app.app_context():
        admin = db.session.get(Staff, world.staff["admin_t1a"])
        for key, point_id in world.points.items():
            if key in SEES_POINTS["admin_t1a"]:
                assert get_in_scope(LearningPoint, point_id, admin).id == point_id
                assert get_in_scope(LearningPoint, f" {point_id} ", admin).id == point_id
            else:
                with pytest.raises(NotFound):
                    get_in_scope(LearningPoint, point_id, admin)
        for key, area_id in world.areas.items():
            found = key in SEES_AREAS["admin_t1a"]
            if found:
                assert get_in_scope(Area, str(area_id), admin).id == area_id
            else:
                with pytest.raises(NotFound):
                    get_in_scope(Area, area_id, admin)
        # Its own area is in scope but not below itself: a new administrator's area.
        with pytest.raises(NotFound):
            get_in_scope(Area, world.areas["t1a"], admin, within=areas_below)
        for bad in ("", "x", "0", "99999999999", None, -1):
            with pytest.raises(NotFound):
                get_in_scope(Area, bad, admin)


def test_a_page_answers_404_through_it_and_the_form_errors_in_english(app):
    world = build_world(app)
    client = app.test_client()
    sign_in(client, world.staff["admin_t1a"])
    outside = world.points["C"]
    page = client.get(f"/staff/points/{outside}?lang=en")
    assert page.status_code == 404
    assert "outside the area you look after" in page.text
    refused = client.post("/staff/org/points", data={"csrf_token": "test-csrf", "code": "x"})
    assert refused.status_code == 400 and "Choose an entry from the list." in refused.text
    form = {"csrf_token": "test-csrf", "kind": "update-pack", "version": "x", "by": "1"}
    english = client.post("/staff/instructions?lang=en", data=form)
    assert english.status_code == 400
    for words in (
        "Choose a learning point or one phone (only one).",
        "Updating a pack needs the pack id.",
        "The version must be a positive whole number.",
        "Write the date as YYYY-MM-DD.",
    ):
        assert words in english.text, words
    chinese = client.post("/staff/instructions?lang=zh-CN", data=form)
    assert chinese.status_code == 400 and "版本必须是正整数。" in chinese.text
    with app.app_context():
        assert db.session.scalar(select(LearningPoint).where(LearningPoint.code == "x")) is None
