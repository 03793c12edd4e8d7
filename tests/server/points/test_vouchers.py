"""Offline redemptions: each voucher applied once, double spends and over-cap redemptions
reported, on both databases."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select

from xuedian.extensions import db
from xuedian.points import ledger
from xuedian.points.models import PointsEntry, VoucherProblem

from ..sync.helpers import now_iso, register
from .helpers import (
    add_service,
    make_point,
    mark_phone,
    seed_points,
    volunteer_phone,
    voucher,
    voucher_batch,
    voucher_bundle,
)

BATCHES = "/api/v1/sync/batches"
BUNDLES = "/api/v1/sync/bundles"


def _redemptions(app, learner):
    with app.app_context():
        return db.session.scalars(
            select(PointsEntry).where(PointsEntry.learner == learner, PointsEntry.kind == "redeem")
        ).all()


def _problems(app, code=None):
    with app.app_context():
        query = select(VoucherProblem)
        if code:
            query = query.where(VoucherProblem.code == code)
        return [
            (p.voucher_id, p.code, p.device_id, p.first_device_id)
            for p in db.session.scalars(query)
        ]


def _balance(app, learner):
    with app.app_context():
        return ledger.balance(learner)


def test_vouchers_same_voucher_three_times_on_two_devices_is_one_redemption_one_double_spend(
    app, client
):
    learner = str(uuid.uuid4())
    service = add_service(app, points=30)
    seed_points(app, learner, 100)
    point = make_point(app)
    kiosk, phone = volunteer_phone(app, client, point), volunteer_phone(app, client, point)
    voucher_id = str(uuid.uuid4())
    first = voucher(kiosk, learner, service, 30, voucher_id)
    # The same volunteer device presents it twice (a resent batch, then the kiosk's bundle)...
    assert client.post(BATCHES, json=voucher_batch(kiosk, [first], 1)).status_code == 200
    response = client.post(
        BUNDLES, data=voucher_bundle(kiosk, [first], 2), content_type="application/octet-stream"
    )
    assert response.status_code == 200, response.json
    # ...and a second volunteer's phone scanned the same voucher and redeemed it again.
    second = voucher(phone, learner, service, 30, voucher_id)
    assert client.post(BATCHES, json=voucher_batch(phone, [second], 1)).status_code == 200

    assert len(_redemptions(app, learner)) == 1
    assert _balance(app, learner) == 70
    assert _problems(app) == [
        (voucher_id, "voucher-double-spend", phone.device_id, kiosk.device_id)
    ]
    # A fourth presentation from the second phone reports nothing new.
    assert client.post(BATCHES, json=voucher_batch(phone, [second], 2)).status_code == 200
    assert len(_problems(app)) == 1
    assert len(_redemptions(app, learner)) == 1


def test_vouchers_in_a_bundle_older_than_the_last_heartbeat_still_count(app, client):
    learner = str(uuid.uuid4())
    service = add_service(app, points=30)
    seed_points(app, learner, 100)
    phone = volunteer_phone(app, client)
    carried = voucher(phone, learner, service, 30)
    # Made yesterday offline, it reaches the county by the kiosk after an online sync.
    old = voucher_bundle(phone, [carried], 2, now_iso(timedelta(days=-1)))
    assert client.post(BATCHES, json=voucher_batch(phone, [], 1)).status_code == 200
    response = client.post(BUNDLES, data=old, content_type="application/octet-stream")
    assert response.status_code == 200, response.json
    assert [e.ref for e in _redemptions(app, learner)] == [carried["signed"]["voucher_id"]]


def test_vouchers_over_daily_cap_refused_and_reported(app, client):
    app.config["XUEDIAN"] = replace(app.config["XUEDIAN"], points_daily_cap=50)
    learner = str(uuid.uuid4())
    service = add_service(app, points=30)
    seed_points(app, learner, 500)
    kiosk = volunteer_phone(app, client)
    vouchers = [voucher(kiosk, learner, service, 30) for _ in range(3)]
    assert client.post(BATCHES, json=voucher_batch(kiosk, vouchers)).status_code == 200

    assert len(_redemptions(app, learner)) == 1
    refused = _problems(app, "voucher-over-daily-cap")
    assert sorted(p[0] for p in refused) == sorted(v["signed"]["voucher_id"] for v in vouchers[1:])
    assert _balance(app, learner) == 470


def test_vouchers_short_balance_unknown_service_and_forgery_are_reported(app, client):
    learner = str(uuid.uuid4())
    service = add_service(app, points=30)
    seed_points(app, learner, 20)
    kiosk, other = volunteer_phone(app, client), register(client)
    short = voucher(kiosk, learner, service, 30)
    unknown = voucher(kiosk, learner, service + 99, 5)
    # signed by another device than the one presenting it
    forged = voucher(other, learner, service, 5, device_id=kiosk.device_id)
    tampered = {**voucher(kiosk, learner, service, 5), "signature": forged["signature"]}
    batch = voucher_batch(kiosk, [short, unknown, forged, tampered])
    assert client.post(BATCHES, json=batch).status_code == 200

    codes = sorted(code for _, code, _, _ in _problems(app))
    assert codes == [
        "voucher-balance-short",
        "voucher-service-unknown",
        "voucher-signature-invalid",
        "voucher-signature-invalid",
    ]
    assert _redemptions(app, learner) == []
    assert _balance(app, learner) == 20


def test_vouchers_unreadable_voucher_does_not_refuse_the_batch(app, client):
    kiosk = volunteer_phone(app, client)
    response = client.post(BATCHES, json=voucher_batch(kiosk, [{"signed": {"type": "x"}}]))
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(VoucherProblem)) == 0


def test_vouchers_from_a_phone_not_marked_are_refused_and_never_count_first(app, client):
    learner = str(uuid.uuid4())
    service = add_service(app, points=30)
    seed_points(app, learner, 100)
    point, other_point = make_point(app), make_point(app)
    stranger = register(client)  # never marked
    mark_phone(app, stranger, point, marked=False)
    moved = volunteer_phone(app, client, point)
    mark_phone(app, moved, other_point, marked=False)  # re-enrolled elsewhere since
    volunteer = volunteer_phone(app, client, point)
    voucher_id = str(uuid.uuid4())
    for n, phone in enumerate((stranger, moved)):
        sent = voucher(phone, learner, service, 30, str(uuid.uuid4()) if n else voucher_id)
        assert client.post(BATCHES, json=voucher_batch(phone, [sent])).status_code == 200
    assert sorted((p[1], p[2]) for p in _problems(app)) == sorted(
        [
            ("voucher-device-not-volunteer", stranger.device_id),
            ("voucher-device-not-volunteer", moved.device_id),
        ]
    )
    assert _redemptions(app, learner) == []
    # The marked phone redeeming the same voucher id is the one redemption, no double spend.
    good = voucher(volunteer, learner, service, 30, voucher_id)
    assert client.post(BATCHES, json=voucher_batch(volunteer, [good])).status_code == 200
    assert [e.ref for e in _redemptions(app, learner)] == [voucher_id]
    assert _problems(app, "voucher-double-spend") == []
