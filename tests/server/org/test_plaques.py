"""Route plaques: the point page links a route pack's plaques; the plaque page prints one
A5 plaque per site with its name and the QR code of ``<public url>/?site=<pack>/<site>``."""

from __future__ import annotations

import html
import json
from dataclasses import replace

import segno

from xuedian.core.timeutil import utcnow
from xuedian.extensions import db
from xuedian.packs.models import PackRelease

from .world import build_world, sign_in

SITES = [
    {
        "id": "citang",
        "title": {"zh-CN": "宗族祠堂", "en": "The ancestral hall"},
        "lesson": "02-citang",
    },
    {"id": "shiqiao", "title": {"zh-CN": "河上石拱桥", "en": "The stone bridge"}, "lesson": "03-q"},
]


def _publish(app, pack_id: str, route: dict | None) -> None:
    signed = {"type": "manifest", "pack_id": pack_id, **({"route": route} if route else {})}
    with app.app_context():
        db.session.add(
            PackRelease(
                pack_id=pack_id,
                version=1,
                title={"zh-CN": "建筑可阅读", "en": "Reading old buildings"},
                description={},
                category="heritage",
                credit_hours=1.0,
                size=1000,
                manifest=json.dumps({"signed": signed, "signature": "x"}),
                manifest_sha256="0" * 64,
                archive_name=f"{pack_id}-v1.xdpack",
                published_at=utcnow(),
            )
        )
        db.session.commit()


def _qr_path(url: str) -> str:
    svg = segno.make(url, error="m").svg_inline(scale=1, border=4, omitsize=True)
    start = svg.index("<path")
    return svg[start : svg.index("/>", start)]


def test_plaques_one_per_site_with_name_and_site_qr(app, client):
    world = build_world(app)
    app.config["XUEDIAN"] = replace(app.config["XUEDIAN"], public_url="https://xx.example.cn/")
    _publish(app, "jianzhu-keyuedu", {"map": "media/m.webp", "sites": SITES})
    _publish(app, "plain-pack", None)
    sign_in(client, world.staff["vol_a"])
    point = client.get(f"/staff/points/{world.points['A']}").text
    assert 'data-testid="plaques-jianzhu-keyuedu"' in point
    assert 'data-testid="plaques-plain-pack"' not in point
    response = client.get("/staff/plaques/jianzhu-keyuedu")
    assert response.status_code == 200
    text = html.unescape(response.text)
    assert "size: A5" in client.get("/staff/static/plaque.css").text
    for site in SITES:
        url = f"https://xx.example.cn/?site=jianzhu-keyuedu/{site['id']}"
        assert f'data-testid="plaque-{site["id"]}"' in text
        assert site["title"]["zh-CN"] in text
        assert url in text
        assert _qr_path(url) in text
    assert text.count('data-testid="plaque-qr"') == 2
    assert "用手机相机或微信扫一扫" in text


def test_plaques_of_a_pack_without_route_say_so(app, client):
    world = build_world(app)
    _publish(app, "plain-pack", None)
    sign_in(client, world.staff["vol_a"])
    assert 'data-testid="plaques-none"' in client.get("/staff/plaques/plain-pack").text


def test_plaques_need_staff_and_a_published_pack(app, client):
    world = build_world(app)
    assert client.get("/staff/plaques/jianzhu-keyuedu").status_code in (302, 401)
    sign_in(client, world.staff["vol_a"])
    assert client.get("/staff/plaques/nowhere").status_code == 404
