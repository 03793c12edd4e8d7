"""A learning point's page: phones, learner counts, backlog, pack versions against the
latest, the enrolment QR code and poster, downloads, and the upload of many bundles."""

from __future__ import annotations

import html
import io
from dataclasses import replace
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import segno
from flask_migrate import upgrade

from xuedian import create_app
from xuedian.core.timeutil import utcnow
from xuedian.extensions import db
from xuedian.org.enrolment import token_point
from xuedian.packs.models import PackRelease
from xuedian.sync.models import Device, LearningRecord, SyncBundle

from ..staffsession import signed_in
from ..sync.helpers import Phone, make_record
from .world import POINTS, build_world, sign_in


def _release(pack_id: str, version: int, title: str, title_en: str = "Health") -> None:
    db.session.add(
        PackRelease(
            pack_id=pack_id,
            version=version,
            title={"zh-CN": title, "en": title_en},
            description={},
            category="health",
            credit_hours=1.0,
            size=2_500_000,
            manifest="{}",
            manifest_sha256="0" * 64,
            archive_name=f"{pack_id}-v{version}.xdpack",
            published_at=utcnow(),
        )
    )


def _phones_with_packs(app, world):
    """Point A holds three phones: one on the latest pack, one older, one never reported."""
    with app.app_context():
        _release("health", 1, "健康")
        _release("health", 3, "健康")
        now = utcnow()
        point = world.points["A"]
        for ident, status in (
            ("dddd4444" + "0" * 24, {"unsent": 5, "packs": {"health": 3}}),
            ("eeee5555" + "0" * 24, {"unsent": 2, "packs": {"health": 1}}),
            ("ffff6666" + "0" * 24, None),
        ):
            db.session.add(
                Device(
                    id=ident,
                    app_version="t",
                    created_at=now,
                    last_seen_at=now - timedelta(hours=2) if status else None,
                    last_status=status,
                    learning_point_id=point,
                )
            )
        db.session.commit()


def test_point_page_shows_phones_counts_and_pack_versions(app, client):
    world = build_world(app)
    _phones_with_packs(app, world)
    sign_in(client, world.staff["vol_a"])
    page = client.get(f"/staff/points/{world.points['A']}")
    assert page.status_code == 200
    text = page.text
    assert 'data-testid="devices-count">4<' in text  # the world's phone and three more
    assert 'data-testid="profiles-count">3<' in text
    assert 'data-band="60-69">1<' in text and 'data-band="70+">1<' in text
    assert 'data-band="unknown">1<' in text and 'data-band="under-30">0<' in text
    assert 'data-testid="backlog">14<' in text  # 7 + 5 + 2; the silent phone is unknown
    assert 'data-testid="quarantined">1<' in text
    for short in ("aaaa1111", "dddd4444", "eeee5555", "ffff6666"):
        assert f'data-device="{short}"' in text
    assert "旧版 v1（最新 v3）" in text
    assert "最新 v3" in text
    # One phone on the latest, one older, one without the pack, one never reported.
    assert "已是最新 1 · 旧版 1 · 没有 1 · 未报告 1" in text
    assert 'href="/api/v1/packs/health/3/archive"' in text
    assert "/api/v1/packs/health/1/archive" not in text
    # Learners stay pseudonymous: no profile id appears.
    assert "aaaa1111-60-69" not in text


def test_english_page(app, client):
    world = build_world(app)
    _phones_with_packs(app, world)
    sign_in(client, world.staff["admin_c1"])
    text = client.get(f"/staff/points/{world.points['A']}?lang=en").text
    assert "Enrolled phones" in text and "old v1 (latest v3)" in text
    assert "Download Health v3 (2.5 MB)" in text


def _sign_in_at(client, staff_id: int, base_url: str) -> None:
    """Sign in on a session cookie for ``base_url``'s host (a LAN address, a county name)."""
    with client.session_transaction(base_url=base_url) as session:
        signed_in(session, staff_id, "test-csrf")


def _enrol_url(text: str) -> str:
    start = text.index('data-testid="enrol-url">') + len('data-testid="enrol-url">')
    return html.unescape(text[start : text.index("<", start)])


def test_qr_code_carries_the_address_the_page_was_opened_at_and_says_so(app, client):
    world = build_world(app)
    _sign_in_at(client, world.staff["vol_a"], "http://10.0.0.5:8000")
    text = client.get(f"/staff/points/{world.points['A']}", base_url="http://10.0.0.5:8000").text
    url = _enrol_url(text)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == "http://10.0.0.5:8000"
    query = parse_qs(parts.query)
    assert query["point"] == [POINTS["A"][0]]
    with app.app_context():
        assert token_point(POINTS["A"][0], query["t"][0]).code == POINTS["A"][0]
        assert token_point(POINTS["B"][0], query["t"][0]) is None  # names one point only
    assert 'data-testid="public-url-note"' in text and "http://10.0.0.5:8000" in text
    expected = segno.make(url, error="m").svg_inline(scale=1, border=4, omitsize=True)
    path = expected[expected.index("<path") : expected.index("/>", expected.index("<path"))]
    assert path in text
    assert "<script>" not in text
    sign_in(client, world.staff["vol_a"])
    english = client.get(f"/staff/points/{world.points['A']}?lang=en").text
    assert "no public address set (XUEDIAN_PUBLIC_URL)" in english
    poster = client.get(f"/staff/points/{world.points['A']}/poster").text
    assert 'data-testid="public-url-note"' in poster and "XUEDIAN_PUBLIC_URL" in poster


