"""The kiosk's LAN pages: no script anywhere, a strict CSP, and an upload form whose answer
is a custody receipt; malformed or oversized files are refused without being kept."""

from __future__ import annotations

import gzip
import io
import json
import re

import pytest

from xuedian.core.words import size_text
from xuedian.sync.bundlefile import check_signed

from ..sync.helpers import Phone, make_record
from .conftest import make_relay, one_backend

PAGES = ["/", "/acks", "/acks?device=abc", "/acks?device=0123456789abcdef"]


@pytest.fixture
def lone_relay(tmp_path):
    """A relay that never saw a county: uploads work all the same."""
    return make_relay(tmp_path / "relay-instance")


def bundle(phone: Phone | None = None, first_seq: int = 1, count: int = 3) -> bytes:
    phone = phone or Phone()
    return phone.bundle([[make_record(s) for s in range(first_seq, first_seq + count)]])


def post_files(client, files: list[tuple[bytes, str]]):
    data = {"bundles": [(io.BytesIO(body), name) for body, name in files]}
    return client.post("/upload", data=data, content_type="multipart/form-data")


def stored(relay, folder: str = "outbox") -> list[str]:
    return sorted(p.name for p in (relay.root / folder).glob("*"))


def assert_no_script(response) -> None:
    html = response.get_data(as_text=True)
    assert "<script" not in html.lower()
    assert re.search(r"\son[a-z]+\s*=", html) is None, "no inline event handlers"
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_script_and_send_a_strict_csp(lone_relay):
    client = lone_relay.test_client()
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.mimetype == "text/html"
        assert_no_script(response)
    receipt = post_files(client, [(bundle(), "a.xdsync")])
    assert_no_script(receipt)
    css = client.get("/plain-static/plain.css")
    assert css.status_code == 200 and css.mimetype == "text/css"


def test_page_is_chinese_first_with_english_under_each_line(lone_relay):
    html = lone_relay.test_client().get("/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "交学习记录" in html and "Hand in learning records" in html
    assert 'enctype="multipart/form-data"' in html
    assert 'name="bundles" multiple' in html
    assert "上次连上县里：还没有" in html and "Last contact with the county: not yet" in html


@one_backend
def test_index_lists_the_mirrored_packs_with_size_and_link(relay, relay_client):
    relay.run_pass(force=True)
    html = relay_client.get("/").get_data(as_text=True)
    assert "学点入门" in html
    assert 'href="/packs/xuedian-welcome-v1.xdpack"' in html
    size = relay.mirror.packs()[0]["archive_size"]
    assert f"第 1 版 · {size_text(size)}" in html and size_text(size).endswith(("KB", "MB"))
    assert "上次连上县里：还没有" not in html


def test_upload_of_several_files_one_bad_gives_a_custody_receipt(lone_relay):
    relay = lone_relay.extensions["xuedian.relay"]
    phone, other = Phone(), Phone()
    files = [
        (bundle(phone, 1), "xuedian-a.xdsync"),
        (b"not gzip at all", "photo.jpg"),
        (bundle(phone, 4), "xuedian-b.xdsync"),
        (gzip.compress(json.dumps({"type": "something"}).encode()), "other.xdsync"),
        (bundle(other, 1), "xuedian-c.xdsync"),
    ]
    response = post_files(lone_relay.test_client(), files)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "已收到 3 个文件，有网时转交县里。" in html
    assert "Received 3 files; they go to the county when there is a connection." in html
    assert "不是县里的回执" in html
    assert html.count("没有收下") == 2
    assert "The file is not gzip; is it a .xdsync bundle?" in html
    assert "(bundle-invalid)" in html
    files_kept = stored(relay)
    assert len(files_kept) == 6  # three bundles, three sidecars
    for body, name in (files[0], files[2], files[4]):
        digest = check_signed(body, 1 << 20)["content_id"]
        assert (relay.root / "outbox" / f"{digest}.xdsync").read_bytes() == body
        meta = json.loads((relay.root / "outbox" / f"{digest}.json").read_text())
        assert meta["name"] == name and meta["size"] == len(body)
        assert meta["device_id"] in (phone.device_id, other.device_id)
        assert meta["received_at"].endswith("Z")
    assert list((relay.root / "tmp").iterdir()) == []


def test_the_same_file_twice_is_kept_once(lone_relay):
    relay = lone_relay.extensions["xuedian.relay"]
    client = lone_relay.test_client()
    data = bundle()
    first = post_files(client, [(data, "one.xdsync"), (data, "copy.xdsync")])
    assert "已收到 2 个文件" in first.get_data(as_text=True)
    again = post_files(client, [(data, "later.xdsync")]).get_data(as_text=True)
    assert "以前已收到" in again and "already here before" in again
    assert len(stored(relay)) == 2
    (meta,) = [json.loads(p.read_text()) for p in (relay.root / "outbox").glob("*.json")]
    assert meta["name"] == "one.xdsync"


def test_a_file_over_the_size_cap_is_refused_without_storing(tmp_path):
    app = make_relay(tmp_path / "relay-instance", max_body_bytes=4000, max_bundle_bytes=20_000)
    relay = app.extensions["xuedian.relay"]
    big = Phone().bundle([[make_record(s) for s in range(1, 300)]])
    assert len(big) > 4000
    bomb = gzip.compress(b"{" + b" " * 100_000 + b"}")
    assert len(bomb) < 4000
    files = [(big, "big.xdsync"), (bomb, "bomb.xdsync")]
    html = post_files(app.test_client(), files).get_data(as_text=True)
    assert "已收到 0 个文件" in html
    assert html.count("这个同步文件太大") == 2 and html.count("(bundle-too-large)") == 2
    assert "expands beyond the accepted size" in html
    assert stored(relay) == []


def test_an_upload_over_the_request_cap_is_answered_with_a_page(tmp_path):
    app = make_relay(tmp_path / "relay-instance", max_upload_bytes=3000)
    relay = app.extensions["xuedian.relay"]
    response = post_files(app.test_client(), [(bundle(count=40), "a.xdsync")] * 2)
    assert response.status_code == 413
    assert "请分几次上传" in response.get_data(as_text=True)
    assert_no_script(response)
    assert stored(relay) == []


def test_an_empty_form_says_no_file_was_chosen(lone_relay):
    response = lone_relay.test_client().post(
        "/upload", data={"bundles": (io.BytesIO(b""), "")}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "没有选择文件" in response.get_data(as_text=True)


def test_acks_page_asks_for_eight_characters(lone_relay):
    client = lone_relay.test_client()
    short = client.get("/acks?device=abc").get_data(as_text=True)
    assert "请输入至少 8 位" in short
    unknown = client.get("/acks?device=0123abcd").get_data(as_text=True)
    assert "这台手机还没有县里的回执" in unknown
    assert client.get("/acks/" + "0" * 32 + ".xdack").status_code == 404
    assert client.get("/acks/..%2Fstate.xdack").status_code == 404
