"""Store and forward: bundles received while the county is away for days reach it exactly
once with their custody time, refusals are kept apart, and the county's .xdack comes back."""

from __future__ import annotations

import io
import json
from datetime import timedelta

from sqlalchemy import func, select

from xuedian.core.timeutil import iso, utcnow
from xuedian.extensions import db
from xuedian.keys.service import verify_envelope
from xuedian.sync.bundlefile import check_signed
from xuedian.sync.devices import revoke
from xuedian.sync.models import LearningRecord, SyncBundle

from ..sync.helpers import Phone, make_record
from .conftest import one_backend


def upload(client, files: list[tuple[bytes, str]]) -> str:
    data = {"bundles": [(io.BytesIO(body), name) for body, name in files]}
    response = client.post("/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def county_rows(county, model) -> list:
    with county.app.app_context():
        rows = db.session.scalars(select(model)).all()
        db.session.remove()
        return rows


def county_count(county, model) -> int:
    with county.app.app_context():
        n = db.session.scalar(select(func.count()).select_from(model))
        db.session.remove()
        return n


class Clock:
    def __init__(self, moment):
        self.moment = moment

    def __call__(self):
        return self.moment


def test_offline_for_days_then_every_bundle_reaches_the_county_once(relay, relay_client, county):
    county.stop()
    start = utcnow().replace(microsecond=0) - timedelta(days=3)
    relay.clock = clock = Clock(start)
    phone, other = Phone(), Phone()
    files = [
        (phone.bundle([[make_record(s) for s in range(1, 201)]]), "xuedian-a-1.xdsync"),
        (phone.bundle([[make_record(s) for s in range(201, 301)]]), "xuedian-a-2.xdsync"),
        (other.bundle([[make_record(s) for s in range(1, 51)]]), "xuedian-b-1.xdsync"),
    ]
    assert "已收到 3 个文件" in upload(relay_client, files)

    # The county is away: each try waits longer, and nothing leaves the outbox.
    clock.moment = start + timedelta(hours=1)
    assert relay.run_pass() == relay.settings.relay_interval
    cursor = relay.state.cursor(county.url)
    assert cursor["failures"] == 1 and cursor["last_contact"] is None
    assert relay.run_pass() > 0  # not due yet: no attempt
    assert relay.state.cursor(county.url)["failures"] == 1
    for day in (1, 2):
        clock.moment = start + timedelta(days=day)
        relay.run_pass()
    cursor = relay.state.cursor(county.url)
    assert cursor["failures"] == 3
    assert cursor["last_error"]["code"] == "relay-upstream-unreachable"
    assert relay.outbox.counts() == {"outbox": 3, "forwarded": 0, "refused": 0}
    html = relay_client.get("/").get_data(as_text=True)
    assert "等待转交县里：3 个文件" in html and "上次连上县里：还没有" in html

    # Back on line. The first answer is lost after the county stored the bundle.
    county.start()
    county.faults.lose_bundle_answers = 1
    clock.moment = utcnow()
    relay.run_pass()
    assert relay.outbox.counts()["outbox"] == 3
    relay.run_pass(force=True)
    assert relay.outbox.counts() == {"outbox": 0, "forwarded": 3, "refused": 0}

    custody = {row.bundle_id: row for row in county_rows(county, SyncBundle)}
    assert len(custody) == 3
    for body, _ in files:
        row = custody[check_signed(body, 1 << 20)["content_id"]]
        assert row.received_at == start  # the kiosk's receipt, three days before import
        assert row.imported_at > start + timedelta(days=3)
    assert county_count(county, LearningRecord) == 350
    posts = county.faults.paths("POST", "/api/v1/sync/bundles")
    assert [p.status for p in posts] == [503, 200, 200, 200]
    lost = json.loads(next((relay.root / "forwarded").glob("*.json")).read_text())
    assert lost["received_at"] == iso(start)

    # Nothing is sent twice, and the page shows the contact.
    relay.run_pass(force=True)
    assert len(county.faults.paths("POST", "/api/v1/sync/bundles")) == 4
    assert county_count(county, LearningRecord) == 350
    cursor = relay.state.cursor(county.url)
    assert cursor["failures"] == 0 and cursor["forwarded"] == 3
    page = relay_client.get("/").get_data(as_text=True)
    assert "上次连上县里：还没有" not in page
    assert page.count("县里导入") == 3 and "等待转交县里：0 个文件" in page
    assert "时钟" not in page


@one_backend
def test_a_file_the_county_refuses_goes_to_refused_and_stays(relay, relay_client, county):
    stopped, phone = Phone(), Phone()
    with county.app.app_context():
        county.app.test_client().post("/api/v1/devices", json=stopped.registration())
        revoke(stopped.device_id)
        db.session.remove()
    refused = stopped.bundle([[make_record(1), make_record(2)]])
    good = phone.bundle([[make_record(3)]])
    assert "已收到 2 个文件" in upload(
        relay_client, [(refused, "stopped.xdsync"), (good, "good.xdsync")]
    )
    relay.run_pass(force=True)
    assert relay.outbox.counts() == {"outbox": 0, "forwarded": 1, "refused": 1}
    (kept,) = (relay.root / "refused").glob("*.xdsync")
    assert kept.read_bytes() == refused
    meta = json.loads(kept.with_suffix(".json").read_text())
    assert meta["code"] == "device-revoked"
    html = relay_client.get("/").get_data(as_text=True)
    assert "县里退回的文件" in html and "stopped.xdsync" in html
    assert "这台手机已被县里停用" in html
    # Refused files are never sent again.
    relay.run_pass(force=True)
    assert len(county.faults.paths("POST", "/api/v1/sync/bundles")) == 2


@one_backend
def test_a_wrong_upstream_keeps_files_in_the_outbox(tmp_path, county):
    from .conftest import make_relay

    app = make_relay(tmp_path / "relay-instance", county.url)
    relay = app.extensions["xuedian.relay"]
    upload(app.test_client(), [(Phone().bundle([[make_record(1)]]), "a.xdsync")])
    relay.settings = type(relay.settings)(
        **{**relay.settings.__dict__, "relay_upstream": county.url + "/not-here"}
    )
    relay.run_pass(force=True)
    assert relay.outbox.counts()["outbox"] == 1
    assert relay.state.cursor(county.url + "/not-here")["failures"] == 1


@one_backend
def test_the_county_ack_comes_back_and_the_acks_page_serves_it(
    relay, relay_client, county, county_kit
):
    phone = Phone()
    upload(relay_client, [(phone.bundle([[make_record(s) for s in range(1, 6)]]), "a.xdsync")])
    relay.run_pass(force=True)
    assert relay.state.pending_acks() == set()
    prefix = phone.device_id[:8]

    page = relay_client.get(f"/acks?device={prefix.upper()}").get_data(as_text=True)
    assert "县里已收到 5 条记录" in page
    link = f"/acks/{phone.device_id}.xdack"
    assert f'href="{link}"' in page
    response = relay_client.get(link)
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith(f"attachment; filename=xuedian-{prefix}-")
    assert disposition.endswith(".xdack")
    trusted = county.app.extensions["xuedian.keyring"].trusted()
    signed = verify_envelope(json.loads(response.data), "xdack", trusted)
    assert signed["device_id"] == phone.device_id
    assert signed["stored_seq_ranges"] == [[1, 5]]

    # A newer ack replaces it after the next forward for that device.
    upload(relay_client, [(phone.bundle([[make_record(6)]]), "b.xdsync")])
    relay.run_pass(force=True)
    again = relay_client.get(link)
    assert verify_envelope(json.loads(again.data), "xdack", trusted)["stored_seq_ranges"] == [
        [1, 6]
    ]


@one_backend
def test_an_ack_that_does_not_verify_is_not_kept(relay, relay_client, county):
    phone = Phone()
    upload(relay_client, [(phone.bundle([[make_record(1)]]), "a.xdsync")])
    county.app.extensions["xuedian.keyring"].create()  # the ack is signed by a new key
    relay.run_pass(force=True)
    assert relay.acks.path(phone.device_id) is None
    assert relay.outbox.counts()["forwarded"] == 1


@one_backend
def test_a_kiosk_clock_far_from_the_county_is_shown(relay, relay_client, county):
    # A Raspberry Pi without a clock battery, back from a power cut, believes it is Monday.
    relay.clock = Clock(utcnow() - timedelta(days=2))
    relay.run_pass(force=True)
    assert relay.state.cursor(county.url)["clock_skew"] > 2 * 86400 - 60
    page = relay_client.get("/").get_data(as_text=True)
    assert "这台电脑的时钟和县里相差 2880 分钟" in page
