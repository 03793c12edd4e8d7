"""Bytes a phone moves for the app shell (budgets: 60 KB critical path, 150 KB all JS, gzip),
and for the QR scanner's decoder, fetched only on first use (budget 450 KB gzip with wasm)."""

from __future__ import annotations

import gzip
import re

from .common import ROOT, figure

DIST = ROOT / "pwa" / "dist"
CRITICAL_BUDGET_KB = 60
ALL_JS_BUDGET_KB = 150
SCANNER_BUDGET_KB = 450
#: The decoder chunk and its wasm (pwa/build.mjs leaves them out of the precache).
SCANNER = re.compile(r"^(qr-decoder-[A-Z0-9]{8}\.js|zxing_reader-[A-Z0-9]{8}\.wasm)$")


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def critical_path() -> list[str]:
    """Return the files index.html makes the browser fetch before first render."""
    html = (DIST / "index.html").read_text("utf-8")
    refs = re.findall(r'(?:src|href)="(/[^"]+\.(?:js|css))"', html)
    return ["index.html", *[r.lstrip("/") for r in refs]]


def first_visit_js() -> list[str]:
    """Return the entry script and every module it imports statically, transitively."""
    html = (DIST / "index.html").read_text("utf-8")
    queue = [r.lstrip("/") for r in re.findall(r'src="(/[^"]+\.js)"', html)]
    seen: list[str] = []
    while queue:
        name = queue.pop()
        if name in seen:
            continue
        seen.append(name)
        text = (DIST / name).read_text("utf-8")
        # esbuild writes chunk imports as "./chunk-X.js" or, with publicPath, "/assets/chunk-X.js".
        for ref in re.findall(r'(?:import|from)\s*["\'](\.?/[^"\']+\.js)["\']', text):
            if ref.startswith("/"):
                queue.append(ref.lstrip("/"))
            else:
                queue.append(f"{(DIST / name).parent.relative_to(DIST)}/{ref[2:]}")
    return seen


def main() -> None:
    critical = critical_path()
    critical_kb = sum(gz((DIST / f).read_bytes()) for f in critical) / 1024
    figure(
        f"shell critical path ({len(critical)} files), gzip", critical_kb, "KB", CRITICAL_BUDGET_KB
    )
    static_js = first_visit_js()
    static_kb = sum(gz((DIST / f).read_bytes()) for f in static_js) / 1024
    figure(f"first-visit JS, static imports ({len(static_js)} files), gzip", static_kb, "KB")
    scanner = sorted(p for p in (DIST / "assets").iterdir() if SCANNER.match(p.name))
    all_js = sorted(p for p in (DIST / "assets").glob("*.js") if p not in scanner)
    all_kb = sum(gz(p.read_bytes()) for p in all_js) / 1024
    figure(
        f"all app JS incl. lazy features ({len(all_js)} files), gzip",
        all_kb,
        "KB",
        ALL_JS_BUDGET_KB,
    )
    scanner_kb = sum(gz(p.read_bytes()) for p in scanner) / 1024
    figure(
        f"QR scanner on first use ({' + '.join(p.name for p in scanner)}), gzip",
        scanner_kb,
        "KB",
        SCANNER_BUDGET_KB,
    )
    sw_kb = gz((DIST / "sw.js").read_bytes()) / 1024
    figure("service worker, gzip", sw_kb, "KB")


if __name__ == "__main__":
    main()
