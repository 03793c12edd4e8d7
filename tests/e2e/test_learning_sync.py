"""A lesson learnt offline reaches the county exactly once, even when an answer is lost: the
county's ack in the changes feed clears it from the phone without a second upload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from support.browser import wait_for_controller
from support.county import stored_records
from support.phone import PACK, download_pack

pytestmark = pytest.mark.e2e


def test_lesson_completed_offline_syncs_exactly_once_despite_lost_answer(live_server, page):
    page.goto(live_server.url + "/", timeout=20_000)
    wait_for_controller(page)
    download_pack(page)

    page.context.set_offline(True)
    page.goto(f"{live_server.url}/#/lesson/{PACK}/02-offline", timeout=20_000)
    expect(page.get_by_test_id("lesson-content")).to_contain_text(
        "保存在您的手机里", timeout=15_000
    )
    page.get_by_test_id("complete-lesson").click()
    expect(page.get_by_test_id("lesson-saved")).to_be_visible(timeout=10_000)
    expect(page.get_by_test_id("outbox-count")).to_have_text("1", timeout=10_000)
    assert stored_records(live_server) == []

    # The first upload after reconnecting commits on the server, but its answer is lost.
    live_server.faults.lose_next_responses = 1
    page.context.set_offline(False)
    expect(page.get_by_test_id("outbox-count")).to_have_text("0", timeout=60_000)

    records = stored_records(live_server)
    assert len(records) == 1
    assert records[0].object == {"pack": PACK, "version": 1, "lesson": "02-offline"}
    assert records[0].verb == "http://adlnet.gov/expapi/verbs/completed"
    assert live_server.faults.lose_next_responses == 0
    # Not uploaded again: the county's ack (changes feed) told the phone it has the record.
    assert live_server.faults.uploads == 1

    # Nothing is left to send, and a reload does not send it again.
    uploads = live_server.faults.uploads
    page.reload(timeout=20_000)
    expect(page.get_by_test_id("outbox-count")).to_have_text("0", timeout=10_000)
    assert len(stored_records(live_server)) == 1
    assert live_server.faults.uploads == uploads
