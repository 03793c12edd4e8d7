"""The services catalogue page: admins add and change services in their scope; a
county-wide service is the county root admin's; errors come back in the page's language."""

from __future__ import annotations

from sqlalchemy import select

from xuedian.extensions import db
from xuedian.points.models import PointsService

from ..reports.helpers import make_org, sign_in

PAGE = "/staff/points/services"


def _services(app):
    with app.app_context():
        rows = db.session.scalars(select(PointsService).order_by(PointsService.id))
        return [(s.name, s.points, s.point_id, s.active) for s in rows]


def _post(client, url, **form):
    return client.post(url, data={"csrf_token": "t", **form})


def test_pages_county_admin_adds_and_changes_services(app, client):
    ids = make_org(app)
    sign_in(client, ids["admin"])
    assert _post(client, PAGE, name="戏曲票", points="30").status_code == 303
    assert (
        _post(client, PAGE, name="图书借阅", points="5", point=str(ids["p1a"])).status_code == 303
    )
    assert _services(app) == [("戏曲票", 30, None, True), ("图书借阅", 5, ids["p1a"], True)]
    with app.app_context():
        opera = db.session.scalar(select(PointsService.id).where(PointsService.name == "戏曲票"))
    response = _post(client, f"{PAGE}/{opera}", name="戏曲票", points="40")
    assert response.status_code == 303
    assert _services(app)[0] == ("戏曲票", 40, None, False)
    page = client.get(PAGE + "?lang=en")
    assert page.status_code == 200
    html = page.data.decode()
    assert "Services for points" in html and "图书借阅" in html and "Every learning point" in html


def test_pages_township_admin_scope(app, client):
    ids = make_org(app)
    sign_in(client, ids["admin1a"])
    # not the county's root: no county-wide service, no point outside township 1a
    refused = _post(client, PAGE + "?lang=en", name="戏曲票", points="30")
    assert refused.status_code == 400
    assert "Only a county administrator" in refused.data.decode()
    outside = _post(client, PAGE, name="课堂名额", points="10", point=str(ids["p1b"]))
    assert outside.status_code == 400 and "不在您的管辖范围内" in outside.data.decode()
    assert (
        _post(client, PAGE, name="课堂名额", points="10", point=str(ids["p1a"])).status_code == 303
    )
    bad = _post(client, PAGE, name="", points="x", point=str(ids["p1a"]))
    assert bad.status_code == 400 and "所需积分必须是" in bad.data.decode()
    assert _services(app) == [("课堂名额", 10, ids["p1a"], True)]

    sign_in(client, ids["admin"])
    assert (
        _post(client, PAGE, name="图书借阅", points="5", point=str(ids["p1b"])).status_code == 303
    )
    with app.app_context():
        west = db.session.scalar(select(PointsService.id).where(PointsService.name == "图书借阅"))
    sign_in(client, ids["admin1a"])
    assert "图书借阅" not in client.get(PAGE).data.decode()
    response = _post(client, f"{PAGE}/{west}", name="x", points="1", point=str(ids["p1a"]))
    assert response.status_code == 404