def test_qr_code_and_poster_use_the_public_url_when_it_is_set(app, client):
    world = build_world(app)
    app.config["XUEDIAN"] = replace(app.config["XUEDIAN"], public_url="https://xx.example.cn/")
    sign_in(client, world.staff["vol_a"])
    for path in ("", "/poster"):
        text = client.get(f"/staff/points/{world.points['A']}{path}").text
        assert f"https://xx.example.cn/?point={POINTS['A'][0]}&amp;t=" in text
        assert 'data-testid="public-url-note"' not in text
        assert "127.0.0.1" not in text and "localhost" not in text


def test_qr_code_behind_a_proxy_uses_the_forwarded_address(tmp_path):
    app = create_app({"instance_path": str(tmp_path / "i"), "proxy_hops": 1})
    with app.app_context():
        upgrade()
        app.extensions["xuedian.keyring"].ensure()
        world = build_world(app)
    client = app.test_client()
    _sign_in_at(client, world.staff["vol_a"], "http://xx.example.cn")
    # nginx passes the Host it was asked for and says the phone came over https.
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    page = f"/staff/points/{world.points['A']}"
    text = client.get(page, headers=headers, base_url="http://xx.example.cn").text
    assert _enrol_url(text).startswith(f"https://xx.example.cn/?point={POINTS['A'][0]}&t=")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_poster_is_a4_in_chinese(app, client):
    world = build_world(app)
    sign_in(client, world.staff["admin_t1a"])
    poster = client.get(f"/staff/points/{world.points['A']}/poster?lang=en")
    assert poster.status_code == 200
    assert '<html lang="zh-CN">' in poster.text
    assert "用手机浏览器扫描上面的二维码" in poster.text and "添加到主屏幕" in poster.text
    assert f"?point={POINTS['A'][0]}" in poster.text
    css = client.get("/staff/static/poster.css").get_data(as_text=True)
    assert "@page { size: A4" in css


def _bundle(phone: Phone, seqs) -> bytes:
    return phone.bundle([[make_record(s) for s in seqs]])


def test_upload_many_bundles_without_javascript(app, client):
    world = build_world(app)
    sign_in(client, world.staff["vol_a"])
    one, two = Phone(), Phone()
    data = {
        "csrf_token": "test-csrf",
        "bundles": [
            (io.BytesIO(_bundle(one, [1, 2])), "one.xdsync"),
            (io.BytesIO(_bundle(two, [1, 2, 3])), "two.xdsync"),
            (io.BytesIO(b"garbage"), "bad.xdsync"),
        ],
    }
    page = client.post(f"/staff/points/{world.points['A']}/bundles", data=data)
    assert page.status_code == 200
    assert "县里收下了 2 个文件，共 3 个。" in page.text
    assert "one.xdsync" in page.text and "新记录 2 条" in page.text
    assert "two.xdsync" in page.text and "新记录 3 条" in page.text
    assert "没有收下" in page.text
    with app.app_context():
        bundles = db.session.scalars(db.select(SyncBundle)).all()
        assert {b.carried_by for b in bundles} == {world.staff["vol_a"]}
        assert db.session.query(LearningRecord).count() == 5


def test_upload_answers_json_for_the_script(app, client):
    world = build_world(app)
    sign_in(client, world.staff["admin_c1"])
    phone = Phone()
    content = _bundle(phone, [1])
    url = f"/staff/points/{world.points['B']}/bundles?lang=en"
    headers = {"Accept": "application/json", "X-CSRF-Token": "test-csrf"}
    first = client.post(url, data={"bundles": [(io.BytesIO(content), "a.xdsync")]}, headers=headers)
    again = client.post(url, data={"bundles": [(io.BytesIO(content), "a.xdsync")]}, headers=headers)
    assert first.status_code == 200 and first.json["files"][0]["ok"] is True
    assert first.json["files"][0]["text"] == "1 new records, 0 already stored."
    assert again.json["files"][0]["text"].startswith("Already imported before")
    assert again.json["summary"] == "The county took 1 of 1 files."
    empty = client.post(url, data={}, headers=headers)
    assert empty.status_code == 400 and empty.json["files"] == []


def test_upload_too_large_is_a_page(app, client):
    world = build_world(app)
    app.config["XUEDIAN"] = app.config["XUEDIAN"].__class__(
        **{**app.config["XUEDIAN"].__dict__, "max_upload_bytes": 1000}
    )
    sign_in(client, world.staff["vol_a"])
    data = {"csrf_token": "test-csrf", "bundles": [(io.BytesIO(b"x" * 5000), "big.xdsync")]}
    response = client.post(f"/staff/points/{world.points['A']}/bundles", data=data)
    assert response.status_code == 413
    assert response.mimetype == "text/html" and "分几次上传" in response.text


def test_points_list(app, client):
    world = build_world(app)
    sign_in(client, world.staff["admin_c1"])
    text = client.get("/staff/points").text
    assert POINTS["A"][0] in text and POINTS["B"][0] in text and POINTS["C"][0] not in text
    assert "1 部手机" in text
