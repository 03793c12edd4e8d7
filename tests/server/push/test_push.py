"""Web Push: VAPID key, device-signed subscriptions, a push decrypted by the subscriber on a
fake push service, 404/410 removing subscriptions, and the inbox reaching a phone whose
push service cannot be reached."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from xuedian.cli import main
from xuedian.core.timeutil import utcnow
from xuedian.extensions import db
from xuedian.jobs import load_jobs
from xuedian.jobs.runs import run_job
from xuedian.push import endpoints
from xuedian.push.models import PushDelivery, PushSubscription
from xuedian.push.service import notify
from xuedian.sync.models import Device

from ..sync.helpers import now_iso, register
from .fakepush import FakePushService, Subscriber, closed_port, verify_vapid

SUBSCRIPTIONS = "/api/v1/push/subscriptions"


def cli(app, *args):
    """Run ``xuedian ARGS`` against ``app``; return the click result."""
    with app.app_context():
        return CliRunner().invoke(main, list(args))


TITLE = {"zh-CN": "新课程", "en": "New pack"}
BODY = {"zh-CN": "戏曲第二版已经发布。", "en": "Opera v2 is out."}


@pytest.fixture
def http_push(app):
    """Allow plain-HTTP endpoints on loopback (the fake service), as only tests should."""
    app.config["XUEDIAN"] = dataclasses.replace(
        app.config["XUEDIAN"],
        push_endpoint_schemes="https,http",
        push_timeout=3,
        push_hosts="127.0.0.1",
    )
    return app


PUBLIC = "93.184.215.14"


@pytest.fixture
def public_push(app, monkeypatch):
    """Allow ``*.example.net`` endpoints and answer every name with a public address (the
    tests have no DNS)."""
    app.config["XUEDIAN"] = dataclasses.replace(app.config["XUEDIAN"], push_hosts=".example.net")
    monkeypatch.setattr(endpoints, "resolve", lambda host, port: [PUBLIC])
    return app


def send_queued(app) -> dict:
    """Run the scheduler's push-send job once (as the scheduler would); return its summary."""
    with app.app_context():
        run = run_job(load_jobs()["push-send"], utcnow() + timedelta(microseconds=next(_RUNS)))
        assert run.status == "ok", run.error
        return run.summary


_RUNS = itertools.count(1_000_000, 1_000_000)  # each run its own second


def queued(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(PushDelivery))


def subscribe(client, phone, subscriber: Subscriber, status: int = 201):
    envelope = phone.sign(
        {
            "type": "push-subscription",
            "device_id": phone.device_id,
            "created": now_iso(),
            "subscription": subscriber.to_json(),
        }
    )
    response = client.post(SUBSCRIPTIONS, json=envelope)
    assert response.status_code == status, response.get_json()
    return response


def subscriptions(app) -> list[PushSubscription]:
    with app.app_context():
        return list(db.session.scalars(select(PushSubscription)))


def test_vapid_public_key_is_a_p256_point_and_the_cli_shows_it(app, client):
    key = client.get("/api/v1/push/vapid-public-key").get_json()["public_key"]
    from .fakepush import b64url_decode

    raw = b64url_decode(key)
    assert len(raw) == 65 and raw[0] == 4
    result = cli(app, "keys", "vapid")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == key
    assert client.get("/api/v1/push/vapid-public-key").get_json()["public_key"] == key


def test_push_reaches_the_fake_service_and_the_subscriber_decrypts_it(http_push, client):
    app = http_push
    phone = register(client)
    key = client.get("/api/v1/push/vapid-public-key").get_json()["public_key"]
    with FakePushService() as service:
        subscriber = Subscriber(service.base + "/push/abc")
        subscribe(client, phone, subscriber)
        with app.app_context():
            device = db.session.get(Device, phone.device_id)
            messages, summary = notify(TITLE, BODY, [device], url="/#/")
            message_id = messages[0].id
        # notify() only queues: nothing is posted until the scheduler's job runs.
        assert summary == {"queued": 1} and service.received == [] and queued(app) == 1
        assert send_queued(app) == {"sent": 1, "removed": 0, "failed": 0, "expired": 0}
        assert len(service.received) == 1 and queued(app) == 0
        sent = service.received[0]
    assert sent["path"] == "/push/abc"
    assert sent["headers"]["ttl"] == str(app.config["XUEDIAN"].push_ttl)
    assert sent["headers"]["content-encoding"] == "aes128gcm"
    claims = verify_vapid(sent["headers"]["authorization"], key, service.base)
    assert claims["sub"] == app.config["XUEDIAN"].push_subject
    assert sent["body"] and b"Opera" not in sent["body"]  # encrypted on the wire
    assert subscriber.decrypt(sent["body"]) == {
        "id": message_id,
        "title": TITLE,
        "body": BODY,
        "url": "/#/",
    }
    assert subscriptions(app)[0].last_success_at is not None


