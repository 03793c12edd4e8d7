"""The packs and helpers the pack-download browser tests share.

One live server (the ``pack_server`` fixture in conftest.py) serves a whole test module. It
publishes a copy of the welcome pack (text, an image and narration) and ``e2e-big``, about
3 MB of noise images that WebP cannot shrink, built here. :class:`~tests.e2e.conftest.ByteLog`
counts the bytes the server sent for every blob request, so a test can tell how much a
dropped link or a closed app cost.
"""

from __future__ import annotations

import random
import struct
import zlib
from pathlib import Path

from playwright.sync_api import expect
from support.browser import read_store, wait_for_controller

WELCOME = "xuedian-welcome"
BIG = "e2e-big"
BIG_IMAGES = 7
MBPS = 1_000_000 / 8


def noise_png(path: Path, width: int, height: int, seed: int) -> None:
    """Write an RGB PNG of seeded noise: lossy WebP keeps it large (about 420 KB at 960x720)."""
    rng = random.Random(seed)
    rows = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 1))
        + chunk(b"IEND", b"")
    )


def write_big_pack(root: Path) -> None:
    (root / "lessons").mkdir(parents=True)
    (root / "media").mkdir()
    (root / "pack.yaml").write_text(
        f"""id: {BIG}
version: 1
date: 2026-11-24
title:
  zh-CN: 大课程测试
  en: Big test course
description:
  zh-CN: 下载测试用的大课程。
  en: A large course for download tests.
category: farming
credit_hours: 1
license: CC-BY-4.0
authors:
  - Xuedian tests
""",
        encoding="utf-8",
    )
    for i in range(BIG_IMAGES):
        noise_png(root / "media" / f"noise-{i}.png", 960, 720, seed=i)
        (root / "lessons" / f"{i + 1:02d}-noise.md").write_text(
            f"""---
title:
  zh-CN: 第{i + 1}课
  en: Lesson {i + 1}
narration: 第{i + 1}课
---
![噪点图](media/noise-{i}.png)
""",
            encoding="utf-8",
        )


def catalog_entry(server, pack_id: str) -> dict:
    from xuedian.packs.service import current_releases

    with server.app.app_context():
        release = next(r for r in current_releases() if r.pack_id == pack_id)
        return {"version": release.version, "size": release.size, "manifest": release.manifest}


def blob_requests(server) -> list:
    return [e for e in server.bytes.snapshot() if e.path.startswith("/blobs/")]


def throttle(page, mbps: float, latency_ms: int = 150, offline: bool = False):
    """Emulate a slow link on the page's CDP session (downloads run in the page)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    conditions = {
        "offline": offline,
        "latency": latency_ms,
        "downloadThroughput": mbps * MBPS,
        "uploadThroughput": mbps * MBPS / 2,
    }
    cdp.send("Network.emulateNetworkConditions", conditions)
    return cdp, conditions


def open_catalog(page, server) -> None:
    page.goto(server.url + "/#/catalog", timeout=20_000)
    wait_for_controller(page)
    expect(page.get_by_test_id(f"pack-{BIG}")).to_be_visible(timeout=15_000)


def wait_progress(page, pack_id: str, percent: int, timeout: int = 60_000) -> None:
    page.wait_for_function(
        """([id, pct]) => {
            const bar = document.querySelector(`[data-testid="progress-${id}"]`);
            return bar && Number(bar.getAttribute('aria-valuenow')) >= pct;
        }""",
        arg=[pack_id, percent],
        timeout=timeout,
    )


def watch_blob_requests(page) -> list[str]:
    """The blob URLs ``page`` asks for from now on (the list fills as requests start)."""
    requests: list[str] = []
    page.on("request", lambda r: "/blobs/" in r.url and requests.append(r.url))
    return requests


def reopen_paused(page, pack_id: str) -> None:
    """Reload the catalog and wait until it shows ``pack_id``'s download paused.

    The catalog draws its downloads from ``resumeAll()``, which first continues every
    download left running: once the paused state is drawn, the app's start has passed
    over this one. The stored row says so too.
    """
    page.reload(timeout=20_000)
    expect(page.get_by_test_id(f"state-{pack_id}")).to_have_text("已暂停", timeout=20_000)
    expect(page.get_by_test_id(f"resume-{pack_id}")).to_be_visible(timeout=10_000)
    row = next(r for r in read_store(page, "downloads") if r["pack_id"] == pack_id)
    assert row["state"] == "paused", row


def stored_blob_ids(page) -> set[str]:
    return set(
        page.evaluate(
            """async () => {
                const cache = await caches.open('xuedian-blobs');
                return (await cache.keys()).map((r) => new URL(r.url).pathname.slice(7));
            }"""
        )
    )


def idb_count(page, store: str) -> int:
    return len(read_store(page, store) or [])


def size_text(n: int) -> str:
    """lib/packs/catalog.js formatSize for sizes below a megabyte."""
    return f"{max(1, (n + 512) // 1024)} KB"


def download_welcome(page, server) -> None:
    open_catalog(page, server)
    page.get_by_test_id(f"download-{WELCOME}").click()
    expect(page.get_by_test_id(f"installed-{WELCOME}")).to_be_visible(timeout=30_000)
