"""The studio in real Chromium at 360 px: an author of the county's cultural centre writes a
two-lesson course with a photo from the phone's camera, narration recorded with the
microphone (Chromium's fake device) and trimmed, and a quiz, and submits it; the
administrator sends it back with a comment; the author fixes it and submits again; the
administrator approves and publishes; a resident's phone downloads it, shows "来源：县文化馆",
plays the recorded narration offline and passes the quiz."""

from __future__ import annotations

import re
import struct
import threading
import wave
import zlib
from pathlib import Path

import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect
from support.browser import CHROMIUM_ARGS, staff_sign_in, wait_for_controller

from xuedian import create_app
from xuedian.extensions import db
from xuedian.org import service
from xuedian.studio import service as studio_service

from .conftest import FaultInjector, LiveServer

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"
PACK = "paper-cutting"
#: Chromium answers getUserMedia with a fake microphone (a beep each second), unasked.
MIC_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


def photo() -> bytes:
    """A 16×16 PNG, as the camera input would hand over."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes([200, 40, 40]) * 16 for _ in range(16))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def mic_browser(playwright, browser_type_launch_args):
    """Chromium with the fake microphone, for this module alone."""
    args = {**browser_type_launch_args, "args": [*CHROMIUM_ARGS, *MIC_ARGS]}
    browser = playwright.chromium.launch(**args)
    yield browser
    browser.close()


@pytest.fixture
def page(mic_browser, browser_context_args):
    context = mic_browser.new_context(**browser_context_args, permissions=["microphone"])
    yield context.new_page()
    context.close()


@pytest.fixture
def studio_server(tmp_path, pwa_dist, monkeypatch, tmp_path_factory):
    monkeypatch.setenv("XUEDIAN_BUILD_CACHE", str(tmp_path_factory.getbasetemp() / "build-cache"))
    app = create_app({"instance_path": str(tmp_path / "instance"), "pwa_dist": str(pwa_dist)})
    with app.app_context():
        upgrade()
        app.extensions["xuedian.keyring"].ensure()
        county = service.create_area("county", "qingshui", "清水县", "Qingshui", None)
        centre = service.create_publisher(
            "wenhuaguan", "县文化馆", "County cultural centre", "cultural-centre", county
        )
        service.create_staff("admin", PASSWORD, "admin", area_code="qingshui")
        service.create_staff("wang", PASSWORD, "author", publisher_code=centre.code)
        db.session.commit()
    server = LiveServer(app, FaultInjector(app)).start()
    yield server
    server.stop()


def sign_in(page, server, username: str) -> None:
    page.goto(server.url + "/staff/login?next=/staff/studio/", timeout=15_000)
    staff_sign_in(page, (username, PASSWORD))
    expect(page.get_by_role("heading", name="课程工作室")).to_be_visible(timeout=15_000)


def sign_out(page) -> None:
    page.get_by_test_id("logout").click(timeout=15_000)
    expect(page.get_by_test_id("username")).to_be_visible(timeout=15_000)


def fits(page) -> None:
    """Nothing spills sideways off a 360 px phone, at normal text and at 200% text (the
    staff pages set 18 px)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.evaluate("document.documentElement.style.fontSize = '36px'")
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        page.evaluate("document.documentElement.style.fontSize = ''")


def write_first_lesson(page) -> None:
    """Lesson one: text, a photo by the camera input, a recorded and trimmed narration, a
    quiz question."""
    page.get_by_test_id("new-lesson").click(timeout=15_000)
    lesson = page.get_by_test_id("lesson-form")
    lesson.get_by_label("中文标题").fill("第一课")
    lesson.get_by_label("英文标题").fill("Lesson one")
    lesson.get_by_label("中文课文（Markdown）").fill("剪纸是一门**手艺**。")
    page.get_by_test_id("camera").set_input_files(
        {"name": "photo.png", "mimeType": "image/png", "buffer": photo()}
    )
    expect(page.get_by_test_id("picture-status")).to_contain_text("photo.png", timeout=15_000)
    expect(lesson.get_by_label("中文课文（Markdown）")).to_have_value(
        "剪纸是一门**手艺**。\n\n![](media/photo.png)\n\n", timeout=5_000
    )

    recorder = page.get_by_test_id("recorder")
    recorder.get_by_test_id("record-start").click(timeout=15_000)
    expect(recorder).to_have_attribute("data-state", "recording", timeout=10_000)
    expect(page.get_by_test_id("recorder-status")).to_contain_text("正在录音：3 秒", timeout=15_000)
    recorder.get_by_test_id("record-stop").click(timeout=15_000)
    expect(recorder).to_have_attribute("data-state", "recorded", timeout=15_000)
    recorder.get_by_label("从第几秒开始").fill("0.5")
    recorder.get_by_label("到第几秒结束").fill("2.5")
    fits(page)
    recorder.get_by_test_id("save-recording").click(timeout=15_000)
    expect(recorder).to_have_attribute("data-state", "saved", timeout=20_000)
    expect(page.get_by_test_id("narration")).to_have_value("recording-new.wav")

    question = page.get_by_test_id("question-0")
    question.get_by_label("中文题目").fill("剪纸先做什么？")
    question.get_by_label("英文题目").fill("What comes first?")
    question.get_by_label("选项 A（中文）").fill("折纸")
    question.get_by_label("选项 A（英文）").fill("Folding")
    question.get_by_label("选项 B（中文）").fill("上色")
    question.get_by_label("选项 B（英文）").fill("Painting")
    question.get_by_label("A 是正确答案").check()
    question.get_by_label("中文解析").fill("先把纸折好，再剪。")
    question.get_by_label("英文解析").fill("Fold the paper, then cut.")
    page.get_by_test_id("preview-button").click(timeout=15_000)
    expect(page.get_by_test_id("preview").locator("strong")).to_have_text("手艺", timeout=10_000)
    # The draft's own photo, served to its author, loaded in the preview.
    picture = page.get_by_test_id("preview").locator("img").first
    expect(picture).to_have_attribute("src", re.compile(r"/media/photo\.png$"), timeout=5_000)
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=picture.element_handle(), timeout=10_000
    )
    page.get_by_test_id("save-lesson").click(timeout=15_000)
    expect(page.get_by_test_id("done")).to_be_visible(timeout=10_000)
    expect(page.get_by_test_id("narration")).to_have_value("recording-new.wav")
    page.get_by_role("link", name="← 返回课程").click(timeout=15_000)


