"""Publishing in the background with a progress bar (studio/publishing.py), on both
databases: the page and its JSON state go queued → transcoding → building → signing →
publishing → published with a share that only rises, one publish of a draft at a time,
and a failure says why in the page's language and leaves the draft approved with nothing
published and nothing audited as published. A worker that died mid-publish reads as
interrupted."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading

import pytest
from sqlalchemy import select
from support import wait_until

from xuedian.audit.models import AuditEvent
from xuedian.extensions import db
from xuedian.packs.models import PackRelease
from xuedian.studio import publishing, service
from xuedian.studio.models import Draft

from ..org.world import DRAFTS, LESSON, build_world, sign_in
from .test_review import LESSON_FORM, _move, _state, publish_state


@pytest.fixture(autouse=True)
def _one_build_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("XUEDIAN_BUILD_CACHE", str(tmp_path_factory.getbasetemp() / "build-cache"))


def _approved(app, client) -> int:
    world = build_world(app)
    draft_id = world.drafts["A"]
    sign_in(client, world.staff["author_a"])
    saved = client.post(f"/staff/studio/drafts/{draft_id}/lessons/{LESSON}", data=LESSON_FORM)
    assert saved.status_code == 303
    assert _move(client, draft_id, "submitted").status_code == 303
    sign_in(client, world.staff["admin_c1"])
    assert _move(client, draft_id, "approved").status_code == 303
    return draft_id


def _publish(client, draft_id: int, lang: str = "zh-CN"):
    data = {"csrf_token": "test-csrf", "to": "published"}
    return client.post(f"/staff/studio/drafts/{draft_id}/state?lang={lang}", data=data)


def _ended(client, draft_id: int) -> dict:
    return wait_until(
        lambda: (s := publish_state(client, draft_id))["state"] != "running" and s,
        120,
        "the publish ends",
    )


def _audited(app) -> list[str]:
    with app.app_context():
        query = select(AuditEvent.action).where(AuditEvent.target == DRAFTS["A"])
        return list(db.session.scalars(query.order_by(AuditEvent.id)))


def test_publishing_reports_each_stage_until_published(app, monkeypatch):
    client = app.test_client()
    draft_id = _approved(app, client)
    seen: list[tuple[str, str, int]] = []
    write = publishing._write

    def recording_write(draft, **fields):
        seen.append((fields["state"], fields.get("stage", ""), fields["percent"]))
        write(draft, **fields)

    monkeypatch.setattr(publishing, "_write", recording_write)
    # Hold the build at its first transcoding report, to look at the page while it runs.
    reached, go_on = threading.Event(), threading.Event()
    build = service.build

    def held_build(*args, progress, **kwargs):
        def hold(done, total):
            progress(done, total)
            if not reached.is_set():
                reached.set()
                assert go_on.wait(60)

        return build(*args, progress=hold, **kwargs)

    monkeypatch.setattr(service, "build", held_build)

    started = _publish(client, draft_id)
    assert started.status_code == 303
    assert started.headers["Location"].endswith(f"/staff/studio/drafts/{draft_id}#publishing")
    assert reached.wait(60)
    running = publish_state(client, draft_id)
    assert running["state"] == "running" and running["stage"] == "transcoding", running
    assert 2 <= running["percent"] < 88
    assert "正在转码" in running["text"]
    page = client.get(f"/staff/studio/drafts/{draft_id}").text
    assert 'data-testid="publishing" data-state="running"' in page
    assert 'data-testid="publish-progress"' in page and "studio-publish.js" in page
    assert '<noscript><meta http-equiv="refresh"' in page  # without JavaScript
    assert 'data-testid="to-published"' not in page  # no second publish button
    again = _publish(client, draft_id)
    assert again.status_code == 400 and "这门课程正在发布" in again.text
    assert _state(app, "A") == "approved"  # not published until the release is stored
    go_on.set()

    ended = _ended(client, draft_id)
    assert ended["state"] == "published" and ended["percent"] == 100
    assert ended["text"] == "已发布第 1 版。"
    assert _state(app, "A") == "published"
    stages = [stage for state, stage, _ in seen if state == "running"]
    order = list(publishing.STAGES)
    assert [s for i, s in enumerate(stages) if i == 0 or stages[i - 1] != s] == order
    shares = [share for _, _, share in seen]
    assert shares == sorted(shares) and seen[-1] == ("published", "", 100)
    page = client.get(f"/staff/studio/drafts/{draft_id}?done=published&lang=en").text
    assert 'data-state="published"' in page and "Published version 1." in page
    assert "<noscript>" not in page
    assert _audited(app)[-1] == "pack-publish"


def test_a_failed_publish_says_why_and_leaves_the_draft_approved(app):
    client = app.test_client()
    draft_id = _approved(app, client)
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        lesson = service.draft_root(draft) / "lessons" / f"{LESSON}.md"
    lesson.write_text("---\ntitle: 1\n---\n剪纸。\n", "utf-8")  # no longer builds

    assert _publish(client, draft_id).status_code == 303
    ended = _ended(client, draft_id)
    assert ended["state"] == "failed"
    assert ended["text"].startswith("发布失败：课程还不能打包：lessons/01-lesson.md")
    assert "已通过" in ended["text"]
    assert _state(app, "A") == "approved"
    with app.app_context():
        assert db.session.scalar(select(PackRelease.id)) is None
    assert "pack-publish" not in _audited(app)
    page = client.get(f"/staff/studio/drafts/{draft_id}?lang=en").text
    assert 'data-state="failed"' in page and "Publishing failed: The course cannot be built" in page
    assert 'data-testid="to-published"' in page  # it may be published again once fixed

    lesson.write_text("---\ntitle:\n  zh-CN: 第一课\n  en: Lesson one\n---\n剪纸。\n", "utf-8")
    assert _move(client, draft_id, "published").status_code == 303
    assert _state(app, "A") == "published"


def test_a_publish_whose_worker_died_reads_as_interrupted(app):
    client = app.test_client()
    draft_id = _approved(app, client)
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    with app.app_context():
        publishing._write(draft_id, state="running", stage="building", percent=88)
        draft = db.session.get(Draft, draft_id)
        lock = publishing._lock(draft_id)
        lock.write_text(f"{socket.gethostname()}:{os.getpid()}", "utf-8")
        assert publishing.state(draft)["state"] == "running"  # its process lives
        lock.write_text(f"{socket.gethostname()}:{gone}", "utf-8")
        assert publishing.state(draft)["state"] == "failed"  # its process is gone
    text = publish_state(client, draft_id)["text"]
    assert text.startswith("发布失败：发布被中断了")
    assert _move(client, draft_id, "published").status_code == 303  # the lock is free


def test_an_author_of_another_institution_sees_no_progress(app):
    world = build_world(app)
    client = app.test_client()
    sign_in(client, world.staff["author_b"])
    assert client.get(f"/staff/studio/drafts/{world.drafts['A']}/publishing").status_code == 404
    sign_in(client, world.staff["author_a"])
    idle = client.get(f"/staff/studio/drafts/{world.drafts['A']}/publishing").json
    assert idle == {"state": "idle", "percent": 0, "text": ""}
