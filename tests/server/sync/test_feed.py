"""The changes feed: pages, an opaque cursor a phone cannot forge, messages for it or for all,
the catalog version and the county ack."""

from __future__ import annotations

import dataclasses
import json
import re
import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from xuedian.cli import main
from xuedian.core.timeutil import utcnow
from xuedian.extensions import db
from xuedian.packs.models import CatalogSnapshot, PackRelease
from xuedian.push.models import InboxMessage
from xuedian.push.service import send
from xuedian.sync.models import Device

from .helpers import Phone, make_record, now_iso, register, uuid7
from .test_hostile import assert_envelope

CHANGES = "/api/v1/sync/changes"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def lesson_record(seq: int, learner: str, lesson: str, pack: str = "opera", **extra) -> dict:
    return {
        "id": uuid7(),
        "learner": learner,
        "verb": COMPLETED,
        "object": {"pack": pack, "version": 1, "lesson": lesson},
        "result": {"duration": "PT2M", "evidence": {"seconds": 120, "chars": 800}},
        "timestamp": now_iso(),
        "device_seq": seq,
        **extra,
    }


def ask(client, phone: Phone, cursor: str | None = None, **signed):
    envelope = phone.sign(
        {
            "type": "changes-request",
            "device_id": phone.device_id,
            "created": now_iso(),
            "cursor": cursor,
            **signed,
        }
    )
    return client.post(CHANGES, json=envelope)


def changes(client, phone: Phone, cursor: str | None = None) -> dict:
    response = ask(client, phone, cursor)
    assert response.status_code == 200, response.json
    return response.json


def publish_release(app, pack: str, lessons: list[str], credit_hours: float, version: int = 1):
    """A release row as publishing leaves it (the archive itself is not needed here)."""
    manifest = json.dumps({"signed": {"pack_id": pack, "lessons": [{"id": x} for x in lessons]}})
    with app.app_context():
        db.session.add(
            PackRelease(
                pack_id=pack,
                version=version,
                title={"zh-CN": pack, "en": pack},
                description={"zh-CN": "", "en": ""},
                category="heritage",
                credit_hours=credit_hours,
                size=1,
                manifest=manifest,
                manifest_sha256=uuid.uuid4().hex * 2,
                archive_name=f"{pack}-v{version}.xdpack",
                published_at=utcnow(),
            )
        )
        db.session.commit()


def test_changes_first_feed_then_nothing_new(app, client):
    publish_release(app, "opera", ["01", "02"], 2.5)
    phone = register(client)
    learner = str(uuid.uuid4())
    records = [lesson_record(1, learner, "01"), lesson_record(2, learner, "02")]
    records.append(lesson_record(3, learner, "02", verb="http://adlnet.gov/expapi/verbs/attempted"))
    records[2]["result"] = {"score": 0.75, "duration": "PT1M"}
    assert phone.send(client, records).status_code == 200

    first = changes(client, phone)
    assert first["ok"] is True and first["more"] is False
    assert [(p["lesson"], p["completed"], p["seconds"]) for p in first["progress"]] == [
        ("01", True, 120),
        ("02", True, 180),
    ]
    assert first["progress"][1]["best_score"] == 0.75
    assert first["totals"] == [
        {
            "learner": learner,
            "lessons_completed": 2,
            "lessons_verified": 2,
            "hours": 0.08,
            "credits": 2.5,
        }
    ]
    assert first["ack"] == {"max_contiguous_seq": 3, "stored_seq_ranges": [[1, 3]]}
    with app.app_context():
        snapshot = db.session.scalar(select(CatalogSnapshot).order_by(CatalogSnapshot.id.desc()))
        assert first["catalog"]["etag"] == snapshot.etag
    assert first["messages"] == []

    again = changes(client, phone, first["cursor"])
    assert (again["progress"], again["totals"], again["messages"]) == ([], [], [])
    assert again["more"] is False
    assert again["ack"] == first["ack"]
    assert again["catalog"] == first["catalog"]
    # The phone may always start over: a null cursor brings everything again.
    assert changes(client, phone)["totals"] == first["totals"]


def test_changes_bring_only_learners_with_new_records_in_full(app, client):
    phone = register(client)
    ann, ben = str(uuid.uuid4()), str(uuid.uuid4())
    phone.send(client, [lesson_record(1, ann, "01"), lesson_record(2, ben, "01")])
    cursor = changes(client, phone)["cursor"]
    later = lesson_record(3, ann, "02")
    phone.send(client, [later])
    answer = changes(client, phone, cursor)
    # All of ann's lessons (the phone replaces her rows), nothing of ben's.
    assert [(p["learner"], p["lesson"]) for p in answer["progress"]] == [(ann, "01"), (ann, "02")]
    assert [t["learner"] for t in answer["totals"]] == [ann]
    # A record sent again (a duplicate) is no change.
    assert phone.send(client, [later]).json["duplicate"] == [later["id"]]
    assert changes(client, phone, answer["cursor"])["totals"] == []


