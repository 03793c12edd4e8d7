"""Sync is rate-limited per device (after the signature checks) and per client address."""

from __future__ import annotations

import dataclasses

from sqlalchemy import func, select

from xuedian import create_app
from xuedian.extensions import db
from xuedian.sync.models import LearningRecord

from .helpers import Phone, make_record, register
from .test_hostile import assert_envelope


def limit(app, **changes) -> None:
    app.config["XUEDIAN"] = dataclasses.replace(app.config["XUEDIAN"], **changes)


def stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(LearningRecord))


def test_a_device_past_its_limit_is_refused_with_retry_after_and_nothing_stored(app, client):
    limit(app, rate_limit_device="2/minute")
    phone = register(client)
    for seq in (1, 2):
        assert phone.send(client, [make_record(seq)]).status_code == 200
    refused = phone.send(client, [make_record(3)])
    assert_envelope(refused, 429, "rate-limited")
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 60
    assert refused.get_json()["details"]["retry_after"] == wait
    assert stored(app) == 2


def test_one_device_spending_its_allowance_does_not_block_another(app, client):
    limit(app, rate_limit_device="1/minute")
    first, second = register(client), register(client)
    assert first.send(client, [make_record(1)]).status_code == 200
    assert_envelope(first.send(client, [make_record(2)]), 429, "rate-limited")
    assert second.send(client, [make_record(1)]).status_code == 200
    assert stored(app) == 2


def test_a_forged_batch_does_not_spend_the_victims_allowance(app, client):
    limit(app, rate_limit_device="2/minute")
    victim = register(client)
    forger = Phone()
    for seq in range(1, 6):
        forged = forger.batch([make_record(seq)])
        forged["signed"]["device_id"] = victim.device_id
        assert client.post("/api/v1/sync/batches", json=forged).status_code == 401
    assert victim.send(client, [make_record(1)]).status_code == 200


def test_the_address_limit_applies_before_parsing(app, client):
    limit(app, rate_limit_address="3/minute")
    for _ in range(3):
        assert client.post("/api/v1/sync/batches", data=b"{not json").status_code == 400
    assert_envelope(client.post("/api/v1/sync/batches", data=b"{}"), 429, "rate-limited")
    other = client.post(
        "/api/v1/sync/batches", data=b"{not json", environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert other.status_code == 400


def test_an_empty_limit_turns_it_off(app, client):
    limit(app, rate_limit_device="", rate_limit_address="")
    phone = register(client)
    for seq in range(1, 8):
        assert phone.send(client, [make_record(seq)]).status_code == 200
    assert stored(app) == 7


def test_behind_one_proxy_each_forwarded_client_has_its_own_allowance(tmp_path):
    # The address check comes before any database work, so no database is needed here.
    settings = {"instance_path": str(tmp_path), "proxy_hops": 1, "rate_limit_address": "2/minute"}
    client = create_app(settings).test_client()

    def post(forwarded: str):
        headers = {"X-Forwarded-For": forwarded}
        return client.post("/api/v1/sync/batches", data=b"{", headers=headers).status_code

    assert [post("10.1.1.1"), post("10.1.1.1"), post("10.1.1.1")] == [400, 400, 429]
    assert post("10.2.2.2") == 400


def test_without_proxy_hops_a_forwarded_header_is_not_trusted(tmp_path):
    client = create_app({"instance_path": str(tmp_path), "rate_limit_address": "2/minute"})
    client = client.test_client()
    codes = [
        client.post(
            "/api/v1/sync/batches", data=b"{", headers={"X-Forwarded-For": f"10.0.0.{n}"}
        ).status_code
        for n in range(3)
    ]
    assert codes == [400, 400, 429]