def write_second_lesson(page) -> None:
    page.get_by_test_id("new-lesson").click(timeout=15_000)
    lesson = page.get_by_test_id("lesson-form")
    lesson.get_by_label("中文标题").fill("第二课")
    lesson.get_by_label("英文标题").fill("Lesson two")
    lesson.get_by_label("中文课文（Markdown）").fill("剪好的纸可以贴在窗户上。")
    page.get_by_test_id("save-lesson").click(timeout=15_000)
    expect(page.get_by_test_id("done")).to_be_visible(timeout=10_000)
    page.get_by_role("link", name="← 返回课程").click(timeout=15_000)


def recorded_seconds(server) -> float:
    """The length of the recording kept in the draft (16 kHz WAV, as the page trims it)."""
    path = Path(server.app.instance_path) / "studio" / PACK / "media" / "recording-new.wav"
    with wave.open(str(path)) as w:
        assert (w.getframerate(), w.getnchannels()) == (16000, 1)
        return w.getnframes() / w.getframerate()


def start_course(page) -> None:
    """On the studio's home page: start the course (as the signed-in author)."""
    form = page.get_by_test_id("add-draft")
    form.get_by_label("课程代码").fill(PACK)
    form.get_by_label("中文标题").fill("剪纸入门")
    form.get_by_label("英文标题").fill("Paper cutting")
    form.get_by_label("中文简介").fill("县文化馆的剪纸课。")
    form.get_by_label("英文简介").fill("Paper cutting from the cultural centre.")
    form.get_by_label("类别").select_option("heritage")
    form.get_by_label("作者", exact=True).fill("王老师")
    fits(page)
    form.get_by_role("button", name="创建课程").click(timeout=15_000)
    expect(page.get_by_test_id("state")).to_have_attribute("data-state", "draft", timeout=10_000)


def test_author_and_admin_take_a_course_through_review_to_the_phone(
    studio_server, page, monkeypatch
):
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in(page, studio_server, "wang")
    start_course(page)
    write_first_lesson(page)
    write_second_lesson(page)
    # Trimmed to the chosen 0.5–2.5 s before it was sent.
    assert abs(recorded_seconds(studio_server) - 2.0) < 0.05
    expect(page.get_by_test_id("lessons").locator("li")).to_have_count(2, timeout=10_000)
    page.get_by_test_id("to-submitted").get_by_role("button").click(timeout=15_000)
    expect(page.get_by_test_id("state")).to_have_attribute(
        "data-state", "submitted", timeout=10_000
    )
    draft_url = page.url.split("?")[0]
    sign_out(page)

    sign_in(page, studio_server, "admin")
    page.goto(draft_url, timeout=15_000)
    page.get_by_test_id("note-02-lesson").fill("请补充剪刀的用法。")
    page.get_by_test_id("to-draft").get_by_role("button").click(timeout=15_000)
    expect(page.get_by_test_id("state")).to_have_attribute("data-state", "draft", timeout=10_000)
    sign_out(page)

    sign_in(page, studio_server, "wang")
    page.goto(draft_url, timeout=15_000)
    expect(page.get_by_test_id("notes")).to_contain_text("请补充剪刀的用法。", timeout=10_000)
    fits(page)
    page.get_by_test_id("lessons").get_by_role("link").nth(1).click(timeout=15_000)
    page.get_by_label("中文课文（Markdown）").fill("先折纸，再用剪刀剪。剪好的纸可以贴在窗户上。")
    page.get_by_test_id("save-lesson").click(timeout=15_000)
    expect(page.get_by_test_id("done")).to_be_visible(timeout=10_000)
    page.goto(draft_url, timeout=15_000)
    page.get_by_test_id("to-submitted").get_by_role("button").click(timeout=15_000)
    expect(page.get_by_test_id("state")).to_have_attribute(
        "data-state", "submitted", timeout=10_000
    )
    sign_out(page)

    sign_in(page, studio_server, "admin")
    page.goto(draft_url, timeout=15_000)
    page.get_by_test_id("to-approved").get_by_role("button").click(timeout=15_000)
    expect(page.get_by_test_id("state")).to_have_attribute("data-state", "approved", timeout=10_000)
    publish_watching_progress(page, monkeypatch)
    expect(page.get_by_test_id("publish-progress")).to_have_attribute("value", "100")
    expect(page.get_by_test_id("publish-text")).to_have_text("已发布第 1 版。")
    expect(page.get_by_test_id("state")).to_have_attribute("data-state", "published")
    fits(page)
    on_the_phone(page.context.browser, studio_server)


