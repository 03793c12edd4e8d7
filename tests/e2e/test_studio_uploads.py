"""The studio's chunked uploads in real Chromium at 360 px (studio/static/studio-media.js):
a file over ``XUEDIAN_STUDIO_UPLOAD_BYTES`` is refused before any byte is sent, with the
limit named; a file of several chunks whose second chunk is lost on the way (and then the
question of where it stands) resumes from the offset the server holds and arrives whole."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from playwright.sync_api import expect

from xuedian.core.words import size_text

from .test_studio import PACK, sign_in, start_course, studio_server  # noqa: F401

pytestmark = pytest.mark.e2e

LIMIT = 3 * 1024 * 1024


def _file(name: str, size: int) -> dict:
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    return {"name": name, "mimeType": "audio/wav", "buffer": data}


def test_a_large_file_is_refused_early_and_a_broken_chunk_resumes(studio_server, page):  # noqa: F811
    app = studio_server.app
    app.config["XUEDIAN"] = dataclasses.replace(app.config["XUEDIAN"], studio_upload_bytes=LIMIT)
    sign_in(page, studio_server, "wang")
    start_course(page)
    puts: list[str] = []
    page.on("request", lambda r: r.method == "PUT" and puts.append(r.url))

    form = page.get_by_test_id("media-form")
    form.get_by_label("图片或录音").set_input_files(_file("film.wav", LIMIT + 1))
    form.get_by_role("button", name="上传").click(timeout=15_000)
    status = page.get_by_test_id("media-status")
    expect(status).to_contain_text("文件太大", timeout=10_000)
    expect(status).to_contain_text(size_text(LIMIT))
    assert puts == []

    # The second chunk's connection breaks, and so does the first question of where the
    # upload stands; the script waits, asks again and goes on from the server's offset.
    broken: list[str] = []

    def break_once(route):
        request = route.request
        kind = "chunk" if "offset=1048576" in request.url else request.method
        if kind in ("chunk", "GET") and kind not in broken:
            broken.append(kind)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(lambda url: "/uploads/" in url, break_once)
    size = 2 * 1024 * 1024 + 1000
    form.get_by_label("图片或录音").set_input_files(_file("voice.wav", size))
    form.get_by_role("button", name="上传").click(timeout=15_000)
    expect(page.get_by_test_id("done")).to_contain_text("voice.wav", timeout=30_000)
    expect(page.locator('[data-media="voice.wav"]')).to_be_visible(timeout=10_000)
    assert broken == ["chunk", "GET"]
    offsets = [url.rsplit("offset=", 1)[1] for url in puts]
    assert offsets == ["0", "1048576", "1048576", "2097152"], offsets
    media = Path(app.instance_path) / "studio" / PACK / "media" / "voice.wav"
    assert media.read_bytes() == _file("voice.wav", size)["buffer"]
    assert list((Path(app.instance_path) / "studio-uploads").iterdir()) == []
