"""Check-in tokens: signed by the server's key, compact, and refused when altered or
signed by another key."""

from __future__ import annotations

import base64
import json

import pytest

from xuedian.events import tokens
from xuedian.keys.service import KeyRing

from ..reports.helpers import make_org
from .helpers import make_event, token_of


def _payload(token: str) -> dict:
    part = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_tokens_sign_and_verify(app):
    ids = make_org(app)
    event = make_event(app, ids["p1a"])
    token = token_of(app, event)
    assert len(token) < 400  # fits a QR code read from a step away
    with app.app_context():
        found = tokens.verify(token)
    assert found["e"] == event and found["t"] == "戏曲讲座" and found["p"] == "opera"
    assert found["h"] == 2.0
    assert found["na"] - found["nb"] == 2 * 3600 + 2 * tokens.GRACE.total_seconds()


def test_tokens_altered_or_foreign_refused(app, tmp_path):
    ids = make_org(app)
    token = token_of(app, make_event(app, ids["p1a"]))
    body = _payload(token)
    signature = token.split(".")[1]
    longer = {**body, "na": body["na"] + 86400}
    part = base64.urlsafe_b64encode(json.dumps(longer).encode()).rstrip(b"=").decode()
    other = KeyRing(tmp_path / "other")
    other.create()
    envelope = other.sign({k: v for k, v in body.items() if k != "key_id"})
    foreign = (
        base64.urlsafe_b64encode(json.dumps(envelope["signed"]).encode()).rstrip(b"=").decode()
        + "."
        + envelope["signature"]
    )
    with app.app_context():
        for bad in (f"{part}.{signature}", foreign, "x.y", "", token + "A", "a" * 2000):
            with pytest.raises(tokens.TokenInvalid):
                tokens.verify(bad)