def test_changes_void_record_takes_the_lesson_back(app, client):
    phone = register(client)
    learner = str(uuid.uuid4())
    done = lesson_record(1, learner, "01")
    phone.send(client, [done])
    cursor = changes(client, phone)["cursor"]
    void = {
        "id": uuid7(),
        "learner": learner,
        "verb": VOIDED,
        "object": {"pack": "opera", "version": 1, "record": done["id"]},
        "timestamp": now_iso(),
        "device_seq": 2,
    }
    phone.send(client, [void])
    answer = changes(client, phone, cursor)
    assert answer["progress"] == []
    assert answer["totals"] == [
        {
            "learner": learner,
            "lessons_completed": 0,
            "lessons_verified": 0,
            "hours": 0.0,
            "credits": 0.0,
        }
    ]


def test_changes_pages_never_split_a_learner(app, client):
    app.config["XUEDIAN"] = dataclasses.replace(app.config["XUEDIAN"], feed_page_rows=2)
    phone = register(client)
    learners = sorted(str(uuid.uuid4()) for _ in range(3))
    records, seq = [], 0
    for learner in learners:
        for lesson in ("01", "02", "03"):
            seq += 1
            records.append(lesson_record(seq, learner, lesson))
    phone.send(client, records)

    pages, cursor = [], None
    while True:
        page = changes(client, phone, cursor)
        pages.append(page)
        cursor = page["cursor"]
        if not page["more"]:
            break
        # A record arriving mid-pass (for a learner already sent) comes after the pass.
        if len(pages) == 1:
            phone.send(client, [lesson_record(seq + 1, learners[0], "04")])
    assert [[t["learner"] for t in p["totals"]] for p in pages] == [
        [learners[0]],
        [learners[1]],
        [learners[2]],
        [learners[0]],
    ]
    assert [len(p["progress"]) for p in pages] == [3, 3, 3, 4]
    assert changes(client, phone, cursor)["totals"] == []


def _flip(text: str, index: int) -> str:
    return text[:index] + ("A" if text[index] != "A" else "B") + text[index + 1 :]