@pytest.mark.parametrize("status", [410, 404])
def test_gone_subscription_is_removed_and_a_5xx_one_kept(http_push, client, status):
    app = http_push
    gone, flaky = register(client), register(client)
    with FakePushService() as service:
        service.status["/gone"] = status
        service.status["/flaky"] = 503
        subscribe(client, gone, Subscriber(service.base + "/gone"))
        subscribe(client, flaky, Subscriber(service.base + "/flaky"))
        with app.app_context():
            notify(TITLE, BODY)
        summary = send_queued(app)
        assert len(service.received) == 2
    assert summary == {"sent": 0, "removed": 1, "failed": 1, "expired": 0}
    left = subscriptions(app)
    assert [s.device_id for s in left] == [flaky.device_id]
    assert left[0].failures == 1


def test_message_reaches_the_phone_inbox_when_push_is_unreachable(http_push, client):
    app = http_push
    phone = register(client)
    subscribe(client, phone, Subscriber(f"http://127.0.0.1:{closed_port()}/push/x"))
    result = cli(
        app,
        *["inbox", "send", "--title-zh", TITLE["zh-CN"], "--title-en", TITLE["en"]],
        *["--body-zh", BODY["zh-CN"], "--body-en", BODY["en"], "--device", phone.device_id],
    )
    assert result.exit_code == 0, result.output
    assert "push queued 1" in result.output
    assert send_queued(app)["failed"] == 1
    envelope = phone.sign(
        {"type": "changes-request", "device_id": phone.device_id, "created": now_iso()}
    )
    answer = client.post("/api/v1/sync/changes", json=envelope).get_json()
    assert [(m["title"], m["body"]) for m in answer["messages"]] == [(TITLE, BODY)]
    assert subscriptions(app)[0].failures == 1  # kept: the service may come back


def test_subscriptions_are_signed_per_device_and_https_only_by_default(public_push, client):
    app = public_push
    phone, other = register(client), register(client)
    subscriber = Subscriber("http://push.example.net/push")
    response = subscribe(client, phone, subscriber, status=422)
    assert response.get_json()["code"] == "push-endpoint-refused"
    subscriber.endpoint = "https://push.example.net/send/1"
    # Signed by another phone's key: refused.
    envelope = other.sign(
        {
            "type": "push-subscription",
            "device_id": phone.device_id,
            "created": now_iso(),
            "subscription": subscriber.to_json(),
        }
    )
    bad = client.post(SUBSCRIPTIONS, json=envelope)
    assert bad.status_code == 401
    assert bad.get_json()["code"] == "device-signature-invalid"
    subscribe(client, phone, subscriber)
    subscriber.endpoint = "https://push.example.net/send/2"
    subscribe(client, phone, subscriber)  # a newer subscription replaces the old
    assert [s.endpoint for s in subscriptions(app)] == ["https://push.example.net/send/2"]
    envelope = phone.sign(
        {"type": "push-subscription", "device_id": phone.device_id, "created": now_iso()}
    )
    response = client.delete(SUBSCRIPTIONS, json=envelope)
    assert response.status_code == 200 and response.get_json()["removed"] is True
    assert subscriptions(app) == []


def test_cleanup_job_removes_revoked_and_long_failing(public_push, client):
    app = public_push
    revoked, failing, fine = register(client), register(client), register(client)
    for phone in (revoked, failing, fine):
        subscribe(client, phone, Subscriber(f"https://push.example.net/{phone.device_id}"))
    with app.app_context():
        db.session.get(Device, revoked.device_id).revoked_at = utcnow()
        old = utcnow().replace(year=utcnow().year - 1)
        for sub in db.session.scalars(select(PushSubscription)):
            if sub.device_id == failing.device_id:
                sub.created_at, sub.failures = old, 30
        db.session.commit()
    result = cli(app, "scheduler", "--run-once", "push-cleanup")
    assert result.exit_code == 0, result.output
    assert "'removed_revoked': 1" in result.output and "'removed_stale': 1" in result.output
    assert [s.device_id for s in subscriptions(app)] == [fine.device_id]
