"""The same registration sent on several connections at once (a retry racing the first
try, a re-registration while the phone's bundle imports) is answered alike, never 500."""

from __future__ import annotations

import http.client
import json
import threading

from sqlalchemy import func, select
from werkzeug.serving import make_server

from xuedian.extensions import db
from xuedian.sync import devices
from xuedian.sync.models import Device

from .helpers import Phone

TWINS = 6


def _post(port: int, body: bytes) -> tuple[int, dict]:
    """POST the registration on a connection of its own."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", "/api/v1/devices", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def test_concurrent_registrations_of_one_device_are_answered_alike(app, monkeypatch):
    # Every twin looks for the device before any of them inserts it: the race, every time.
    gate = threading.Barrier(TWINS, timeout=20)
    looked = threading.local()
    original = devices.known_device

    def known_device_then_wait(registration):
        found = original(registration)
        if not getattr(looked, "once", False):
            looked.once = True
            gate.wait()
        return found

    monkeypatch.setattr(devices, "known_device", known_device_then_wait)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    phone = Phone()
    body = json.dumps(phone.registration()).encode()
    answers: list = [None] * TWINS

    def send(i: int) -> None:
        answers[i] = _post(server.server_port, body)

    try:
        senders = [threading.Thread(target=send, args=(i,)) for i in range(TWINS)]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(timeout=60)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    expected = {"ok": True, "device_id": phone.device_id, "point": None}
    assert answers == [(201, expected)] * TWINS
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Device)) == 1
