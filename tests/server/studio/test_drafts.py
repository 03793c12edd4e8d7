"""Drafts through the studio's pages, on both databases: a new course is a pack source folder
the packs' own reader accepts, publishers and author accounts are registered by an
administrator, lessons carry quizzes of 2 to 6 choices, the preview is the phone's
renderer, and lessons reorder."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from xuedian.audit.models import AuditEvent
from xuedian.extensions import db
from xuedian.org.models import Publisher, Staff
from xuedian.packs.source import read_source

from ..org.world import DRAFTS, LESSON, build_world, sign_in
from .test_review import LESSON_FORM

NEW_PACK = {
    "csrf_token": "test-csrf",
    "id": "paper-cutting",
    "title_zh": "剪纸",
    "title_en": "Paper cutting",
    "description_zh": "县文化馆的剪纸课。",
    "description_en": "Paper cutting from the cultural centre.",
    "category": "heritage",
    "credit_hours": "1.5",
    "license": "CC-BY-4.0",
    "authors": "王老师\n李老师",
    "heritage_item": "剪纸",
    "heritage_bearer": "王某",
    "heritage_region": "清水县",
    "heritage_level": "county",
}


def test_an_author_creates_a_draft_in_the_source_format(app):
    world = build_world(app)
    client = app.test_client()
    sign_in(client, world.staff["author_a"])
    response = client.post("/staff/studio/drafts", data=NEW_PACK)
    assert response.status_code == 303
    draft_url = response.location
    assert client.post(f"{draft_url}/lessons", data=LESSON_FORM).status_code == 303
    root = Path(app.instance_path) / "studio" / "paper-cutting"
    source = read_source(root)  # the builder's own reader accepts the folder
    assert source.pack["publisher"] == {"zh-CN": "甲文化馆", "en": "甲文化馆"}
    assert source.pack["heritage"] == {
        "item": "剪纸",
        "bearer": "王某",
        "region": "清水县",
        "level": "county",
    }
    assert source.pack["authors"] == ["王老师", "李老师"]
    assert [lesson.meta["quiz"][0]["answer"] for lesson in source.lessons] == [0]
    assert source.lessons[0].body_en.strip() == "Paper cutting is a **craft**."
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.target == "paper-cutting"))
        assert (event.action, event.actor) == ("draft-create", "author-a")
    # The same code twice is refused, in the page's language.
    again = client.post("/staff/studio/drafts?lang=en", data=NEW_PACK)
    assert again.status_code == 400 and "This course code is taken" in again.text


def test_quiz_needs_two_to_six_choices_and_a_right_one(app):
    world = build_world(app)
    client = app.test_client()
    sign_in(client, world.staff["author_a"])
    url = f"/staff/studio/drafts/{world.drafts['A']}/lessons/{LESSON}?lang=en"
    one_choice = {k: v for k, v in LESSON_FORM.items() if not k.startswith("q0_c1")}
    refused = client.post(url, data=one_choice)
    assert refused.status_code == 400 and "2 to 6 choices" in refused.text
    blank_answer = {**LESSON_FORM, "q0_answer": "4"}
    assert client.post(url, data=blank_answer).status_code == 400
    six = {**LESSON_FORM}
    for c in range(2, 6):
        six |= {f"q0_c{c}_zh": f"选{c}", f"q0_c{c}_en": f"Choice {c}"}
    six["q0_answer"] = "5"
    assert client.post(url, data=six).status_code == 303
    source = read_source(Path(app.instance_path) / "studio" / DRAFTS["A"])
    question = source.lessons[0].meta["quiz"][0]
    assert len(question["choices"]) == 6 and question["answer"] == 5


def test_preview_is_the_phones_renderer_and_saves_nothing(app):
    world = build_world(app)
    client = app.test_client()
    sign_in(client, world.staff["author_a"])
    url = f"/staff/studio/drafts/{world.drafts['A']}/lessons/{LESSON}"
    form = {**LESSON_FORM, "action": "preview", "body": "**粗体** <script>alert(1)</script>"}
    page = client.post(url, data=form)
    assert page.status_code == 200
    assert "<strong>粗体</strong>" in page.text and "<script>alert" not in page.text
    source = read_source(Path(app.instance_path) / "studio" / DRAFTS["A"])
    assert "粗体" not in source.lessons[0].body


def test_lessons_reorder(app):
    world = build_world(app)
    client = app.test_client()
    sign_in(client, world.staff["author_a"])
    base = f"/staff/studio/drafts/{world.drafts['A']}"
    second = {**LESSON_FORM, "title_zh": "第二课", "title_en": "Lesson two"}
    assert client.post(f"{base}/lessons", data=second).status_code == 303
    moved = client.post(
        f"{base}/lessons/02-lesson/move", data={"csrf_token": "test-csrf", "step": "up"}
    )
    assert moved.status_code == 303
    source = read_source(Path(app.instance_path) / "studio" / DRAFTS["A"])
    assert [lesson.meta["title"]["en"] for lesson in source.lessons] == ["Lesson two", "Lesson one"]


def test_an_administrator_registers_an_institution_and_its_author(app):
    world = build_world(app)
    client = app.test_client()
    sign_in(client, world.staff["admin_t1a"])
    form = {
        "csrf_token": "test-csrf",
        "area_id": str(world.areas["v1a"]),
        "kind": "village-committee",
        "code": "cun-wei",
        "name": "甲村村委会",
        "name_en": "Village A committee",
    }
    assert client.post("/staff/studio/publishers", data=form).status_code == 303
    # An area outside the administrator's scope does not exist for them.
    outside = {**form, "code": "other", "area_id": str(world.areas["t1b"])}
    assert client.post("/staff/studio/publishers", data=outside).status_code == 404
    with app.app_context():
        publisher = db.session.scalar(select(Publisher).where(Publisher.code == "cun-wei"))
        publisher_id = publisher.id
    author = {
        "csrf_token": "test-csrf",
        "publisher_id": str(publisher_id),
        "username": "cunwei-author",
        "password": "a long enough password",
    }
    assert client.post("/staff/studio/authors", data=author).status_code == 303
    # Publisher B (registered by township t1b) is outside township t1a's scope.
    other = {**author, "username": "x-author", "publisher_id": str(world.publishers["B"])}
    assert client.post("/staff/studio/authors", data=other).status_code == 404
    with app.app_context():
        account = db.session.scalar(select(Staff).where(Staff.username == "cunwei-author"))
        assert (account.role, account.publisher_id) == ("author", publisher_id)
    sign_in(client, world.staff["admin_c2"])
    assert "甲村村委会" not in client.get("/staff/studio/").text
