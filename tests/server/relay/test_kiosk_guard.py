"""The kiosk keeps only what the county would take: signed files, posted from its own page,
within a disk quota; refused files expire, and a clock that is far off costs no file."""

from __future__ import annotations

import gzip
import io
import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from xuedian.core.timeutil import iso, utcnow
from xuedian.extensions import db
from xuedian.sync.models import SyncBundle

from ..sync.helpers import Phone, make_record
from .conftest import make_relay, one_backend


def post(client, files, **headers):
    data = {"bundles": [(io.BytesIO(body), name) for body, name in files]}
    return client.post("/upload", data=data, content_type="multipart/form-data", headers=headers)


def kept(relay, folder: str = "outbox") -> list:
    return sorted((relay.root / folder).glob("*.xdsync"))


def forged(phone: Phone) -> bytes:
    document = json.loads(gzip.decompress(phone.bundle([[make_record(1), make_record(2)]])))
    document["batches"][0]["signed"]["records"][0]["result"]["success"] = False
    return gzip.compress(json.dumps(document).encode())


def unsigned(phone: Phone) -> bytes:
    document = json.loads(gzip.decompress(phone.bundle([[make_record(1)]])))
    document["batches"][0]["signature"] = "A" * 86
    return gzip.compress(json.dumps(document).encode())


def test_forged_or_unsigned_files_are_refused_at_upload(tmp_path):
    app = make_relay(tmp_path / "relay")
    relay = app.extensions["xuedian.relay"]
    phone = Phone()
    files = [(forged(phone), "forged.xdsync"), (unsigned(phone), "unsigned.xdsync")]
    html = post(app.test_client(), files).get_data(as_text=True)
    assert "已收到 0 个文件" in html
    assert html.count("(device-signature-invalid)") == 2
    assert kept(relay) == []


def test_a_post_from_another_site_is_refused(tmp_path):
    app = make_relay(tmp_path / "relay")
    relay = app.extensions["xuedian.relay"]
    client = app.test_client()
    data = Phone().bundle([[make_record(1)]])
    for headers in (
        {"Origin": "http://hostile.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"},
        {"Sec-Fetch-Site": "same-site"},
        {"Referer": "http://hostile.example/page"},
    ):
        response = post(client, [(data, "a.xdsync")], **headers)
        assert response.status_code == 403, headers
        assert "不是从学习点自己的网页发来的" in response.get_data(as_text=True)
    assert kept(relay) == []
    own = post(client, [(data, "a.xdsync")], Origin="http://localhost")
    assert own.status_code == 200
    assert len(kept(relay)) == 1
    # What a browser sends with the kiosk's own form, whatever its Origin shows.
    chrome = {"Sec-Fetch-Site": "same-origin", "Origin": "null"}
    assert post(client, [(data, "a.xdsync")], **chrome).status_code == 200
    assert client.get("/").headers["Referrer-Policy"] == "same-origin"


def test_the_disk_quota_refuses_what_does_not_fit(tmp_path):
    one = Phone().bundle([[make_record(1)]])
    app = make_relay(tmp_path / "relay", relay_max_disk_bytes=len(one) + 100)
    relay = app.extensions["xuedian.relay"]
    two = Phone().bundle([[make_record(1)]])
    html = post(app.test_client(), [(one, "one.xdsync"), (two, "two.xdsync")]).get_data(
        as_text=True
    )
    assert "已收到 1 个文件" in html and "(relay-disk-full)" in html
    assert "学习点的存储空间满了" in html
    assert [p.read_bytes() for p in kept(relay)] == [one]


def test_one_phone_and_one_address_get_a_quota_of_waiting_files(tmp_path):
    """A phone flooding the kiosk with signed files stops at its own quota; another phone
    still uploads, until the uploading address's quota is reached too."""
    phone = Phone()
    first, second = (phone.bundle([[make_record(seq)]]) for seq in (1, 2))
    size = max(len(first), len(second))
    app = make_relay(
        tmp_path / "relay",
        relay_max_device_bytes=size + 10,
        relay_max_address_bytes=3 * size + 10,
    )
    relay, client = app.extensions["xuedian.relay"], app.test_client()
    html = post(client, [(first, "a.xdsync"), (second, "b.xdsync")]).get_data(as_text=True)
    assert "已收到 1 个文件" in html and "(relay-quota-exceeded)" in html
    assert [p.read_bytes() for p in kept(relay)] == [first]
    others = [Phone().bundle([[make_record(1)]]) for _ in range(3)]
    html = post(client, [(data, f"o{i}.xdsync") for i, data in enumerate(others)]).get_data(
        as_text=True
    )
    assert "已收到 2 个文件" in html and "(relay-quota-exceeded)" in html
    assert len(kept(relay)) == 3
    # Another address (another volunteer's phone on the Wi-Fi) still uploads.
    other = app.test_client()
    answer = other.post(
        "/upload",
        data={"bundles": [(io.BytesIO(others[2]), "o2.xdsync")]},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
        headers={"Origin": "http://localhost"},
    )
    assert "已收到 1 个文件" in answer.get_data(as_text=True)
    assert len(kept(relay)) == 4


