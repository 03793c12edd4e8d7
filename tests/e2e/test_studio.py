"""The studio in real Chromium at 360 px: an author of the county's cultural centre writes a
one-lesson course and submits it; the administrator sends it back with a comment; the
author fixes it and submits again; the administrator approves and publishes; the app's
catalog shows the course with "来源：县文化馆"."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect
from support.browser import staff_sign_in

from xuedian import create_app
from xuedian.extensions import db
from xuedian.org import service

from .conftest import FaultInjector, LiveServer

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"


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


def test_author_and_admin_take_a_course_through_review_to_the_catalog(studio_server, page):
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in(page, studio_server, "wang")
    form = page.get_by_test_id("add-draft")
    form.get_by_label("课程代码").fill("paper-cutting")
    form.get_by_label("中文标题").fill("剪纸入门")
    form.get_by_label("英文标题").fill("Paper cutting")
    form.get_by_label("中文简介").fill("县文化馆的剪纸课。")
    form.get_by_label("英文简介").fill("Paper cutting from the cultural centre.")
    form.get_by_label("类别").select_option("heritage")
    form.get_by_label("作者", exact=True).fill("王老师")
    fits(page)
    form.get_by_role("button", name="创建课程").click(timeout=15_000)

    page.get_by_test_id("new-lesson").click(timeout=15_000)
    lesson = page.get_by_test_id("lesson-form")
    lesson.get_by_label("中文标题").fill("第一课")
    lesson.get_by_label("英文标题").fill("Lesson one")
    lesson.get_by_label("中文课文（Markdown）").fill("剪纸是一门**手艺**。")
    page.get_by_test_id("preview-button").click(timeout=15_000)
    expect(page.get_by_test_id("preview").locator("strong")).to_have_text("手艺", timeout=10_000)
    fits(page)
    page.get_by_test_id("save-lesson").click(timeout=15_000)
    expect(page.get_by_test_id("done")).to_be_visible(timeout=10_000)
    page.get_by_role("link", name="← 返回课程").click(timeout=15_000)
    page.get_by_test_id("to-submitted").get_by_role("button").click(timeout=15_000)
    expect(page.get_by_test_id("state")).to_have_attribute(
        "data-state", "submitted", timeout=10_000
    )
    draft_url = page.url.split("?")[0]
    sign_out(page)

    sign_in(page, studio_server, "admin")
    page.goto(draft_url, timeout=15_000)
    page.get_by_test_id("note-01-lesson").fill("请补充剪刀的用法。")
    page.get_by_test_id("to-draft").get_by_role("button").click(timeout=15_000)
    expect(page.get_by_test_id("state")).to_have_attribute("data-state", "draft", timeout=10_000)
    sign_out(page)

    sign_in(page, studio_server, "wang")
    page.goto(draft_url, timeout=15_000)
    expect(page.get_by_test_id("notes")).to_contain_text("请补充剪刀的用法。", timeout=10_000)
    fits(page)
    page.get_by_test_id("lessons").get_by_role("link").first.click(timeout=15_000)
    page.get_by_label("中文课文（Markdown）").fill("剪纸是一门**手艺**。先折纸，再用剪刀剪。")
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
    page.get_by_test_id("to-published").get_by_role("button").click(timeout=60_000)
    expect(page.get_by_test_id("state")).to_have_attribute(
        "data-state", "published", timeout=60_000
    )
    fits(page)

    page.goto(studio_server.url + "/#/catalog", timeout=20_000)
    expect(page.get_by_test_id("source-paper-cutting")).to_have_text(
        "来源：县文化馆", timeout=20_000
    )