def test_changes_cursor_tampered_or_foreign_is_refused(app, client):
    phone, other = register(client), register(client)
    phone.send(client, [make_record(1)])
    cursor = changes(client, phone)["cursor"]
    assert re.fullmatch(r"[A-Za-z0-9_-]+", cursor)
    for bad in (
        _flip(cursor, 3),  # the tag
        _flip(cursor, len(cursor) // 2),  # the state
        cursor[:-4],
        cursor + "AAAA",
        "abc",
        cursor[:10] + "." + cursor[10:],
    ):
        assert_envelope(ask(client, phone, bad), 400, "cursor-invalid")
    # Another device's cursor is refused too, though its tag is right.
    assert_envelope(ask(client, other, cursor), 400, "cursor-invalid")
    assert_envelope(ask(client, phone, "x" * 1001), 422, "validation-failed")
    assert_envelope(ask(client, phone, cursor, extra=1), 422, "unknown-field")
    assert changes(client, phone, cursor)["progress"] == []


def test_changes_need_a_known_unrevoked_device_and_its_signature(app, client, runner):
    phone = register(client)
    assert_envelope(ask(client, Phone()), 401, "device-unknown")
    forged = Phone().sign(
        {
            "type": "changes-request",
            "device_id": phone.device_id,
            "created": now_iso(),
            "cursor": None,
        }
    )
    assert_envelope(client.post(CHANGES, json=forged), 401, "device-signature-invalid")
    batch = phone.batch([make_record(1)])
    assert_envelope(client.post(CHANGES, json=batch), 401, "device-signature-invalid")
    with app.app_context():
        assert CliRunner().invoke(main, ["devices", "revoke", phone.device_id]).exit_code == 0
    assert_envelope(ask(client, phone), 403, "device-revoked")


def test_changes_messages_for_this_device_or_all(app, client):
    phone, other = register(client), register(client)
    hello = {"zh-CN": "你好", "en": "Hello"}
    with app.app_context():
        devices = {d.id: d for d in db.session.scalars(select(Device))}
        send(hello, {"zh-CN": "全县通知", "en": "For everyone"})
        send(hello, {"zh-CN": "给你的", "en": "For you"}, devices[phone.device_id])
        send(hello, {"zh-CN": "给别人的", "en": "For another"}, devices[other.device_id])
    first = changes(client, phone)
    assert [m["body"]["en"] for m in first["messages"]] == ["For everyone", "For you"]
    assert first["messages"][0]["title"] == hello
    assert first["messages"][0]["created"].endswith("Z")
    assert [m["body"]["en"] for m in changes(client, other)["messages"]] == [
        "For everyone",
        "For another",
    ]
    assert changes(client, phone, first["cursor"])["messages"] == []
    with app.app_context():
        send(hello, {"zh-CN": "又一条", "en": "One more"})
    later = changes(client, phone, first["cursor"])
    assert [m["body"]["en"] for m in later["messages"]] == ["One more"]


def test_changes_messages_page(app, client):
    phone = register(client)
    with app.app_context():
        for n in range(53):
            send({"zh-CN": f"第{n}条", "en": f"No. {n}"}, {"zh-CN": "内容", "en": "Text"})
    first = changes(client, phone)
    assert len(first["messages"]) == 50 and first["more"] is True
    second = changes(client, phone, first["cursor"])
    assert [m["title"]["en"] for m in second["messages"]] == ["No. 50", "No. 51", "No. 52"]
    assert second["more"] is False


def test_changes_new_release_recomputes_credits(app, client):
    publish_release(app, "opera", ["01"], 1.5)
    phone = register(client)
    learner = str(uuid.uuid4())
    phone.send(client, [lesson_record(1, learner, "01")])
    first = changes(client, phone)
    assert first["totals"][0]["credits"] == 1.5
    assert changes(client, phone, first["cursor"])["totals"] == []
    # Version 2 adds a lesson: the learner's credits wait for it, and the feed says so.
    publish_release(app, "opera", ["01", "02"], 1.5, version=2)
    answer = changes(client, phone, first["cursor"])
    assert answer["totals"] == [
        {
            "learner": learner,
            "lessons_completed": 1,
            "lessons_verified": 1,
            "hours": 0.03,
            "credits": 0.0,
        }
    ]


def test_changes_ack_lists_stored_ranges(app, client):
    phone = register(client)
    phone.send(client, [make_record(s) for s in (1, 2, 3, 5, 6, 9)])
    assert changes(client, phone)["ack"] == {
        "max_contiguous_seq": 3,
        "stored_seq_ranges": [[1, 3], [5, 6], [9, 9]],
    }
    phone.send(client, [make_record(4), make_record(8)])
    assert changes(client, phone)["ack"] == {
        "max_contiguous_seq": 6,
        "stored_seq_ranges": [[1, 6], [8, 9]],
    }


@pytest.mark.parametrize("seen_long_ago", [True, False])
def test_changes_count_as_contact(app, client, seen_long_ago):
    phone = register(client)
    with app.app_context():
        device = db.session.get(Device, phone.device_id)
        before = device.last_seen_at
        if seen_long_ago:
            device.last_seen_at = before.replace(year=before.year - 1)
            db.session.commit()
        before = device.last_seen_at
    changes(client, phone)
    with app.app_context():
        after = db.session.get(Device, phone.device_id).last_seen_at
    # A no-op stays read-only unless the last contact is a minute old.
    assert (after > before) is seen_long_ago


def test_inbox_cli_sends_to_all_or_one_device(app, client):
    phone = register(client)
    base = ["inbox", "send", "--title-zh", "通知", "--title-en", "Notice"]
    base += ["--body-zh", "明天停电", "--body-en", "No power tomorrow"]
    with app.app_context():
        everyone = CliRunner().invoke(main, base)
        assert everyone.exit_code == 0, everyone.output
        assert "to all devices" in everyone.output
        one = CliRunner().invoke(main, [*base, "--device", phone.device_id[:8]])
        assert one.exit_code == 0, one.output
        assert phone.device_id in one.output
        unknown = CliRunner().invoke(main, [*base, "--device", "ffffffffffff"])
        assert unknown.exit_code == 1 and "No single device" in unknown.output
        blank = CliRunner().invoke(main, [*base[:-1], "  "])
        assert blank.exit_code == 1 and "validation-failed" in blank.output
        listed = CliRunner().invoke(main, ["inbox", "list"])
        assert listed.exit_code == 0
        assert listed.output.splitlines()[1:] == [
            f"{m.id}\t{m.created_at:%Y-%m-%dT%H:%M:%S}.{m.created_at.microsecond // 1000:03d}Z"
            f"\t{m.device_id or 'all'}\t通知"
            for m in db.session.scalars(select(InboxMessage).order_by(InboxMessage.id))
        ]
    assert len(changes(client, phone)["messages"]) == 2
