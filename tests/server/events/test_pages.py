"""The staff events pages: staff make events at the points in their scope, the list counts
check-ins, and each event's printable page carries a QR code of a verified token."""

from __future__ import annotations

from html import unescape
from urllib.parse import parse_qs, urlparse

from sqlalchemy import select

from xuedian.events import tokens
from xuedian.events.models import Event
from xuedian.extensions import db

from ..credits.helpers import publish
from ..reports.helpers import make_org, sign_in
from .helpers import make_event

PAGE = "/staff/events"
FORM = {
    "csrf_token": "t",
    "title": "戏曲讲座",
    "pack": "opera",
    "day": "2026-12-05",
    "starts": "09:00",
    "ends": "11:30",
    "credit_hours": "2.5",
}


def test_pages_volunteer_makes_an_event_and_prints_its_code(app, client):
    ids = make_org(app)
    publish(app)
    sign_in(client, ids["vol"])
    assert "地方戏曲入门" in client.get(PAGE).data.decode()
    response = client.post(PAGE, data={**FORM, "point": str(ids["p1a"])})
    assert response.status_code == 303
    with app.app_context():
        event = db.session.scalar(select(Event))
        assert (event.title, event.point_id, event.pack_id) == ("戏曲讲座", ids["p1a"], "opera")
        # 09:00 in the county's time (Asia/Shanghai) is 01:00 UTC
        assert event.starts_at.isoformat() == "2026-12-05T01:00:00+00:00"
        assert (event.ends_at - event.starts_at).total_seconds() == 2.5 * 3600
    listing = client.get(PAGE).data.decode()
    assert (
        f'data-testid="attended-{event.id}">0<' in listing and "2026-12-05 09:00–11:30" in listing
    )
    page = client.get(f"{PAGE}/{event.id}/qr").data.decode()
    assert "<svg" in page and "请用手机扫码签到" in page
    start = page.index('data-testid="event-url">') + len('data-testid="event-url">')
    url = unescape(page[start : page.index("<", start)])
    token = parse_qs(urlparse(url).query)["checkin"][0]
    with app.app_context():
        found = tokens.verify(token)
    assert found["e"] == event.id and found["p"] == "opera" and found["t"] == "戏曲讲座"


def test_pages_scope_and_errors(app, client):
    ids = make_org(app)
    west = make_event(app, ids["p1b"])
    sign_in(client, ids["vol"])
    assert client.get(f"{PAGE}/{west}/qr").status_code == 404
    assert f'data-event="{west}"' not in client.get(PAGE).data.decode()
    outside = client.post(PAGE, data={**FORM, "point": str(ids["p1b"])})
    assert outside.status_code == 400 and "不在您的管辖范围内" in outside.data.decode()
    backwards = client.post(
        PAGE + "?lang=en", data={**FORM, "point": str(ids["p1a"]), "ends": "08:00"}
    )
    assert backwards.status_code == 400
    assert "the end must be after the start" in backwards.data.decode()
    with app.app_context():
        assert db.session.scalars(select(Event.id)).all() == [west]
    sign_in(client, ids["admin"])
    assert client.get(f"{PAGE}/{west}/qr").status_code == 200
