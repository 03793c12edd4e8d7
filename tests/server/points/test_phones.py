"""Redemption phones on a learning point's staff page: a volunteer marks and unmarks a
phone of their point, audited; nobody marks a phone of a point outside their scope or a
phone enrolled elsewhere."""

from __future__ import annotations

from sqlalchemy import select

from xuedian.audit.models import AuditEvent
from xuedian.extensions import db
from xuedian.points.models import RedemptionPhone

from ..reports.helpers import make_org, sign_in
from ..sync.helpers import register
from .helpers import mark_phone


def _marked(app):
    with app.app_context():
        return {(m.device_id, m.point_id) for m in db.session.scalars(select(RedemptionPhone))}


def _audit(app):
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.startswith("redemption-phone"))
            .order_by(AuditEvent.id)
        )
        return [(e.action, e.target, e.actor) for e in rows]


def _post(client, point_id, device_id, on):
    data = {"csrf_token": "t", "device": device_id, "on": "1" if on else "0"}
    return client.post(f"/staff/points/phones/{point_id}", data=data)


def test_phones_volunteer_marks_and_unmarks_a_phone_of_their_point(app, client):
    ids = make_org(app)
    phone = register(client)
    mark_phone(app, phone, ids["p1a"], marked=False)
    sign_in(client, ids["vol"])
    page = client.get(f"/staff/points/{ids['p1a']}").data.decode()
    assert "兑换用手机" in page and f"redemption-phone-{phone.device_id[:8]}" in page
    assert 'data-redeems="no"' in page

    response = _post(client, ids["p1a"], phone.device_id, True)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/staff/points/{ids['p1a']}#redemption-phones")
    assert _marked(app) == {(phone.device_id, ids["p1a"])}
    page = client.get(f"/staff/points/{ids['p1a']}?lang=en").data.decode()
    assert 'data-redeems="yes"' in page and "Unmark redemption phone" in page

    assert _post(client, ids["p1a"], phone.device_id, False).status_code == 303
    assert _marked(app) == set()
    assert _audit(app) == [
        ("redemption-phone", phone.device_id, "vol"),
        ("redemption-phone-clear", phone.device_id, "vol"),
    ]


def test_phones_outside_scope_or_enrolled_elsewhere_are_not_found(app, client):
    ids = make_org(app)
    there, elsewhere = register(client), register(client)
    mark_phone(app, there, ids["p1b"], marked=False)
    mark_phone(app, elsewhere, ids["p1b"], marked=False)
    sign_in(client, ids["vol"])  # the volunteer of p1a
    assert _post(client, ids["p1b"], there.device_id, True).status_code == 404
    assert _post(client, ids["p1a"], elsewhere.device_id, True).status_code == 404
    assert _post(client, ids["p1a"], "nope", True).status_code == 404
    assert _marked(app) == set() and _audit(app) == []
    # An admin of the county may mark the phone at p1b.
    sign_in(client, ids["admin"])
    assert _post(client, ids["p1b"], there.device_id, True).status_code == 303
    assert _marked(app) == {(there.device_id, ids["p1b"])}
