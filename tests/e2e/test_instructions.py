"""Remote instructions in real Chromium: `resync` makes the phone pull everything again with
a heartbeat; `update-pack` leaves an inbox notice and starts the download, unless data saver
is on."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from support import wait_until
from support.browser import read_store, wait_for_controller, wait_for_store
from support.county import cli, registered
from support.phone import PACK, device_key

from xuedian.extensions import db
from xuedian.instructions.models import Instruction
from xuedian.sync.models import Device

pytestmark = pytest.mark.e2e


def device_row(live_server, device_id: str) -> Device:
    with live_server.app.app_context():
        device = db.session.get(Device, device_id)
        db.session.expunge(device)
        db.session.remove()
        return device


def delivered(live_server) -> list[bool]:
    with live_server.app.app_context():
        rows = db.session.scalars(select(Instruction).order_by(Instruction.id)).all()
        db.session.remove()
        return [r.delivered_at is not None for r in rows]


def started_phone(live_server, page) -> str:
    page.goto(live_server.url + "/#/catalog", timeout=20_000)
    wait_for_controller(page)
    me = device_key(page)["device_id"]
    expect(page.get_by_test_id("catalog")).to_be_visible(timeout=15_000)
    wait_until(lambda: me in registered(live_server), 15, "the phone to register", page=page)
    wait_for_store(page, "meta", "feed_cursor")
    expect(page.get_by_test_id("sync-now")).to_be_enabled(timeout=15_000)
    return me


def sync(page) -> None:
    page.get_by_test_id("sync-now").click(timeout=30_000)
    expect(page.get_by_test_id("sync-now")).to_be_enabled(timeout=15_000)


def test_resync_pulls_again_with_a_heartbeat_and_is_delivered_once(live_server, page):
    me = started_phone(live_server, page)
    # Nothing uploaded yet, so the county has heard no heartbeat from this phone.
    assert device_row(live_server, me).last_status is None
    cli(live_server, "instructions", "send", "--kind", "resync", "--device", me)

    sync(page)
    wait_until(
        lambda: device_row(live_server, me).last_status is not None,
        15,
        "the heartbeat sent with the resync's changes request",
        page=page,
    )
    done = read_store(page, "meta", "instructions_done")
    assert len(done) == 1
    assert delivered(live_server) == [False]  # confirmed by the next contact's cursor
    sync(page)
    wait_until(lambda: delivered(live_server) == [True], 15, "delivery confirmed", page=page)
    assert read_store(page, "meta", "instructions_done") == done


@pytest.mark.parametrize("saver", [False, True])
def test_update_pack_starts_the_download_unless_data_saver(live_server, page, saver):
    me = started_phone(live_server, page)
    if saver:
        page.evaluate(
            "() => localStorage.setItem('xuedian-settings', JSON.stringify({dataSaver: true}))"
        )
        page.reload(timeout=20_000)
        expect(page.get_by_test_id("sync-now")).to_be_enabled(timeout=15_000)
    assert read_store(page, "packs", PACK) is None
    cli(
        live_server,
        *["instructions", "send", "--kind", "update-pack", "--device", me],
        *["--pack", PACK, "--by", "2026-12-31"],
    )
    sync(page)
    page.evaluate("location.hash = '#/inbox'")
    inbox = page.get_by_test_id("inbox")
    expect(inbox).to_contain_text("请更新课程", timeout=15_000)
    expect(inbox).to_contain_text("2026-12-31")
    wait_for_store(page, "meta", "pack_updates")
    if saver:
        # The sync that stored the instruction then held its download back.
        expect(page.locator("html")).to_have_attribute(
            "data-pack-updates", "held:1", timeout=15_000
        )
        assert read_store(page, "downloads", PACK) is None
        assert read_store(page, "packs", PACK) is None
        assert PACK in read_store(page, "meta", "pack_updates")
    else:
        wait_for_store(page, "packs", PACK, timeout=30.0)
        assert read_store(page, "meta", "pack_updates") == {
            PACK: {"version": None, "by_date": "2026-12-31"}
        }  # forgotten at the next sync, once installed
        page.goto(live_server.url + "/#/catalog", timeout=20_000)
        expect(page.get_by_test_id(f"installed-{PACK}")).to_be_visible(timeout=30_000)
        sync(page)
        wait_for_store(page, "meta", "pack_updates", want={})
