"""A volunteer signs in on a phone-sized Chromium, opens their learning point, and uploads
two sync bundles at once: a progress bar shows the upload and each file gets its result
on the same page; the county records the volunteer as who carried them."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect
from server.sync.helpers import Phone, make_record
from sqlalchemy import select
from support.browser import staff_sign_in

from xuedian.extensions import db
from xuedian.org.demo import VOLUNTEER
from xuedian.org.models import LearningPoint, Staff
from xuedian.sync.models import SyncBundle

from .conftest import ROOT, start_live_server

pytestmark = pytest.mark.e2e

# Records every value the progress bar takes (the script sets its value attribute).
WATCH_PROGRESS = """() => {
  const bar = document.querySelector('[data-testid=upload-progress]');
  window.__progress = [];
  new MutationObserver(() => window.__progress.push(Number(bar.value)))
    .observe(bar, {attributes: true, attributeFilter: ['value', 'hidden']});
}"""


@pytest.fixture
def county(tmp_path, pwa_dist):
    packs = tmp_path / "sources"
    shutil.copytree(ROOT / "content_packs" / "xuedian-welcome", packs / "xuedian-welcome")
    server = start_live_server(tmp_path / "county", pwa_dist, packs)
    yield server
    server.stop()


def test_volunteer_uploads_two_bundles_and_sees_each_result(county, page, tmp_path):
    first, second = Phone(), Phone()
    files = [tmp_path / "first.xdsync", tmp_path / "second.xdsync"]
    files[0].write_bytes(first.bundle([[make_record(1), make_record(2)]]))
    files[1].write_bytes(second.bundle([[make_record(i) for i in range(1, 301)]]))

    page.goto(f"{county.url}/staff/points", timeout=20_000)
    expect(page).to_have_url(f"{county.url}/staff/login?next=/staff/points", timeout=10_000)
    staff_sign_in(page, VOLUNTEER)
    expect(page.get_by_test_id("points")).to_contain_text("柳村学习点", timeout=10_000)
    page.get_by_role("link", name="柳村学习点").click(timeout=30_000)
    expect(page.get_by_test_id("point-code")).to_have_text("liucun", timeout=10_000)
    point_url = page.url
    # The enrolment QR code and a pack download are on the page too.
    expect(page.get_by_test_id("qr").locator("svg")).to_be_visible(timeout=5_000)
    expect(page.get_by_test_id("downloads").get_by_role("link")).to_have_attribute(
        "href", "/api/v1/packs/xuedian-welcome/1/archive", timeout=5_000
    )

    page.evaluate(WATCH_PROGRESS)
    progress = page.get_by_test_id("upload-progress")
    expect(progress).to_be_hidden(timeout=5_000)
    page.get_by_test_id("bundles").set_input_files(files, timeout=10_000)
    page.get_by_test_id("upload").click(timeout=30_000)

    receipts = page.get_by_test_id("upload-results").get_by_test_id("receipts")
    expect(receipts.locator("li")).to_have_count(2, timeout=20_000)
    expect(receipts.locator("li[data-file='first.xdsync']")).to_contain_text(
        "新记录 2 条", timeout=5_000
    )
    expect(receipts.locator("li[data-file='second.xdsync']")).to_contain_text(
        "新记录 300 条", timeout=5_000
    )
    expect(page.get_by_test_id("result-summary")).to_have_text(
        "县里收下了 2 个文件，共 2 个。", timeout=5_000
    )
    expect(progress).to_be_visible(timeout=5_000)
    expect(progress).to_have_attribute("value", "100", timeout=5_000)
    seen = page.evaluate("window.__progress")
    assert seen and seen[-1] == 100 and all(0 <= v <= 100 for v in seen), seen
    assert page.url == point_url  # the script answered in place; no page load

    with county.app.app_context():
        volunteer = db.session.scalar(select(Staff).where(Staff.username == VOLUNTEER[0]))
        bundles = db.session.scalars(select(SyncBundle)).all()
        assert sorted(b.records for b in bundles) == [2, 300]
        assert {b.carried_by for b in bundles} == {volunteer.id}
        assert (
            db.session.scalar(
                select(LearningPoint.code).where(LearningPoint.id == volunteer.point_id)
            )
            == "liucun"
        )


def test_upload_without_javascript_lists_each_file(county, browser, tmp_path):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        phone = Phone()
        good = tmp_path / "good.xdsync"
        good.write_bytes(phone.bundle([[make_record(1)]]))
        bad = tmp_path / "bad.xdsync"
        bad.write_bytes(b"not a bundle")
        page.goto(f"{county.url}/staff/login", timeout=20_000)
        staff_sign_in(page, VOLUNTEER)
        expect(page.get_by_test_id("point-code")).to_have_text("liucun", timeout=10_000)
        page.get_by_test_id("bundles").set_input_files([good, bad], timeout=10_000)
        page.get_by_test_id("upload").click(timeout=30_000)
        expect(page.get_by_test_id("result-summary")).to_have_text(
            "县里收下了 1 个文件，共 2 个。", timeout=15_000
        )
        receipts = page.get_by_test_id("receipts")
        expect(receipts).to_contain_text("good.xdsync", timeout=5_000)
        expect(receipts.locator("li.refused")).to_contain_text("bad.xdsync", timeout=5_000)
    finally:
        context.close()


def test_script_shows_the_servers_refusal_of_a_too_large_upload(county, page, tmp_path):
    import dataclasses

    settings = county.app.config["XUEDIAN"]
    county.app.config["XUEDIAN"] = dataclasses.replace(settings, max_upload_bytes=5_000)
    big = tmp_path / "big.xdsync"
    big.write_bytes(Phone().bundle([[make_record(i) for i in range(1, 401)]]))
    assert big.stat().st_size > 5_000
    page.goto(f"{county.url}/staff/login", timeout=20_000)
    staff_sign_in(page, VOLUNTEER)
    expect(page.get_by_test_id("point-code")).to_have_text("liucun", timeout=10_000)
    page.get_by_test_id("bundles").set_input_files([big], timeout=10_000)
    page.get_by_test_id("upload").click(timeout=30_000)
    expect(page.get_by_test_id("result-summary")).to_contain_text(
        "一次上传的文件太多或太大", timeout=15_000
    )
    with county.app.app_context():
        assert db.session.scalars(select(SyncBundle)).all() == []
