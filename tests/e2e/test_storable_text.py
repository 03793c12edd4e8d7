"""The app never writes text the county cannot store into a record: a topic cut at its limit
keeps no half of a surrogate pair and no NUL, so the request reaches the county."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .test_feed import read_store, wait_for_store
from .test_profiles import capture_batches
from .test_shell import wait_for_controller

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

TYPE_TOPIC = """(text) => {
  const area = document.querySelector('[data-testid="request-topic"]');
  area.value = text;
  area.dispatchEvent(new Event('input', { bubbles: true }));
}"""


def test_topic_cut_inside_an_emoji_is_storable_and_reaches_the_county(live_server, page):
    bodies = capture_batches(live_server)
    page.goto(f"{live_server.url}/#/settings", timeout=20_000)
    wait_for_controller(page)
    page.context.set_offline(True)
    page.get_by_test_id("go-request").click()
    # The screen is a lazy module: type only once its text area is there.
    expect(page.get_by_test_id("request-topic")).to_be_visible(timeout=20_000)
    # 199 characters, then an emoji (two UTF-16 units) across the 200 limit, then a NUL.
    page.evaluate(TYPE_TOPIC, "学" * 199 + "\U0001f600\u0000x")
    page.get_by_test_id("request-send").click()
    expect(page.get_by_test_id("request-saved")).to_be_visible(timeout=10_000)
    (record,) = read_store(page, "outbox")
    assert record["object"]["topic"] == "学" * 199

    page.context.set_offline(False)
    expect(page.get_by_test_id("request-item")).to_have_attribute(
        "data-sent", "true", timeout=30_000
    )
    wait_for_store(page, "outbox", None, want=[])
    sent = [r for b in bodies for r in b["signed"]["records"]]
    assert [r["object"]["topic"] for r in sent] == ["学" * 199]