def test_a_recompressed_file_is_kept_once(tmp_path):
    app = make_relay(tmp_path / "relay")
    relay = app.extensions["xuedian.relay"]
    data = Phone().bundle([[make_record(1)]])
    again = gzip.compress(gzip.decompress(data), compresslevel=1) + b"tail"
    html = post(app.test_client(), [(data, "a.xdsync"), (again, "b.xdsync")]).get_data(as_text=True)
    assert "以前已收到" in html
    assert len(kept(relay)) == 1


def test_refused_and_forwarded_files_expire_after_their_days(tmp_path):
    app = make_relay(tmp_path / "relay", relay_refused_days=30, relay_forwarded_days=90)
    relay = app.extensions["xuedian.relay"]
    start = utcnow()
    relay.clock = lambda: start
    post(app.test_client(), [(Phone().bundle([[make_record(1)]]), f"{n}.xdsync") for n in "ab"])
    post(app.test_client(), [(Phone().bundle([[make_record(1)]]), "c.xdsync")])
    first, second, third = relay.outbox.pending()
    relay.outbox.settle(first, "refused", refused_at=iso(start), code="device-revoked")
    relay.outbox.settle(second, "forwarded", forwarded_at=iso(start))
    relay.clock = lambda: start + timedelta(days=29)
    assert relay.outbox.expire(30, 90) == 0
    relay.clock = lambda: start + timedelta(days=31)
    assert relay.outbox.expire(30, 90) == 1
    assert relay.outbox.counts() == {"outbox": 1, "forwarded": 1, "refused": 0}
    relay.clock = lambda: start + timedelta(days=91)
    assert relay.outbox.expire(30, 90) == 1
    # Files waiting for the county never expire.
    assert relay.outbox.counts() == {"outbox": 1, "forwarded": 0, "refused": 0}
    assert [i.bundle_id for i in relay.outbox.pending()] == [third.bundle_id]


@one_backend
def test_a_kiosk_clock_in_1970_costs_no_file(relay, relay_client, county):
    relay.clock = lambda: datetime(1970, 1, 1, 0, 5, tzinfo=UTC)
    post(relay_client, [(Phone().bundle([[make_record(1)]]), "a.xdsync")])
    relay.run_pass(force=True)
    assert relay.outbox.counts() == {"outbox": 0, "forwarded": 1, "refused": 0}
    with county.app.app_context():
        (row,) = db.session.scalars(select(SyncBundle)).all()
        db.session.remove()
    assert row.received_at > utcnow() - timedelta(minutes=5)


@one_backend
def test_a_file_over_its_phone_quota_waits_and_the_queue_goes_on(relay, relay_client, county):
    settings = county.app.config["XUEDIAN"]
    county.app.config["XUEDIAN"] = settings.__class__(
        **{**settings.__dict__, "quarantine_device_rows": 1}
    )
    bad = [make_record(1), make_record(2)]
    for record in bad:
        record["verb"] = "http://example.org/verbs/liked"
    post(relay_client, [(Phone().bundle([bad]), "full.xdsync")])
    post(relay_client, [(Phone().bundle([[make_record(1)]]), "fine.xdsync")])
    relay.run_pass(force=True)
    assert relay.outbox.counts() == {"outbox": 1, "forwarded": 1, "refused": 0}
    (waiting,) = relay.outbox.pending()
    assert waiting.meta["name"] == "full.xdsync"
    assert relay.state.cursor(county.url)["failures"] == 0


def test_a_file_no_check_foresaw_costs_no_other_file(tmp_path, monkeypatch):
    from xuedian.relay import outbox as outbox_module

    real = outbox_module.check_signed

    def fragile(data, limit):
        if b"boom" in gzip.decompress(data):
            raise ValueError("a case nobody foresaw")
        return real(data, limit)

    monkeypatch.setattr(outbox_module, "check_signed", fragile)
    app = make_relay(tmp_path / "relay")
    relay = app.extensions["xuedian.relay"]
    odd = Phone().bundle([[{**make_record(1), "boom": 1}]])
    fine = Phone().bundle([[make_record(1)]])
    html = post(app.test_client(), [(odd, "odd.xdsync"), (fine, "fine.xdsync")]).get_data(
        as_text=True
    )
    assert "已收到 1 个文件" in html and "(bundle-invalid)" in html
    assert [p.read_bytes() for p in kept(relay)] == [fine]
