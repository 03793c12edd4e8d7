"""The studio's review on both databases: draft -> submitted -> approved -> published through
the staff pages, who may take each step, comments per lesson, and publishing that builds a
signed pack whose manifest and catalog entry name the institution, with a version that only
rises. Every step is in the audit log."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from support import wait_until

from xuedian.audit.models import AuditEvent
from xuedian.extensions import db
from xuedian.keys.service import verify_envelope
from xuedian.packs.models import PackRelease
from xuedian.studio.models import Draft

from ..org.world import DRAFTS, LESSON, build_world, sign_in

LESSON_FORM = {
    "csrf_token": "test-csrf",
    "title_zh": "第一课",
    "title_en": "Lesson one",
    "body": "剪纸是一门**手艺**。",
    "body_en": "Paper cutting is a **craft**.",
    "q0_prompt_zh": "剪纸用什么？",
    "q0_prompt_en": "What does paper cutting use?",
    "q0_c0_zh": "纸",
    "q0_c0_en": "Paper",
    "q0_c1_zh": "木头",
    "q0_c1_en": "Wood",
    "q0_answer": "0",
    "q0_explain_zh": "用纸。",
    "q0_explain_en": "Paper.",
    "action": "save",
}


@pytest.fixture(autouse=True)
def _one_build_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("XUEDIAN_BUILD_CACHE", str(tmp_path_factory.getbasetemp() / "build-cache"))


def _state(app, key: str) -> str:
    with app.app_context():
        return db.session.scalar(select(Draft.state).where(Draft.pack_id == DRAFTS[key]))


def publish_state(client, draft_id: int) -> dict:
    return client.get(f"/staff/studio/drafts/{draft_id}/publishing").json


def _move(client, draft_id: int, to: str, **notes):
    """Move the draft; a publish (in the background) is waited for until it has ended."""
    data = {"csrf_token": "test-csrf", "to": to, **{f"note_{k}": v for k, v in notes.items()}}
    response = client.post(f"/staff/studio/drafts/{draft_id}/state", data=data)
    if to == "published" and response.status_code == 303:
        ended = wait_until(
            lambda: (s := publish_state(client, draft_id))["state"] != "running" and s,
            120,
            "the publish ends",
        )
        assert ended["state"] == "published", ended
    return response


def test_review_round_trip_publishes_a_signed_pack_naming_the_institution(app):
    world = build_world(app)
    client = app.test_client()
    draft_id = world.drafts["A"]
    sign_in(client, world.staff["author_a"])
    saved = client.post(f"/staff/studio/drafts/{draft_id}/lessons/{LESSON}", data=LESSON_FORM)
    assert saved.status_code == 303
    assert _move(client, draft_id, "submitted").status_code == 303
    # An author cannot approve or publish, and cannot edit while it is under review.
    assert _move(client, draft_id, "approved").status_code == 400
    edit = client.post(f"/staff/studio/drafts/{draft_id}/lessons/{LESSON}", data=LESSON_FORM)
    assert edit.status_code == 400 and _state(app, "A") == "submitted"

    sign_in(client, world.staff["admin_c1"])
    # Sending back needs a comment; the comment is kept with its lesson.
    assert _move(client, draft_id, "draft").status_code == 400
    back = _move(client, draft_id, "draft", **{LESSON: "请补充剪刀的用法。"})
    assert back.status_code == 303 and _state(app, "A") == "draft"

    sign_in(client, world.staff["author_a"])
    page = client.get(f"/staff/studio/drafts/{draft_id}").text
    assert "请补充剪刀的用法。" in page
    fixed = {**LESSON_FORM, "body": "剪纸先折纸，再用剪刀。"}
    assert (
        client.post(f"/staff/studio/drafts/{draft_id}/lessons/{LESSON}", data=fixed).status_code
        == 303
    )
    assert _move(client, draft_id, "submitted").status_code == 303

    sign_in(client, world.staff["admin_c1"])
    assert _move(client, draft_id, "published").status_code == 400  # approve first
    assert _move(client, draft_id, "approved").status_code == 303
    published = _move(client, draft_id, "published")
    assert published.status_code == 303, published.text
    assert _state(app, "A") == "published"

    keyring = app.extensions["xuedian.keyring"]
    catalog = verify_envelope(client.get("/api/v1/catalog").json, "catalog", keyring.trusted())
    item = next(p for p in catalog["packs"] if p["pack_id"] == DRAFTS["A"])
    assert item["version"] == 1
    assert item["publisher"] == {"zh-CN": "甲文化馆", "en": "甲文化馆"}
    manifest = client.get(item["manifest_url"]).json
    body = verify_envelope(manifest, "manifest", keyring.trusted())
    assert body["publisher"]["zh-CN"] == "甲文化馆"
    assert body["lessons"][0]["quiz"][0]["answer"] == 0
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.target == DRAFTS["A"])
            .order_by(AuditEvent.id)
        ).all()
    assert actions == [
        "draft-submit",
        "draft-return",
        "draft-submit",
        "draft-approve",
        "pack-publish",
    ]


def test_the_version_only_rises(app):
    """A second review round publishes version 2; a release published elsewhere (the CLI)
    at a higher version is passed, never undercut."""
    world = build_world(app)
    client = app.test_client()
    draft_id = world.drafts["C"]
    sign_in(client, world.staff["admin_c2"])
    for expected in (1, 2):
        if expected == 2:  # an edit sends a published draft back to draft
            edit = {**LESSON_FORM, "body": "第二版。"}
            assert (
                client.post(
                    f"/staff/studio/drafts/{draft_id}/lessons/{LESSON}", data=edit
                ).status_code
                == 303
            )
            assert _state(app, "C") == "draft"
        for to in ("submitted", "approved", "published"):
            response = _move(client, draft_id, to)
            assert response.status_code == 303, (to, response.text)
        with app.app_context():
            versions = db.session.scalars(
                select(PackRelease.version).where(PackRelease.pack_id == DRAFTS["C"])
            ).all()
        assert sorted(versions) == list(range(1, expected + 1))
    with app.app_context():
        release = db.session.scalar(select(PackRelease).where(PackRelease.version == 2))
        assert json.loads(release.manifest)["signed"]["publisher"]["zh-CN"] == "丙图书馆"


def test_an_author_cannot_publish_nor_a_volunteer_open_the_studio(app):
    world = build_world(app)
    client = app.test_client()
    sign_in(client, world.staff["author_b"])
    draft_id = world.drafts["B"]
    assert _move(client, draft_id, "submitted").status_code == 303
    for to in ("approved", "published", "draft"):
        assert _move(client, draft_id, to, **{"": "x"}).status_code == 400
    assert _state(app, "B") == "submitted"
    sign_in(client, world.staff["vol_a"])
    assert client.get("/staff/studio/").status_code == 403
