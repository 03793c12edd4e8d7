"""Builders for LRS tests: a client's Basic-auth headers and statements."""

from __future__ import annotations

import base64
import uuid

from xuedian.lrs.auth import add_client

VERSION = {"X-Experience-API-Version": "2.0.0"}


def lrs_headers(app, name: str = "content-vendor") -> dict:
    """Create an LRS client and return the headers it signs in with."""
    with app.app_context():
        made, secret = add_client(name)
        key = made.key
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {**VERSION, "Authorization": f"Basic {token}"}


def make_statement(verb: str = "http://adlnet.gov/expapi/verbs/experienced", **extra) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "mbox": "mailto:learner@example.org"},
        "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
        "object": {"id": "http://example.org/activities/video-1"},
        **extra,
    }
