"""Pictures and recorded narration uploaded to a draft, on both databases: stored in its
``media/`` under a safe name, usable by the builder's reader, a lesson's narration chosen
from them, and a body over ``XUEDIAN_STUDIO_UPLOAD_BYTES`` refused before it is read with
the limit said on the page."""

from __future__ import annotations

import dataclasses
import io
import math
import struct
import wave
from pathlib import Path

from xuedian.core.words import size_text
from xuedian.packs.source import read_source

from ..org.world import DRAFTS, LESSON, build_world, sign_in
from .test_review import LESSON_FORM

ROOT = Path(__file__).resolve().parents[3]


def _wav(seconds: float = 1.0) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        frames = int(16000 * seconds)
        w.writeframes(
            b"".join(struct.pack("<h", int(8000 * math.sin(i / 10))) for i in range(frames))
        )
    return out.getvalue()


def _upload(client, draft_id: int, name: str, data: bytes, lang: str = "en"):
    return client.post(
        f"/staff/studio/drafts/{draft_id}/media?lang={lang}",
        data={"csrf_token": "test-csrf", "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_picture_and_narration_become_part_of_the_source(app):
    world = build_world(app)
    client = app.test_client()
    sign_in(client, world.staff["author_a"])
    draft_id = world.drafts["A"]
    svg = (ROOT / "content_packs" / "difang-xiqu" / "media" / "face-paint.svg").read_bytes()
    picture = _upload(client, draft_id, "../Face Paint!.SVG", svg)
    assert picture.status_code == 303 and "name=face-paint.svg" in picture.location
    assert _upload(client, draft_id, "voice.wav", _wav()).status_code == 303
    refused = _upload(client, draft_id, "tool.exe", b"MZ")
    assert refused.status_code == 400 and "not a picture or a recording" in refused.text
    body = "看图：\n\n![脸谱](media/face-paint.svg)"
    lesson = {**LESSON_FORM, "body": body, "audio": "voice.wav"}
    saved = client.post(f"/staff/studio/drafts/{draft_id}/lessons/{LESSON}", data=lesson)
    assert saved.status_code == 303
    root = Path(app.instance_path) / "studio" / DRAFTS["A"]
    source = read_source(root)
    assert sorted(p.name for p in source.media) == ["face-paint.svg", "voice.wav"]
    assert source.lessons[0].meta["audio"] == "voice.wav"
    assert (root / "media" / "voice.wav").read_bytes() == _wav()
    page = client.get(f"/staff/studio/drafts/{draft_id}").text
    assert "![](media/face-paint.svg)" in page


def test_an_upload_over_the_limit_is_refused_with_the_limit(app):
    world = build_world(app)
    settings = app.config["XUEDIAN"]
    app.config["XUEDIAN"] = dataclasses.replace(settings, studio_upload_bytes=50_000)
    client = app.test_client()
    sign_in(client, world.staff["author_a"])
    response = _upload(client, world.drafts["A"], "voice.wav", _wav(3.0))
    assert response.status_code == 413
    assert "Too much at once" in response.text and size_text(50_000) in response.text
    assert not (Path(app.instance_path) / "studio" / DRAFTS["A"] / "media").exists()
    # Another institution's draft does not exist for this author, upload or not.
    assert _upload(client, world.drafts["B"], "voice.wav", b"x").status_code == 404


def test_the_preview_shows_the_drafts_own_pictures_to_its_authors_only(app):
    """The preview renders ``media/<name>`` as a picture served from the draft (the phone's
    renderer, with the draft's media in place of the pack's); another institution's author
    gets 404 for it, as for the draft."""
    world = build_world(app)
    client = app.test_client()
    sign_in(client, world.staff["author_a"])
    draft_id = world.drafts["A"]
    svg = (ROOT / "content_packs" / "difang-xiqu" / "media" / "face-paint.svg").read_bytes()
    assert _upload(client, draft_id, "face-paint.svg", svg).status_code == 303
    body = "![脸谱](media/face-paint.svg)\n\n![x](media/../pack.yaml) ![y](https://e.org/y.png)"
    shown = client.post(
        f"/staff/studio/drafts/{draft_id}/lessons/{LESSON}",
        data={**LESSON_FORM, "body": body, "action": "preview"},
    ).text
    url = f"/staff/studio/drafts/{draft_id}/media/face-paint.svg"
    assert f'<img src="{url}" alt="脸谱">' in shown
    assert "pack.yaml" not in shown.split('data-testid="preview"')[1].split("</section>")[0]
    assert 'src="https://e.org' not in shown
    picture = client.get(url)
    assert picture.status_code == 200 and picture.data == svg
    assert picture.mimetype == "image/svg+xml"
    assert "sandbox" in picture.headers["Content-Security-Policy"]
    assert client.get(f"/staff/studio/drafts/{draft_id}/media/other.svg").status_code == 404
    assert client.get(f"/staff/studio/drafts/{draft_id}/media/..%2Fpack.yaml").status_code == 404
    sign_in(client, world.staff["admin_c1"])  # the reviewer of A's institution
    assert client.get(url).status_code == 200
    sign_in(client, world.staff["author_b"])
    assert client.get(url).status_code == 404
