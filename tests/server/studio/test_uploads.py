"""Chunked, resumable uploads into a draft's ``media/`` (studio/uploads.py), on both
databases: chunks append at the offset the server holds, a chunk at the wrong offset is
refused with the right one (so a broken upload resumes), the finished file lands in
``media/`` for the builder, a file over ``XUEDIAN_STUDIO_UPLOAD_BYTES`` is refused when it
is announced with the limit named in the page's language, and another institution's
author reaches neither the draft nor the upload."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest

from xuedian.core.words import size_text
from xuedian.extensions import db
from xuedian.org.models import Staff
from xuedian.packs.source import read_source
from xuedian.studio import uploads
from xuedian.studio.models import Draft

from ..org.world import DRAFTS, build_world, sign_in
from .test_media import _wav

HEADERS = {"X-CSRF-Token": "test-csrf"}


def _start(client, draft_id: int, name: str, size: int, lang: str = "en"):
    return client.post(
        f"/staff/studio/drafts/{draft_id}/uploads?lang={lang}",
        json={"name": name, "size": size},
        headers=HEADERS,
    )


def _put(client, draft_id: int, upload_id: str, offset: int, data: bytes):
    return client.put(
        f"/staff/studio/drafts/{draft_id}/uploads/{upload_id}?offset={offset}",
        data=data,
        headers={**HEADERS, "Content-Type": "application/octet-stream"},
    )


def test_a_file_sent_in_chunks_resumes_and_lands_in_media(app):
    world = build_world(app)
    client = app.test_client()
    sign_in(client, world.staff["author_a"])
    draft_id = world.drafts["A"]
    data = _wav(2.0)
    started = _start(client, draft_id, "My Voice.WAV", len(data))
    assert started.status_code == 200, started.text
    upload_id = started.json["upload_id"]
    assert started.json["offset"] == 0 and started.json["chunk"] > 0
    third = len(data) // 3
    first = _put(client, draft_id, upload_id, 0, data[:third])
    assert first.json == {"offset": third, "done": False}
    # A chunk sent again (its answer was lost) is refused with where the upload stands.
    again = _put(client, draft_id, upload_id, 0, data[:third])
    assert again.status_code == 409
    assert again.json["code"] == "studio-upload-offset"
    assert again.json["details"]["offset"] == third
    status = client.get(f"/staff/studio/drafts/{draft_id}/uploads/{upload_id}")
    assert status.json["offset"] == third and status.json["size"] == len(data)
    second = _put(client, draft_id, upload_id, third, data[third : 2 * third])
    assert second.json["offset"] == 2 * third and not second.json["done"]
    last = _put(client, draft_id, upload_id, 2 * third, data[2 * third :])
    assert last.json == {"offset": len(data), "done": True, "name": "my-voice.wav"}
    root = Path(app.instance_path) / "studio" / DRAFTS["A"]
    assert (root / "media" / "my-voice.wav").read_bytes() == data
    assert [p.name for p in read_source(root).media] == ["my-voice.wav"]
    # Finished: the upload is gone, and nothing is left beside the media.
    gone = client.get(f"/staff/studio/drafts/{draft_id}/uploads/{upload_id}")
    assert gone.status_code == 404 and gone.json["code"] == "studio-upload-missing"
    assert list((Path(app.instance_path) / "studio-uploads").iterdir()) == []


def test_an_announced_file_over_the_limit_is_refused_before_any_byte(app):
    world = build_world(app)
    settings = app.config["XUEDIAN"]
    app.config["XUEDIAN"] = dataclasses.replace(settings, studio_upload_bytes=50_000)
    client = app.test_client()
    sign_in(client, world.staff["author_a"])
    draft_id = world.drafts["A"]
    for lang, words in (("en", "too large"), ("zh-CN", "文件太大")):
        refused = _start(client, draft_id, "film.webm", 50_001, lang)
        assert refused.status_code == 413
        assert refused.json["code"] == "studio-upload-too-large"
        assert refused.json["details"]["limit"] == 50_000
        text = refused.json["details"]["text"]
        assert words in text and size_text(50_000) in text
    assert not (Path(app.instance_path) / "studio-uploads").exists() or not list(
        (Path(app.instance_path) / "studio-uploads").iterdir()
    )
    # A chunk may not carry the file past the size it was announced with.
    started = _start(client, draft_id, "voice.wav", 10)
    upload_id = started.json["upload_id"]
    over = _put(client, draft_id, upload_id, 0, b"x" * 11)
    assert over.status_code == 413 and over.json["code"] == "studio-upload-too-large"
    wrong = _start(client, draft_id, "tool.exe", 10)
    assert wrong.status_code == 409 and wrong.json["code"] == "studio-refused"


def test_another_institution_reaches_neither_the_draft_nor_the_upload(app):
    world = build_world(app)
    owner = app.test_client()
    sign_in(owner, world.staff["author_a"])
    draft_id = world.drafts["A"]
    upload_id = _start(owner, draft_id, "voice.wav", 100).json["upload_id"]
    other = app.test_client()
    sign_in(other, world.staff["author_b"])
    assert _start(other, draft_id, "voice.wav", 100).status_code == 404
    assert _put(other, draft_id, upload_id, 0, b"x").status_code == 404
    # Nor does the owner reach it through their other draft's address.
    own_b = world.drafts.get("C")
    if own_b is not None:
        assert _put(owner, own_b, upload_id, 0, b"x").status_code == 404
    assert _put(owner, draft_id, upload_id, 0, b"x" * 100).json["done"] is True


class _Broken(io.RawIOBase):
    """A request stream whose connection drops after ``keep`` bytes."""

    def __init__(self, data: bytes, keep: int):
        self.data, self.keep, self.at = data, keep, 0

    def read(self, size=-1):
        if self.at >= self.keep:
            raise ConnectionResetError("the phone's connection dropped")
        piece = self.data[self.at : min(self.keep, self.at + size)]
        self.at += len(piece)
        return piece


def test_a_dropped_chunk_keeps_what_arrived_and_the_upload_resumes(app):
    world = build_world(app)
    data = _wav(3.0)
    with app.test_request_context():
        staff = db.session.get(Staff, world.staff["author_a"])
        draft = db.session.get(Draft, world.drafts["A"])
        started = uploads.start(draft, staff, "voice.wav", len(data))
        upload_id = started["upload_id"]
        with pytest.raises(ConnectionResetError):
            uploads.append(draft, staff, upload_id, 0, _Broken(data, 70_000), len(data))
        assert uploads.status(draft, staff, upload_id)["offset"] == 70_000
        rest = io.BytesIO(data[70_000:])
        done = uploads.append(draft, staff, upload_id, 70_000, rest, len(data) - 70_000)
        assert done == {"offset": len(data), "done": True, "name": "voice.wav"}
    media = Path(app.instance_path) / "studio" / DRAFTS["A"] / "media" / "voice.wav"
    assert media.read_bytes() == data


def test_only_the_lesson_editor_may_use_the_microphone_and_scripts_are_files(app):
    world = build_world(app)
    client = app.test_client()
    sign_in(client, world.staff["author_a"])
    draft_id = world.drafts["A"]
    editor = client.get(f"/staff/studio/drafts/{draft_id}/lessons/new")
    assert "microphone=(self)" in editor.headers["Permissions-Policy"]
    assert "script-src 'self'" in editor.headers["Content-Security-Policy"]
    assert "studio-recorder.js" in editor.text and "studio-media.js" in editor.text
    assert "<script>" not in editor.text  # the staff CSP runs no inline script
    draft = client.get(f"/staff/studio/drafts/{draft_id}")
    assert "microphone=()" in draft.headers["Permissions-Policy"]
    assert "data-chunked" in draft.text
    script = client.get("/staff/studio/studio-static/studio-media.js")
    assert script.status_code == 200 and "X-CSRF-Token" in script.get_data(as_text=True)
