"""The audit log: sign-ins, failed sign-ins, account changes, instructions, exports, device
revocations and pack publishes are recorded with who, what, when and from where, and each
administrator reads the events of their own area and below, in zh-CN and English."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from xuedian.audit.models import AuditEvent
from xuedian.cli import main
from xuedian.extensions import db
from xuedian.packs.builder import build

from ..org.test_login import _login, _session
from ..org.world import POINTS, build_world, sign_in

ROOT = Path(__file__).resolve().parents[3]


def events(app) -> list[tuple[str, str, str, str]]:
    """(actor, action, target, address) of every event, oldest first."""
    with app.app_context():
        rows = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(e.actor, e.action, e.target, e.address) for e in rows]


def test_sign_ins_failures_and_account_changes_are_recorded(app):
    world = build_world(app)
    admin = app.test_client()
    admin.environ_base["REMOTE_ADDR"] = "10.0.0.7"
    stranger = app.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    assert _login(stranger, "admin-c1", "not the password").status_code == 401
    assert _login(admin, "admin-c1").status_code == 302
    csrf = _session(admin)["csrf"]
    url = f"/staff/people/{world.staff['vol_a']}"
    assert admin.post(f"{url}/active", data={"csrf_token": csrf, "active": "0"}).status_code == 303
    reset = {"csrf_token": csrf, "password": "a-long-new-password"}
    assert admin.post(f"{url}/password", data=reset).status_code == 303
    added = {"csrf_token": csrf, "role": "admin", "area_id": world.areas["t1b"]}
    added.update(username="wang", password="township-officer-1")
    assert admin.post("/staff/people", data=added).status_code == 303
    admin.post("/staff/logout", data={"csrf_token": csrf})
    assert events(app) == [
        ("-", "sign-in-failed", "admin-c1", "203.0.113.9"),
        ("admin-c1", "sign-in", "admin-c1", "10.0.0.7"),
        ("admin-c1", "account-active", "vol-a", "10.0.0.7"),
        ("admin-c1", "account-password", "vol-a", "10.0.0.7"),
        ("admin-c1", "account-add", "wang", "10.0.0.7"),
        ("admin-c1", "sign-out", "admin-c1", "10.0.0.7"),
    ]
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()[2]
        assert event.details == {"active": False} and event.at is not None


def test_each_administrator_reads_their_own_area_and_below(app):
    world = build_world(app)
    for name, address in (("vol-a", "10.0.1.1"), ("admin-t1a", "10.0.1.2")):
        browser = app.test_client()
        browser.environ_base["REMOTE_ADDR"] = address
        assert _login(browser, name).status_code == 302
    assert _login(app.test_client(), "admin-c2").status_code == 302
    assert _login(app.test_client(), "nobody-at-all", "wrong password!").status_code == 401
    client = app.test_client()

    def shown(account: str, query: str = "") -> str:
        sign_in(client, world.staff[account])
        page = client.get("/staff/audit" + query)
        assert page.status_code == 200
        return page.text

    county = shown("admin_c1")
    assert "10.0.1.1" in county and "10.0.1.2" in county  # vol-a and admin-t1a, below
    assert "admin-c2" not in county.split("<main>")[1]  # another county's sign-in
    assert "nobody-at-all" in county  # a county-wide event (no such account)
    township = shown("admin_t1a")
    assert "10.0.1.1" in township and "10.0.1.2" in township
    assert "nobody-at-all" not in township
    far = shown("admin_c2")
    assert "10.0.1.1" not in far and "10.0.1.2" not in far
    assert "admin-c2" in far and "操作记录" in far
    english = shown("admin_c1", "?lang=en&action=sign-in")
    assert "Audit log" in english and "Signed in" in english
    assert "nobody-at-all" not in english  # the filter shows sign-ins only
    sign_in(client, world.staff["vol_a"])
    assert client.get("/staff/audit").status_code == 403


def test_instructions_and_exports_are_recorded(app):
    world = build_world(app)
    client = app.test_client()
    sign_in(client, world.staff["admin_c1"])
    sent = client.post(
        "/staff/instructions",
        data={"csrf_token": "test-csrf", "kind": "resync", "point": world.points["A"]},
    )
    assert sent.status_code == 303
    assert client.get("/staff/reports/export/health.csv").status_code == 200
    assert client.get("/staff/reports/export/records.csv?lang=en").status_code == 200
    recorded = [(actor, action, target) for actor, action, target, _ in events(app)]
    assert recorded == [
        ("admin-c1", "instruction", POINTS["A"][0]),
        ("admin-c1", "export", "health.csv"),
        ("admin-c1", "export", "records.csv"),
    ]


def test_command_line_revocations_and_publishes_are_recorded_as_cli(app, tmp_path):
    world = build_world(app)
    source = tmp_path / "src" / "xuedian-welcome"
    shutil.copytree(ROOT / "content_packs" / "xuedian-welcome", source)
    archive = build(source, tmp_path / "out", app.extensions["xuedian.keyring"]).archive
    device = POINTS["A"][2]
    with app.app_context():
        runner = CliRunner()
        revoked = runner.invoke(main, ["devices", "revoke", device])
        assert revoked.exit_code == 0, revoked.output
        published = runner.invoke(main, ["packs", "publish", "--no-notify", str(archive)])
        assert published.exit_code == 0, published.output
        reset = runner.invoke(
            main, ["org", "staff", "password", "vol-b"], input="cli-set-password\n" * 2
        )
        assert reset.exit_code == 0, reset.output
    assert events(app) == [
        ("cli", "device-revoke", device, "cli"),
        ("cli", "pack-publish", "xuedian-welcome v1", "cli"),
        ("cli", "account-password", "vol-b", "cli"),
    ]
    # The revocation is filed under point A's village: its township's administrator sees it.
    client = app.test_client()
    sign_in(client, world.staff["admin_t1a"])
    assert device in client.get("/staff/audit").text
