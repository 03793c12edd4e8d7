"""The resident's app on a cheap phone and a slow link: bytes, start-up time and JS heap.

Serves the demo instance (``xuedian serve``) and drives Debian Chromium through Playwright with
CDP throttling on the page: 4x CPU slowdown (Emulation.setCPUThrottlingRate) and a 400 Kbps
down/up link with 400 ms latency (Network.emulateNetworkConditions). It prints:

- critical-path bytes: index.html, the entry script, the first screen's modules it preloads and
  the stylesheet, as
  transferred (CDP Network.loadingFinished encodedDataLength: gzip body plus headers);
  budget 60 KB;
- every JS byte the page fetched on a first visit (same measure); budget 150 KB;
- everything the page fetched, what the service worker fetched into its precache (from the
  context's request events, which mark the worker's requests), and the two together: what a
  first visit costs a phone's data plan;
- the QR scanner's decoder and wasm (gzip, from pwa/dist), fetched only on first use; budget
  450 KB;
- time until the home screen is usable on a first visit; budget 5 s. "Usable" means: a
  heading in ``main`` (``h1``/``h2``) is visible (larger than 1x1 px, not clipped, in the
  viewport), and every control of the bottom navigation is shown and enabled, so the screen
  answers a tap; measured as ``performance.now()`` from navigation start;
- offline relaunch: the browser is closed and started again with the same profile, with no
  network, and the same "usable" point is timed; budget 1.5 s;
- the peak JS heap (Performance.getMetrics JSHeapUsedSize, sampled every 250 ms) while walking
  catalog, download a pack, pack page, lesson and narration playing; budget 40 MB.

Run: ``python -m bench pwa`` (or ``make bench`` for every benchmark). It stops by itself.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import time
from pathlib import Path

from .common import ROOT, demo_instance, figure, served
from .shell_size import SCANNER, critical_path, gz

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-component-update",
    "--disable-background-networking",
    "--autoplay-policy=no-user-gesture-required",
]
CPU_SLOWDOWN = 4
LINK = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 400_000 / 8,
}
#: The home screen, and the catalog (`#/catalog` once the home screen has its own route).
HOME_HASH = "#/"
CATALOG_HASH = "#/catalog"
PACK = "xuedian-welcome"
LESSON = "01-welcome"

CRITICAL_BUDGET_KB = 60
FIRST_VISIT_JS_BUDGET_KB = 150
USABLE_BUDGET_S = 5
OFFLINE_BUDGET_S = 1.5
SCANNER_BUDGET_KB = 450
HEAP_BUDGET_MB = 40
KB = 1024
MB = 1024 * 1024

# ms since navigation start once the first screen shows a heading a person can see and the
# bottom navigation is shown and answers a tap (the header's "sync now" is rightly disabled
# offline, so it does not count). A screen-reader-only heading (1x1 px,
# clipped) does not count: it is there before the screen's content is.
USABLE = """() => {
  const seen = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 1 && box.height > 1 && style.visibility !== 'hidden' &&
      style.clip === 'auto' && style.clipPath === 'none' && box.bottom > 0 && box.top < innerHeight;
  };
  const heading = [...document.querySelectorAll('main h1, main h2')].some(seen);
  const links = [...document.querySelectorAll('nav a[href], nav button')];
  const ready = heading && links.length > 0 && links.every(seen) &&
    links.every((b) => !b.disabled && b.getAttribute('aria-disabled') !== 'true');
  return ready ? performance.now() : false;
}"""


class Transfers:
    """Bytes per response, from a page's CDP Network events."""

    def __init__(self, cdp):
        self.requests: dict[str, dict] = {}
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._received)
        cdp.on("Network.loadingFinished", self._finished)

    def _sent(self, event):
        self.requests[event["requestId"]] = {"url": event["request"]["url"], "bytes": 0}

    def _received(self, event):
        entry = self.requests.setdefault(event["requestId"], {"url": event["response"]["url"]})
        entry["type"] = event.get("type", "")
        entry["sw"] = event["response"].get("fromServiceWorker", False)

    def _finished(self, event):
        entry = self.requests.setdefault(event["requestId"], {"url": ""})
        entry["bytes"] = event.get("encodedDataLength", 0)

    def by_path(self, base: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for entry in self.requests.values():
            path = entry["url"].removeprefix(base).split("#")[0] or "/"
            out[path] = out.get(path, 0) + entry.get("bytes", 0)
        return out

    def scripts(self) -> list[dict]:
        return [e for e in self.requests.values() if e.get("type") == "Script"]


def throttle(context, page, online: bool = True):
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    cdp.send("Network.enable")
    cdp.send("Performance.enable")
    if online:
        cdp.send("Network.emulateNetworkConditions", LINK)
    return cdp


def launch(pw, profile: Path):
    return pw.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        viewport={"width": 360, "height": 740},
        locale="zh-CN",
        service_workers="allow",
    )


