"""Helpers for tests that look at the county side of a live server: its stored records and
devices, its command line, and a bundle uploaded as a volunteer's phone would."""

from __future__ import annotations

import json
import urllib.request

from click.testing import CliRunner
from sqlalchemy import select

from xuedian.cli import main
from xuedian.extensions import db
from xuedian.sync.models import Device, LearningRecord


def stored_records(live_server) -> list[LearningRecord]:
    with live_server.app.app_context():
        records = db.session.scalars(select(LearningRecord)).all()
        db.session.remove()
        return records


def query(live_server, model):
    with live_server.app.app_context():
        rows = db.session.scalars(select(model)).all()
        db.session.remove()
        return rows


def registered(live_server) -> set[str]:
    with live_server.app.app_context():
        ids = set(db.session.scalars(select(Device.id)))
        db.session.remove()
        return ids


def cli(live_server, *args: str) -> str:
    env = {"XUEDIAN_INSTANCE_PATH": live_server.app.instance_path}
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def upload_bundle(base_url: str, data: bytes) -> dict:
    request = urllib.request.Request(  # noqa: S310 (a loopback test server)
        f"{base_url}/api/v1/sync/bundles",
        data=data,
        method="POST",
        headers={"Content-Type": "application/octet-stream"},
    )
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
        assert response.status == 200
        return json.loads(response.read())
