"""Helpers the home/quiz and my-learning browser tests share: a server with the welcome pack
and two one-lesson packs in two categories, installing a pack, and reading IndexedDB."""

from __future__ import annotations

import shutil
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select
from support.browser import read_store, wait_for_controller

from .conftest import ROOT, start_live_server

WELCOME = "xuedian-welcome"
PHONE = "e2e-phone"
GARDEN = "e2e-garden"
VERB = "http://adlnet.gov/expapi/verbs/"


def write_small_pack(root: Path, pack_id: str, category: str, zh: str, en: str) -> None:
    """A one-lesson pack with a short narration and one quiz question."""
    (root / "lessons").mkdir(parents=True)
    (root / "pack.yaml").write_text(
        f"""id: {pack_id}
version: 1
date: 2026-11-24
title:
  zh-CN: {zh}
  en: {en}
description:
  zh-CN: {zh}的测试课程。
  en: A test course about {en.lower()}.
category: {category}
credit_hours: 1
license: CC-BY-4.0
authors:
  - Xuedian tests
""",
        encoding="utf-8",
    )
    (root / "lessons" / "01-first.md").write_text(
        f"""---
title:
  zh-CN: {zh}第一课
  en: {en} lesson one
narration: {zh}
---
{zh}。
""",
        encoding="utf-8",
    )


def start_screens_server(base: Path, pwa_dist: Path):
    packs = base / "sources"
    shutil.copytree(ROOT / "content_packs" / WELCOME, packs / WELCOME)
    write_small_pack(packs / PHONE, PHONE, "digital-skills", "手机支付", "Phone payments")
    write_small_pack(packs / GARDEN, GARDEN, "farming", "菜园管理", "Vegetable garden")
    return start_live_server(base / "instance", pwa_dist, packs)


def install(page, server, pack_id: str = WELCOME) -> None:
    """Open the catalog (route #/catalog), download a pack and wait until it is installed."""
    page.goto(server.url + "/#/catalog", timeout=20_000)
    wait_for_controller(page)
    page.get_by_test_id(f"download-{pack_id}").click()
    expect(page.get_by_test_id(f"installed-{pack_id}")).to_be_visible(timeout=30_000)


def complete_lesson(
    page, server, lesson: str, pack_id: str = WELCOME, read_seconds: int = 0
) -> None:
    """Open a lesson and tap "完成". With ``read_seconds`` the page's clock (installed on
    first use) moves that far on while the content is shown, as if the resident read it:
    the completion then carries evidence (docs/protocol.md, "Record facts")."""
    page.goto(f"{server.url}/#/lesson/{pack_id}/{lesson}", timeout=20_000)
    # The lesson's own text, not the previous lesson's that a hash change leaves on screen
    # until this one is read: its visible time is counted from here on.
    expect(page.get_by_test_id("lesson-content")).to_have_attribute(
        "data-lesson", lesson, timeout=15_000
    )
    expect(page.get_by_test_id("lesson-content")).not_to_be_empty(timeout=15_000)
    if read_seconds:
        page.clock.fast_forward(read_seconds * 1000)
    page.get_by_test_id("complete-lesson").click()
    expect(page.get_by_test_id("lesson-saved")).to_be_visible(timeout=10_000)
    expect(page.get_by_test_id("lesson-saved")).to_have_attribute(
        "data-verified", "true" if read_seconds >= 20 else "false", timeout=10_000
    )


def idb_all(page, store: str) -> list:
    return read_store(page, store) or []


def idb_put(page, store: str, value, key=None) -> None:
    """Put one row; ``key`` for stores without a key path (``meta``)."""
    page.evaluate(
        """([store, value, key]) => new Promise((resolve, reject) => {
            const open = indexedDB.open('xuedian');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const tx = open.result.transaction(store, 'readwrite');
                if (key === null) tx.objectStore(store).put(value);
                else tx.objectStore(store).put(value, key);
                tx.oncomplete = () => { resolve(); open.result.close(); };
                tx.onerror = () => reject(tx.error);
            };
        })""",
        [store, value, key],
    )


def idb_meta(page, key: str):
    return page.evaluate(
        """(key) => new Promise((resolve, reject) => {
            const open = indexedDB.open('xuedian');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const req = open.result.transaction('meta').objectStore('meta').get(key);
                req.onsuccess = () => { resolve(req.result ?? null); open.result.close(); };
                req.onerror = () => reject(req.error);
            };
        })""",
        key,
    )


def server_records(server) -> list:
    from xuedian.extensions import db
    from xuedian.sync.models import LearningRecord

    with server.app.app_context():
        records = db.session.scalars(select(LearningRecord)).all()
        db.session.expunge_all()
        db.session.remove()
        return records


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def wide_elements(page) -> list[str]:
    """The visible elements that stick out past the right edge of the screen."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter((e) => e.getBoundingClientRect().right > innerWidth + 1
              || (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible'))
            .map((e) => `${e.tagName}.${e.className} ${(e.textContent || '').slice(0, 40)}`)"""
    )
