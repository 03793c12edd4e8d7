"""JS heap while a phone imports a ~100 MB pack archive from a file (budget: 50 MB).

Makes a signed archive of 25 random 4 MB identity blobs (incompressible, like media) with
a temporary instance's key, serves the real app with that key trusted, installs the shell
in Chromium, goes offline and imports the file through the import screen. Every ~100 ms it
samples the page's heap (CDP Performance.getMetrics, JSHeapUsedSize) and the import
worker's (Runtime.getHeapUsage in the worker target). ArrayBuffer backing stores sit
outside the JS heap; they are printed too, so streaming shows as flat there as well.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

from .common import XUEDIAN, figure, served

BUDGET_MB = 50
BLOBS = 25
BLOB_BYTES = 4 * 1024 * 1024
PACK = "bench-import"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-component-update"]
MB = 1024 * 1024


def make_archive(folder: Path, instance: Path) -> Path:
    """Write ``<folder>/bench-import-v1.xdpack`` signed by the instance's active key."""
    from xuedian.keys.service import KeyRing
    from xuedian.packs.schemas import PackManifest

    blobs, files = [], []
    parts = folder / "blobs"
    parts.mkdir()
    for n in range(BLOBS):
        data = os.urandom(BLOB_BYTES)
        blob_id = hashlib.sha256(data).hexdigest()
        (parts / blob_id).write_bytes(data)
        blobs.append({"id": blob_id, "size": len(data), "codec": "identity", "raw_size": len(data)})
        path = "media/narration/01-bench.webm" if n == 0 else f"media/part-{n:02d}.webm"
        entry = {"path": path, "mime": "audio/webm", "size": len(data), "sha256": blob_id}
        files.append({**entry, "blobs": [{"id": blob_id, "offset": 0, "length": len(data)}]})
    text = "<p>导入测试</p>".encode()
    packed = gzip.compress(text, mtime=0)
    text_id = hashlib.sha256(packed).hexdigest()
    (parts / text_id).write_bytes(packed)
    blobs.append({"id": text_id, "size": len(packed), "codec": "gzip", "raw_size": len(text)})
    files.append(
        {
            "path": "lessons/01-bench.html",
            "mime": "text/html",
            "size": len(text),
            "sha256": hashlib.sha256(text).hexdigest(),
            "blobs": [{"id": text_id, "offset": 0, "length": len(text)}],
        }
    )
    blobs.sort(key=lambda b: b["id"])
    title = {"zh-CN": "导入测试", "en": "Import bench"}
    body = {
        "type": "manifest",
        "schema_version": 1,
        "pack_id": PACK,
        "version": 1,
        "created": "2026-01-01T00:00:00Z",
        "min_app": "0.1.0",
        "title": title,
        "description": title,
        "category": "local",
        "credit_hours": 1.0,
        "lessons": [
            {
                "id": "01-bench",
                "title": title,
                "file": "lessons/01-bench.html",
                "files": {"zh-CN": "lessons/01-bench.html"},
                "audio": {"path": files[0]["path"], "mime": "audio/webm", "seconds": 1.0},
                "quiz": [],
            }
        ],
        "files": files,
        "blobs": blobs,
    }
    problems = PackManifest().validate(body)
    assert not problems, problems
    envelope = KeyRing(instance).sign(body)
    archive = folder / f"{PACK}-v1.xdpack"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("manifest.json", json.dumps(envelope).encode())
        for blob in blobs:
            zf.write(parts / blob["id"], f"blobs/{blob['id']}")
    shutil.rmtree(parts)
    return archive