def wait_usable(page, timeout_ms: int = 60_000) -> float:
    """Seconds from navigation start until the first screen is usable."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        return page.wait_for_function(USABLE, timeout=timeout_ms, polling=50).json_value() / 1000
    except PlaywrightTimeout:
        raise TimeoutError(f"the first screen never became usable: {page.evaluate(WHY)}") from None


# What the page shows when it never becomes usable: its headings and disabled controls.
WHY = """() => ({
  hash: location.hash,
  headings: [...document.querySelectorAll('main h1, main h2')].map((h) => {
    const b = h.getBoundingClientRect();
    const size = `${Math.round(b.width)}x${Math.round(b.height)}`;
    return `${h.textContent.trim().slice(0, 20)} ${size} at y=${Math.round(b.top)}`;
  }),
  nav: document.querySelectorAll('nav a[href], nav button').length,
  disabled: [...document.querySelectorAll('header button, header a[href], nav a[href], nav button')]
    .filter((b) => b.disabled || b.getAttribute('aria-disabled') === 'true')
    .map((b) => b.outerHTML.slice(0, 80)),
  main: (document.querySelector('main') || document.body).innerText.slice(0, 200),
})"""


class HeapWatch:
    """Samples the page's JS heap every ``period`` seconds while waiting for selectors."""

    def __init__(self, page, cdp, period: float = 0.25):
        self.page, self.cdp, self.period = page, cdp, period
        self.samples: list[float] = []

    def sample(self) -> None:
        metrics = {
            m["name"]: m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"]
        }
        self.samples.append(metrics["JSHeapUsedSize"])

    def until(self, check, timeout_s: float, what: str) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            self.sample()
            if check():
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what} did not happen in {timeout_s:.0f} s")
            self.page.wait_for_timeout(self.period * 1000)

    def visible(self, testid: str, timeout_s: float = 60) -> None:
        locator = self.page.get_by_test_id(testid)
        self.until(lambda: locator.count() > 0 and locator.first.is_visible(), timeout_s, testid)


def walk_flows(page, heap: HeapWatch, url: str) -> None:
    """Catalog, download a pack, open it, read a lesson and play its narration."""
    page.goto(url + "/" + CATALOG_HASH, timeout=60_000)
    heap.visible(f"download-{PACK}", 120)
    page.get_by_test_id(f"download-{PACK}").click()
    heap.visible(f"installed-{PACK}", 300)
    page.get_by_test_id(f"open-{PACK}").click()
    heap.visible(f"lesson-{LESSON}")
    page.get_by_test_id(f"lesson-{LESSON}").click()
    heap.visible("audio-play")
    page.evaluate("document.querySelector('[data-testid=lesson-audio]').play()")
    heap.until(
        lambda: (
            page.evaluate("document.querySelector('[data-testid=lesson-audio]').currentTime") > 2
        ),
        60,
        "narration playing for 2 s",
    )
    page.get_by_test_id("back-to-pack").click()
    heap.visible("pack-title")


