"""A file the county keeps failing on (5xx) while it answers its health check goes to
refused/ after XUEDIAN_RELAY_MAX_SERVER_ERRORS tries, and the queue goes on; a county that
is down as a whole counts against no file."""

from __future__ import annotations

import io
import json

from xuedian.sync.kiosks import credential_for

from ..sync.helpers import Phone, make_record
from .conftest import make_relay, one_backend


def kiosk(tmp_path, county, limit: int):
    with county.app.app_context():
        credential = credential_for("test-kiosk")
    app = make_relay(
        tmp_path / "relay-instance",
        county.url,
        relay_credential=credential,
        relay_max_server_errors=limit,
    )
    files = [(Phone().bundle([[make_record(1)]]), "poison.xdsync")]
    files.append((Phone().bundle([[make_record(2)]]), "good.xdsync"))
    data = {"bundles": [(io.BytesIO(body), name) for body, name in files]}
    answer = app.test_client().post("/upload", data=data, content_type="multipart/form-data")
    assert answer.status_code == 200
    return app.extensions["xuedian.relay"]


def sidecar(relay, folder: str, name: str) -> dict:
    for path in (relay.root / folder).glob("*.json"):
        meta = json.loads(path.read_text())
        if meta.get("name") == name:
            return meta
    raise AssertionError(f"{name} not in {folder}/")


@one_backend
def test_a_file_the_county_keeps_failing_on_is_set_aside_and_the_queue_goes_on(tmp_path, county):
    relay = kiosk(tmp_path, county, limit=3)
    county.faults.fail_bundle_names = {"poison.xdsync"}
    for tries in (1, 2):
        relay.run_pass(force=True)
        assert sidecar(relay, "outbox", "poison.xdsync")["server_errors"] == tries
    relay.run_pass(force=True)
    refused = sidecar(relay, "refused", "poison.xdsync")
    assert refused["code"] == "relay-county-server-error"
    assert "HTTP 500" in refused["message"] and "3 times" in refused["message"]
    assert sidecar(relay, "forwarded", "good.xdsync")["county"]["accepted"] == 1
    assert relay.outbox.counts() == {"outbox": 0, "forwarded": 1, "refused": 1}


@one_backend
def test_a_county_down_as_a_whole_sets_no_file_aside(tmp_path, county):
    relay = kiosk(tmp_path, county, limit=2)
    county.faults.fail_bundle_names = {"poison.xdsync", "good.xdsync"}
    county.faults.fail_health = True
    for _ in range(4):
        relay.run_pass(force=True)
    assert relay.outbox.counts() == {"outbox": 2, "forwarded": 0, "refused": 0}
    assert "server_errors" not in sidecar(relay, "outbox", "poison.xdsync")
    assert relay.state.cursor(county.url)["failures"] == 4