def publish_watching_progress(page, monkeypatch) -> None:
    """Publish; the build (in the server's background thread) is held twice so the test
    sees the page's progress bar at its first stage, then moved by studio-publish.js (the
    page is not reloaded) when the first lesson is done, then the page at the end."""
    gates = [threading.Event(), threading.Event()]
    held = [threading.Event(), threading.Event()]
    build = studio_service.build

    def held_build(*args, progress, **kwargs):
        held[0].set()
        assert gates[0].wait(60)

        def hold(done, total):
            progress(done, total)
            if done == 1:
                held[1].set()
                assert gates[1].wait(60)

        return build(*args, progress=hold, **kwargs)

    monkeypatch.setattr(studio_service, "build", held_build)
    page.get_by_test_id("to-published").get_by_role("button").click(timeout=15_000)
    assert held[0].wait(30)
    box = page.get_by_test_id("publishing")
    expect(box).to_have_attribute("data-state", "running", timeout=10_000)
    expect(page.get_by_test_id("publish-text")).to_contain_text("正在转码", timeout=10_000)
    page.evaluate("window.stillThisPage = true")
    gates[0].set()
    assert held[1].wait(30)
    expect(page.get_by_test_id("publish-text")).to_contain_text("：1 / ", timeout=10_000)
    bar = page.get_by_test_id("publish-progress")
    assert int(bar.get_attribute("value")) > 2
    assert page.evaluate("window.stillThisPage === true")
    fits(page)
    gates[1].set()
    expect(box).to_have_attribute("data-state", "published", timeout=90_000)


def on_the_phone(browser, server) -> None:
    """A resident's phone: download the course, see its source, hear the recording offline,
    pass the quiz."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="zh-CN", service_workers="allow"
    )
    try:
        phone = context.new_page()
        phone.goto(server.url + "/#/catalog", timeout=20_000)
        wait_for_controller(phone)
        expect(phone.get_by_test_id(f"source-{PACK}")).to_have_text(
            "来源：县文化馆", timeout=20_000
        )
        phone.get_by_test_id(f"download-{PACK}").click(timeout=15_000)
        expect(phone.get_by_test_id(f"installed-{PACK}")).to_be_visible(timeout=30_000)
        context.set_offline(True)
        phone.goto(f"{server.url}/#/lesson/{PACK}/01-lesson", timeout=20_000)
        audio = phone.get_by_test_id("lesson-audio")
        expect(audio).to_have_attribute(
            "src", re.compile(r"media/recording-new\.webm$"), timeout=15_000
        )
        phone.get_by_test_id("audio-play").click(timeout=15_000)
        expect(phone.get_by_test_id("audio-play")).to_have_attribute(
            "data-playing", "true", timeout=10_000
        )
        phone.wait_for_function(
            "() => document.querySelector('[data-testid=lesson-audio]').currentTime > 0.2",
            timeout=10_000,
        )
        phone.goto(f"{server.url}/#/pack/{PACK}", timeout=20_000)
        expect(phone.get_by_test_id("pack-source")).to_have_text("来源：县文化馆", timeout=15_000)
        phone.get_by_test_id("quiz-01-lesson").click(timeout=15_000)
        expect(phone.get_by_test_id("quiz-question")).to_contain_text(
            "剪纸先做什么", timeout=10_000
        )
        phone.get_by_test_id("quiz-choice-0").click(timeout=15_000)
        expect(phone.get_by_test_id("quiz-feedback")).to_have_attribute(
            "data-correct", "true", timeout=5_000
        )
        phone.get_by_test_id("quiz-next").click(timeout=15_000)
        expect(phone.get_by_test_id("quiz-score")).to_contain_text("通过了", timeout=5_000)
    finally:
        context.close()
