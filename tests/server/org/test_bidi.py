"""Direction controls (U+202E and kin) never reach a staff page raw: a learning point named
to read backwards shows a visible replacement character instead."""

from __future__ import annotations

from xuedian.extensions import db
from xuedian.org.models import LearningPoint

from .world import build_world, sign_in

TRICK = "村委会\u202egpj.exe\u2066x\u2069"


def test_direction_controls_are_neutralised_on_staff_pages(app, client):
    world = build_world(app)
    with app.app_context():
        point = db.session.get(LearningPoint, world.points["A"])
        point.name = TRICK
        db.session.commit()
    sign_in(client, world.staff["admin_c1"])
    for path in ("/staff/points", f"/staff/points/{world.points['A']}", "/staff/org"):
        page = client.get(path)
        assert page.status_code == 200, path
        for control in ("\u202e", "\u2066", "\u2069"):
            assert control not in page.text, (path, control)
    assert "村委会\ufffdgpj.exe" in client.get("/staff/points").text


def test_every_template_neutralises_but_keeps_escaping(app):
    with app.test_request_context():
        template = app.jinja_env.from_string("{{ a }}|{{ b }}")
        assert template.render(a="<b>\u202e", b=7) == "&lt;b&gt;\ufffd|7"
