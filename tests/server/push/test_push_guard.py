"""Push that cannot be steered: endpoints only on the push-service allow-list and on public
addresses (at subscribe and at send, and the address actually connected to), no redirect
followed, one deadline per push, and sending only from the scheduler's queue."""

from __future__ import annotations

import dataclasses
import logging
import time

import pytest
from sqlalchemy import select

from xuedian.extensions import db
from xuedian.push import endpoints
from xuedian.push.models import PushSubscription
from xuedian.push.service import notify
from xuedian.sync.models import Device

from ..sync.helpers import register
from .fakepush import FakePushService, Subscriber
from .test_push import BODY, PUBLIC, TITLE, send_queued, subscribe


def _settings(app, **changes) -> None:
    app.config["XUEDIAN"] = dataclasses.replace(app.config["XUEDIAN"], **changes)


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://127.0.0.1/push/1",
        "https://[::1]/push/1",
        "https://10.0.0.5/push/1",
        "https://169.254.169.254/latest/meta-data",
        "https://localhost/push/1",
        "https://fcm.googleapis.com.evil.example/push/1",
        "https://evil.example/fcm.googleapis.com/push/1",
        "https://user@fcm.googleapis.com/fcm/send/1",
        "http://fcm.googleapis.com/fcm/send/1",
    ],
)
def test_endpoints_off_the_allow_list_are_refused(app, client, monkeypatch, endpoint):
    monkeypatch.setattr(endpoints, "resolve", lambda host, port: [PUBLIC])
    phone = register(client)
    answer = subscribe(client, phone, Subscriber(endpoint), status=422)
    assert answer.get_json()["code"] == "push-endpoint-refused"
    with app.app_context():
        assert db.session.scalars(select(PushSubscription)).all() == []


def test_known_services_are_accepted_when_they_resolve_to_public_addresses(
    app, client, monkeypatch
):
    answers = {"fcm.googleapis.com": [PUBLIC], "web.push.apple.com": ["10.1.2.3"]}
    monkeypatch.setattr(endpoints, "resolve", lambda host, port: answers[host])
    phone = register(client)
    subscribe(client, phone, Subscriber("https://fcm.googleapis.com/fcm/send/abc"))
    # On the list, but the name points into the county's own network: refused.
    refused = subscribe(client, phone, Subscriber("https://web.push.apple.com/x"), status=422)
    assert refused.get_json()["details"]["reason"] == "address"
    answers["web.push.apple.com"] = ["::ffff:127.0.0.1"]
    subscribe(client, phone, Subscriber("https://web.push.apple.com/x"), status=422)


def _subscribed(app, client, endpoint: str):
    phone = register(client)
    subscribe(client, phone, Subscriber(endpoint))
    with app.app_context():
        notify(TITLE, BODY, [db.session.get(Device, phone.device_id)])
    return phone


def test_the_address_is_checked_again_at_send_and_on_connect(app, client, monkeypatch, caplog):
    """A name that resolved to a public address when the phone subscribed and points at
    loopback by the time the county sends (DNS rebinding) reaches nothing."""
    _settings(app, push_endpoint_schemes="https,http", push_hosts="localhost,.example.net")
    with FakePushService() as service:
        port = service.server.server_address[1]
        monkeypatch.setattr(endpoints, "resolve", lambda host, port: [PUBLIC])
        _subscribed(app, client, f"http://localhost:{port}/rebound")
        # The check passes (the name "resolves" publicly), but the connection lands on
        # 127.0.0.1: the connected address is refused before a byte is sent.
        with caplog.at_level(logging.INFO, logger="xuedian.push"):
            assert send_queued(app)["failed"] == 1
        _subscribed(app, client, "http://push.example.net/later")
        monkeypatch.setattr(endpoints, "resolve", lambda host, port: ["127.0.0.1"])
        with caplog.at_level(logging.INFO, logger="xuedian.push"):
            assert send_queued(app)["failed"] == 1
    assert service.received == []
    reasons = [r.getMessage() for r in caplog.records if "failed:" in r.getMessage()]
    assert any("ConnectionError" in r for r in reasons), reasons
    assert any("endpoint-refused-address" in r for r in reasons), reasons


def test_redirects_are_refused(app, client):
    _settings(app, push_endpoint_schemes="https,http", push_hosts="127.0.0.1")
    with FakePushService() as service, FakePushService() as inside:
        service.redirect["/moved"] = inside.base + "/admin"
        _subscribed(app, client, service.base + "/moved")
        assert send_queued(app)["failed"] == 1
        assert len(service.received) == 1
    assert inside.received == []
    with app.app_context():
        assert db.session.scalars(select(PushSubscription)).one().failures == 1


def test_one_deadline_per_push_however_slowly_the_service_answers(app, client):
    """The service dribbles a byte every 0.3 s, so a per-read timeout never fires; the
    push is abandoned at its deadline."""
    _settings(app, push_endpoint_schemes="https,http", push_hosts="127.0.0.1", push_timeout=2)
    with FakePushService() as service:
        service.slow["/slow"] = 0.3
        _subscribed(app, client, service.base + "/slow")
        started = time.monotonic()
        assert send_queued(app)["failed"] == 1
        took = time.monotonic() - started
    assert 1.5 < took < 8, took


def test_sending_waits_for_the_scheduler(app, client):
    """A staff page or command that notifies returns at once: the push is queued for the
    push-send job, even when the push service would take for ever."""
    _settings(app, push_endpoint_schemes="https,http", push_hosts="127.0.0.1", push_timeout=2)
    with FakePushService() as service:
        service.slow["/slow"] = 0.3
        started = time.monotonic()
        _subscribed(app, client, service.base + "/slow")
        assert time.monotonic() - started < 1.5
        assert service.received == []
