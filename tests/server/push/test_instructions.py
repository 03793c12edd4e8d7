"""Remote instructions: delivered in the changes feed at the next contact, once; confirmed by
the cursor; sent from the CLI or the admin form (scoped); update-pack leaves an inbox notice;
a pack never published, or a phone outside the sender's scope, is refused with nothing
stored and nobody told."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from xuedian.cli import main
from xuedian.core.timeutil import utcnow
from xuedian.extensions import db
from xuedian.instructions.models import Instruction
from xuedian.org.auth import hash_password
from xuedian.org.models import Area, LearningPoint, Staff
from xuedian.packs.models import PackRelease
from xuedian.push.models import InboxMessage
from xuedian.sync.models import Device

from ..staffsession import signed_in
from ..sync.helpers import STATUS, now_iso, register

CHANGES = "/api/v1/sync/changes"


def cli(app, *args):
    with app.app_context():
        return CliRunner().invoke(main, list(args))


def ask(client, phone, cursor=None, **extra) -> dict:
    signed = {"type": "changes-request", "device_id": phone.device_id, "created": now_iso()}
    envelope = phone.sign({**signed, "cursor": cursor, **extra})
    response = client.post(CHANGES, json=envelope)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def delivered(app) -> dict[int, bool]:
    with app.app_context():
        rows = db.session.scalars(select(Instruction).order_by(Instruction.id))
        return {r.id: r.delivered_at is not None for r in rows}


def make_tree(app) -> dict:
    """Two counties, a point in each, an admin of the first."""
    with app.app_context():
        ids = {}
        for code in ("qingshui", "other"):
            county = Area(level="county", code=code, name=code, path="")
            db.session.add(county)
            db.session.flush()
            county.path = f"/{county.id}/"
            village = Area(level="village", code=f"{code}-v", name="村", parent_id=county.id)
            db.session.add(village)
            db.session.flush()
            village.path = f"{county.path}{village.id}/"
            point = LearningPoint(
                code=f"{code}-p", name="学习点", area_id=village.id, created_at=utcnow()
            )
            db.session.add(point)
            db.session.flush()
            ids[code] = point.id
        admin = Staff(
            username="admin",
            password_hash=hash_password("x" * 12),
            role="admin",
            area_id=db.session.scalar(select(Area.id).where(Area.code == "qingshui")),
            created_at=utcnow(),
        )
        db.session.add(admin)
        db.session.commit()
        ids["admin"] = admin.id
        return ids


def publish(app, pack: str, *versions: int) -> None:
    """Published releases of ``pack`` (rows only: what the form lists and the service checks)."""
    with app.app_context():
        for version in versions:
            db.session.add(
                PackRelease(
                    pack_id=pack,
                    version=version,
                    title={"zh-CN": "地方戏", "en": "Local opera"},
                    description={"zh-CN": "", "en": ""},
                    category="heritage",
                    credit_hours=1.0,
                    size=1,
                    manifest="{}",
                    manifest_sha256="0" * 64,
                    archive_name=f"{pack}-v{version}.xdpack",
                    published_at=utcnow(),
                )
            )
        db.session.commit()


def stored(app) -> tuple[int, int]:
    """How many instructions and inbox messages are stored."""
    with app.app_context():
        count = db.func.count()
        return (
            db.session.scalar(select(count).select_from(Instruction)),
            db.session.scalar(select(count).select_from(InboxMessage)),
        )


def enrol(app, phone, point_id: int) -> None:
    with app.app_context():
        db.session.get(Device, phone.device_id).learning_point_id = point_id
        db.session.commit()


def test_resync_is_delivered_at_the_next_contact_and_only_once(app, client):
    phone, other = register(client), register(client)
    result = cli(app, "instructions", "send", "--kind", "resync", "--device", phone.device_id)
    assert result.exit_code == 0, result.output
    first = ask(client, phone)
    assert [i["kind"] for i in first["instructions"]] == ["resync"]
    assert ask(client, other)["instructions"] == []
    # The answer was lost: asking again with the old (no) cursor brings it again.
    again = ask(client, phone)
    assert [i["id"] for i in again["instructions"]] == [first["instructions"][0]["id"]]
    assert list(delivered(app).values()) == [False]
    # Coming back with the answer's cursor confirms it: never sent again.
    assert ask(client, phone, again["cursor"])["instructions"] == []
    assert list(delivered(app).values()) == [True]
    assert ask(client, phone)["instructions"] == []  # even after a full resync


def test_update_pack_to_a_point_reaches_each_phone_with_an_inbox_notice(app, client):
    ids = make_tree(app)
    here, there = register(client), register(client)
    enrol(app, here, ids["qingshui"])
    enrol(app, there, ids["other"])
    publish(app, "opera", 1, 2)
    result = cli(
        app,
        *["instructions", "send", "--kind", "update-pack", "--point", "qingshui-p"],
        *["--pack", "opera", "--version", "2", "--by", "2026-12-31"],
    )
    assert result.exit_code == 0, result.output
    answer = ask(client, here)
    [order] = answer["instructions"]
    assert (order["kind"], order["pack"], order["version"], order["by_date"]) == (
        "update-pack",
        "opera",
        2,
        "2026-12-31",
    )
    [notice] = answer["messages"]
    assert "opera" in notice["title"]["en"] and "2026-12-31" in notice["body"]["zh-CN"]
    far = ask(client, there)
    assert far["instructions"] == [] and far["messages"] == []


def test_changes_request_may_carry_a_heartbeat(app, client):
    phone = register(client)
    ask(client, phone, status={**STATUS, "unsent": 7})
    with app.app_context():
        assert db.session.get(Device, phone.device_id).last_status["unsent"] == 7


def test_admin_form_sends_only_within_scope(app, client):
    ids = make_tree(app)
    phone = register(client)
    enrol(app, phone, ids["qingshui"])
    with client.session_transaction() as session:
        signed_in(session, ids["admin"])
    page = client.get("/staff/instructions")
    assert page.status_code == 200 and "远程指令" in page.get_data(as_text=True)
    assert "other-p" not in page.get_data(as_text=True)
    no_csrf = client.post("/staff/instructions", data={"kind": "resync", "point": ids["qingshui"]})
    assert no_csrf.status_code == 400
    foreign = client.post(
        "/staff/instructions", data={"csrf_token": "t", "kind": "resync", "point": ids["other"]}
    )
    assert foreign.status_code == 400
    sent = client.post(
        "/staff/instructions", data={"csrf_token": "t", "kind": "resync", "point": ids["qingshui"]}
    )
    assert sent.status_code == 303
    assert [i["kind"] for i in ask(client, phone)["instructions"]] == ["resync"]
    listing = client.get("/staff/instructions?lang=en").get_data(as_text=True)
    assert "Force a full resync" in listing and phone.device_id[:8] in listing


def test_cli_refuses_a_pack_never_published_and_stores_nothing(app, client):
    phone = register(client)
    publish(app, "opera", 1)
    for pack, version in (("不存在的课程", None), ("opera", 2)):
        args = ["instructions", "send", "--kind", "update-pack", "--device", phone.device_id]
        args += ["--pack", pack] + (["--version", str(version)] if version else [])
        result = cli(app, *args)
        assert result.exit_code == 1, result.output
        assert "pack-unknown" in result.output and pack in result.output
    assert stored(app) == (0, 0)
    answer = ask(client, phone)
    assert answer["instructions"] == [] and answer["messages"] == []


def test_admin_form_lists_published_packs_and_phones_in_scope(app, client):
    ids = make_tree(app)
    here, there = register(client), register(client)
    enrol(app, here, ids["qingshui"])
    enrol(app, there, ids["other"])
    publish(app, "opera", 1, 2)
    with client.session_transaction() as session:
        signed_in(session, ids["admin"])
    page = client.get("/staff/instructions").get_data(as_text=True)
    assert '<select id="pack" name="pack">' in page and '<select id="device" name="device">' in page
    assert '<option value="opera"' in page and "地方戏 (opera v2)" in page
    assert f'<option value="{here.device_id}"' in page
    assert there.device_id[:8] not in page  # another county's phone is not offered


def test_admin_form_refuses_an_unknown_pack_or_a_phone_out_of_scope(app, client):
    ids = make_tree(app)
    here, there = register(client), register(client)
    enrol(app, here, ids["qingshui"])
    enrol(app, there, ids["other"])
    publish(app, "opera", 1)
    with client.session_transaction() as session:
        signed_in(session, ids["admin"])
    form = {"csrf_token": "t", "kind": "update-pack", "point": ids["qingshui"]}
    unknown = client.post("/staff/instructions", data={**form, "pack": "不存在的课程"})
    assert unknown.status_code == 400
    assert "县里没有发布过这个课程包" in unknown.get_data(as_text=True)
    old = client.post("/staff/instructions?lang=en", data={**form, "pack": "opera", "version": "3"})
    assert old.status_code == 400 and "No such pack" in old.get_data(as_text=True)
    form = {"csrf_token": "t", "kind": "resync", "device": there.device_id}
    foreign = client.post("/staff/instructions", data=form)
    assert foreign.status_code == 400
    assert "不在您的管辖范围内" in foreign.get_data(as_text=True)
    assert stored(app) == (0, 0)
    assert ask(client, here)["messages"] == [] and ask(client, there)["instructions"] == []
    sent = client.post(
        "/staff/instructions",
        data={"csrf_token": "t", "kind": "update-pack", "device": here.device_id, "pack": "opera"},
    )
    assert sent.status_code == 303 and stored(app) == (1, 1)


def test_the_service_checks_scope_for_a_staff_sender(app, client):
    from xuedian.instructions.service import DeviceOutOfScope, send

    ids = make_tree(app)
    there = register(client)
    enrol(app, there, ids["other"])
    with app.app_context():
        admin = db.session.get(Staff, ids["admin"])
        device = db.session.get(Device, there.device_id)
        point = db.session.get(LearningPoint, ids["other"])
        for target in ({"devices": [device]}, {"devices": [], "point": point}):
            with pytest.raises(DeviceOutOfScope) as error:
                send("resync", created_by=admin, **target)
            assert error.value.code == "device-out-of-scope"
    assert stored(app) == (0, 0)