def measure(url: str, profile: Path) -> dict:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    result: dict = {}
    with sync_playwright() as pw:
        context = launch(pw, profile)
        try:
            page = context.pages[0] if context.pages else context.new_page()
            cdp = throttle(context, page)
            transfers = Transfers(cdp)
            # The service worker's own fetches (its precache) are not the page's; the
            # context reports them, marked with the worker that made them.
            worker_requests = []
            context.on(
                "requestfinished",
                lambda request: request.service_worker and worker_requests.append(request),
            )
            page.goto(url + "/" + HOME_HASH, wait_until="commit", timeout=60_000)
            result["usable"] = wait_usable(page)
            page.wait_for_function(
                "() => navigator.serviceWorker.controller !== null", timeout=120_000
            )
            # Let the lazy screen and the first sync finish; a slow poll is not a failure here.
            with contextlib.suppress(PlaywrightError):
                page.wait_for_load_state("networkidle", timeout=30_000)
            sizes = transfers.by_path(url)
            result["critical"] = sum(sizes.get("/" + f, 0) for f in critical_files())
            result["critical"] += sizes.get("/", 0)
            js = transfers.scripts()
            result["js"] = sum(e.get("bytes", 0) for e in js)
            result["js_files"] = len(js)
            result["all"] = sum(sizes.values())
            result["all_requests"] = len(transfers.requests)
            # The worker activates (and so controls the page) only once its precache is
            # complete: every precache fetch has finished by now.
            result["precache"] = sum(transferred(r) for r in worker_requests)
            result["precache_requests"] = len(worker_requests)
            heap = HeapWatch(page, cdp)
            walk_flows(page, heap, url)
            result["heap"] = max(heap.samples)
            result["heap_samples"] = len(heap.samples)
        finally:
            context.close()

        # Relaunch: a new browser process on the same profile, with no network at all.
        context = launch(pw, profile)
        try:
            context.set_offline(True)
            page = context.pages[0] if context.pages else context.new_page()
            throttle(context, page, online=False)
            page.goto(url + "/" + HOME_HASH, wait_until="commit", timeout=30_000)
            result["offline"] = wait_usable(page, 30_000)
            result["offline_sw"] = page.evaluate(
                "performance.getEntriesByType('navigation')[0].workerStart > 0"
            )
        finally:
            context.close()
    return result


def transferred(request) -> int:
    """Bytes a finished request moved: its headers and its body as encoded on the wire."""
    sizes = request.sizes()
    return sizes["requestHeadersSize"] + sizes["responseHeadersSize"] + sizes["responseBodySize"]


def critical_files() -> list[str]:
    """index.html's script, its modulepreloads (the first screen) and the stylesheet."""
    return [f for f in critical_path() if f != "index.html"]


def scanner_bytes() -> tuple[list[str], int]:
    """The decoder chunk and its wasm, and their gzip bytes."""
    files = sorted(p for p in (ROOT / "pwa" / "dist" / "assets").iterdir() if SCANNER.match(p.name))
    return [p.name for p in files], sum(gz(p.read_bytes()) for p in files)


def main() -> None:
    with (
        demo_instance() as env,
        served(env) as (url, _proc),
        tempfile.TemporaryDirectory(prefix="xuedian-pwa-bench-") as tmp,
    ):
        r = measure(url, Path(tmp) / "profile")
    print(
        f"Chromium, {CPU_SLOWDOWN}x CPU slowdown, {LINK['downloadThroughput'] * 8 / 1000:.0f} Kbps"
        f" down/up, {LINK['latency']} ms latency; bytes as transferred (gzip + headers)"
    )
    figure(
        f"critical path ({len(critical_files()) + 1} files), transferred",
        r["critical"] / KB,
        "KB",
        CRITICAL_BUDGET_KB,
    )
    figure(
        f"first-visit JS ({r['js_files']} files), transferred",
        r["js"] / KB,
        "KB",
        FIRST_VISIT_JS_BUDGET_KB,
    )
    figure(
        f"everything the page fetched on a first visit ({r['all_requests']} requests)",
        r["all"] / KB,
        "KB",
    )
    figure(
        f"the service worker's precache ({r['precache_requests']} requests)",
        r["precache"] / KB,
        "KB",
    )
    figure(
        "first visit in all, page and precache",
        (r["all"] + r["precache"]) / KB,
        "KB",
    )
    names, size = scanner_bytes()
    figure(
        f"QR scanner on first use ({' + '.join(names)}), gzip", size / KB, "KB", SCANNER_BUDGET_KB
    )
    figure("first visit: home screen usable", r["usable"], "s", USABLE_BUDGET_S)
    figure(
        "offline relaunch: home screen usable" + ("" if r["offline_sw"] else " (NOT from SW)"),
        r["offline"],
        "s",
        OFFLINE_BUDGET_S,
    )
    figure(
        f"peak JS heap walking the flows ({r['heap_samples']} samples)",
        r["heap"] / MB,
        "MB",
        HEAP_BUDGET_MB,
    )
    print(
        "for comparison: Kolibri 0.19.5's learner page moves 2.29 MB on a first visit and is"
        " ready after 3.35 s at 4x CPU on an unthrottled link"
    )


if __name__ == "__main__":
    main()