class WorkerHeap:
    """Runtime.getHeapUsage in the page's dedicated workers, through the page's CDP session
    (auto-attach without flatten, since Playwright's sessions cannot address child ones)."""

    def __init__(self, cdp):
        self.cdp = cdp
        self.sessions: list[str] = []
        self.samples: list[dict] = []
        self.next_id = 1
        cdp.on("Target.attachedToTarget", self._attached)
        cdp.on("Target.receivedMessageFromTarget", self._message)
        cdp.send(
            "Target.setAutoAttach",
            {"autoAttach": True, "waitForDebuggerOnStart": False, "flatten": False},
        )

    def _attached(self, event: dict) -> None:
        if event["targetInfo"]["type"] == "worker":
            self.sessions.append(event["sessionId"])

    def _message(self, event: dict) -> None:
        reply = json.loads(event["message"])
        if "result" in reply and "usedSize" in reply["result"]:
            self.samples.append(reply["result"])

    def ask(self, collect: bool = False) -> None:
        """Ask each worker for its heap usage (the reply arrives as an event)."""
        methods = ["HeapProfiler.collectGarbage"] if collect else []
        for session in self.sessions:
            for method in [*methods, "Runtime.getHeapUsage"]:
                message = json.dumps({"id": self.next_id, "method": method})
                self.next_id += 1
                try:
                    self.cdp.send(
                        "Target.sendMessageToTarget", {"sessionId": session, "message": message}
                    )
                except Exception:  # noqa: BLE001, S112 - the worker ended between samples
                    continue


def run_import(url: str, archive: Path, profile: Path, collect: bool = False) -> dict:
    """Import ``archive`` offline through the import screen; return the heap figures.

    With ``collect``, garbage is collected before each sample, so the figures are what is
    live rather than what V8 has not swept yet.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, locale="zh-CN"
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.goto(url + "/#/import", timeout=30_000)
            page.wait_for_function(
                "() => navigator.serviceWorker.controller !== null", timeout=30_000
            )
            page.get_by_test_id("import-file").wait_for(state="attached", timeout=15_000)
            context.set_offline(True)
            cdp = context.new_cdp_session(page)
            cdp.send("Performance.enable")
            worker = WorkerHeap(cdp)
            page_heap, page_backing = [], []
            start = time.perf_counter()
            page.get_by_test_id("import-file").set_input_files(str(archive))
            outcome = page.get_by_test_id("import-done").or_(page.get_by_test_id("import-error"))
            deadline = start + 600
            while not outcome.is_visible():
                if time.perf_counter() > deadline:
                    raise TimeoutError("the import did not finish in 10 minutes")
                metrics = {
                    m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]
                }
                page_heap.append(metrics["JSHeapUsedSize"])
                page_backing.append(cdp.send("Runtime.getHeapUsage").get("backingStorageSize", 0))
                worker.ask(collect)
                page.wait_for_timeout(100)
            seconds = time.perf_counter() - start
            if outcome.get_attribute("data-testid") != "import-done":
                raise RuntimeError(f"the import failed: {outcome.text_content()}")
            return {
                "seconds": seconds,
                "page": max(page_heap),
                "page_backing": max(page_backing),
                "worker": max((s["usedSize"] for s in worker.samples), default=0),
                "worker_backing": max(
                    (s.get("backingStorageSize", 0) for s in worker.samples), default=0
                ),
                "samples": len(page_heap),
                "worker_samples": len(worker.samples),
            }
        finally:
            context.close()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="xuedian-import-bench-") as tmp:
        folder = Path(tmp)
        instance = folder / "instance"
        env = {**os.environ, "XUEDIAN_INSTANCE_PATH": str(instance)}
        subprocess.run([XUEDIAN, "init"], env=env, check=True, capture_output=True)
        archive = make_archive(folder, instance)
        with served(env) as (url, _proc):
            result = run_import(url, archive, folder / "profile")
            live = run_import(url, archive, folder / "profile-gc", collect=True)
        size = archive.stat().st_size
        figure("pack archive imported (25 random 4 MB blobs)", size / MB, "MB")
        figure("import time, offline, file to active pack", result["seconds"], "s")
        figure(f"peak page JS heap ({result['samples']} samples)", result["page"] / MB, "MB")
        figure(
            f"peak import-worker JS heap ({result['worker_samples']} samples)",
            result["worker"] / MB,
            "MB",
        )
        total = (result["page"] + result["worker"]) / MB
        figure("peak page + worker JS heap", total, "MB", BUDGET_MB)
        backing = (result["page_backing"] + result["worker_backing"]) / MB
        figure("peak ArrayBuffers, page + worker (incl. unswept)", backing, "MB")
        backing = (live["page_backing"] + live["worker_backing"]) / MB
        figure("peak live ArrayBuffers, page + worker (GC each sample)", backing, "MB")
        total = (live["page"] + live["worker"]) / MB
        figure("peak live page + worker JS heap (GC each sample)", total, "MB", BUDGET_MB)


if __name__ == "__main__":
    main()
