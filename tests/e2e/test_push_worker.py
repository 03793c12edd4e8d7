"""The service worker's Web Push handler in real Chromium: a push (delivered through the
DevTools protocol, as a push service would) shows the county's notification in the phone's
language and syncs the feed, so the full message is in the inbox."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect
from support import wait_until
from support.browser import wait_for_controller, wait_for_store
from support.county import cli, registered
from support.phone import device_key

pytestmark = pytest.mark.e2e

NOTIFICATIONS = """() => navigator.serviceWorker.ready
  .then((r) => r.getNotifications())
  .then((list) => list.map((n) => ({title: n.title, body: n.body, tag: n.tag, data: n.data})))"""


def test_push_shows_a_notification_and_pulls_the_inbox(live_server, page):
    base = live_server.url
    page.context.grant_permissions(["notifications"], origin=base)
    page.goto(base + "/", timeout=20_000)
    wait_for_controller(page)
    me = device_key(page)["device_id"]
    wait_until(lambda: me in registered(live_server), 15, "the phone to register", page=page)
    wait_for_store(page, "meta", "feed_cursor")
    # The message is in the county's inbox; the push only says so.
    text = ["--title-zh", "新课程到了", "--title-en", "New pack", "--body-zh", "快来学"]
    cli(live_server, "inbox", "send", *text, "--body-en", "Come and learn", "--device", me)

    cdp = page.context.new_cdp_session(page)
    scope = page.evaluate("() => navigator.serviceWorker.ready.then((r) => r.scope)")
    ids = {}

    def updated(event) -> None:
        ids.update({r["scopeURL"]: r["registrationId"] for r in event["registrations"]})

    cdp.on("ServiceWorker.workerRegistrationUpdated", updated)
    cdp.send("ServiceWorker.enable")
    # Events arrive while Playwright waits, hence page=.
    wait_until(lambda: scope in ids, 10, f"the registration of {scope} (seen: {ids})", page=page)
    payload = {
        "id": 1,
        "title": {"zh-CN": "新课程到了", "en": "New pack"},
        "body": {"zh-CN": "快来学", "en": "Come and learn"},
        "url": "/#/inbox",
    }
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": base, "registrationId": ids[scope], "data": json.dumps(payload)},
    )
    [shown] = wait_until(lambda: page.evaluate(NOTIFICATIONS), 10, "the notification", page=page)
    assert (shown["title"], shown["body"], shown["tag"]) == ("新课程到了", "快来学", "inbox-1")
    assert shown["data"] == {"url": "/#/inbox"}
    # The worker synced: the message waits in the inbox without the page asking.
    wait_for_store(page, "inbox", 1)
    page.goto(base + "/#/inbox", timeout=20_000)
    expect(page.get_by_test_id("inbox")).to_contain_text("新课程到了", timeout=15_000)
