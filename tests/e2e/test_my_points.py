"""积分 and credentials from other counties on 我的学分, in real Chromium at 360 px (issue 14).

The county gives 10 points for a lesson completed with engagement (``xuedian points rule``).
A resident reads a lesson offline; once online the phone syncs and 我的学分 shows the
balance in large print and an "earned" line with the date, also after a reload offline.
Then the county accepts a certificate from another county into the learner's account; after
the next sync it is listed under 从外县转入 and counted in the totals.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from support.county import cli
from support.credits import add_transfer

from xuedian.core.timeutil import utcnow
from xuedian.extensions import db
from xuedian.org import service as org
from xuedian.sync.models import LearnerOwner

from .screens import PHONE, complete_lesson, install, no_horizontal_scroll, start_screens_server
from .test_my_credits import sync_now

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

LESSON = "01-first"


@pytest.fixture(scope="module")
def points_server(tmp_path_factory, pwa_dist):
    """The screens' packs with their default outcome definitions, and a county rule: 10
    points for an engaged lesson completion."""
    server = start_screens_server(tmp_path_factory.mktemp("points"), pwa_dist)
    cli(server, "credits", "certify")
    cli(server, "points", "rule", "lesson-completed", "10")
    yield server
    server.stop()


def accept_transfer(server) -> None:
    """Add a credential from 甲县 to the phone's learner, as credits/transfer.py ``accept``
    does once it verified (its verification has tests of its own)."""
    with server.app.app_context():
        (learner,) = db.session.scalars(select(LearnerOwner.learner)).all()
        org.create_area("county", "xf-c", "乙县")
        org.create_area("township", "xf-t", "乙镇", "", "xf-c")
        org.create_area("village", "xf-v", "乙村", "", "xf-t")
        point = org.create_point("P-XFER", "乙村学习点", "xf-v")
        add_transfer(learner, point.id, "竹编入门", credits=2.0, ratio=1.0)
        db.session.commit()
        db.session.remove()


def test_points_and_transfers_show_on_my_credits_also_offline(points_server, page):
    server, base = points_server, points_server.url
    page.clock.install()  # time flows; complete_lesson moves it on while reading
    install(page, server, PHONE)
    page.context.set_offline(True)
    complete_lesson(page, server, LESSON, PHONE, read_seconds=30)
    page.goto(base + "/#/credits", timeout=20_000)
    expect(page.get_by_test_id("points-none")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("points-balance")).to_have_text("0")

    # Online: the phone syncs, the county's ledger earns 10, the feed brings it back.
    page.context.set_offline(False)
    expect(page.get_by_test_id("points-balance")).to_have_text("10", timeout=60_000)
    today = utcnow().date().isoformat()
    history = page.get_by_test_id("points-history")
    expect(history).to_contain_text(f"{today} 学完一课，得到 10 分")
    expect(page.get_by_test_id("credits-credits")).to_have_text("1")
    assert no_horizontal_scroll(page)
    # Large print: the balance is drawn bigger than the text around it.
    size = page.get_by_test_id("points-balance").evaluate(
        "(e) => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert size >= 2 * page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")

    # Offline, from what the feed stored.
    page.context.set_offline(True)
    page.reload(timeout=20_000)
    expect(page.get_by_test_id("points-balance")).to_have_text("10", timeout=20_000)
    expect(page.get_by_test_id("points-history")).to_contain_text("学完一课，得到 10 分")

    # A certificate from another county, accepted here, arrives with the next sync.
    accept_transfer(server)
    page.context.set_offline(False)
    sync_now(page, base)
    page.goto(base + "/#/credits", timeout=20_000)
    moved = page.get_by_test_id("credits-transferred")
    expect(moved).to_contain_text("竹编入门（甲县）：3 小时 · 2 学分", timeout=30_000)
    expect(page.get_by_role("heading", name="从外县转入")).to_be_visible()
    expect(page.get_by_test_id("credits-credits")).to_have_text("3")  # 1 + 2 transferred
    assert no_horizontal_scroll(page)
