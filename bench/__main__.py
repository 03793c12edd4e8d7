"""Run the benchmarks: `python -m bench` (or `make bench`) runs every one; `python -m bench pwa
sync` runs only those named."""

from __future__ import annotations

import sys

from . import (
    credential_verifier,
    credits,
    pack_import_heap,
    packs,
    province,
    pwa,
    relay_rss,
    reports,
    server_rss,
    shell_size,
    studio,
    sync,
    sync_load,
)

BENCHES = {
    "shell_size": ("app shell size", shell_size.main),
    "server_rss": ("server memory", server_rss.main),
    "relay_rss": ("relay memory", relay_rss.main),
    "sync": ("sync ingest", sync.main),
    "sync_load": (
        "sync under load (county tier: 200, 500, 1,000 phones over 60 s)",
        lambda: sync_load.main([]),
    ),
    "packs": ("pack sizes", packs.main),
    "pack_import_heap": ("pack import heap", pack_import_heap.main),
    "pwa": ("the app on a slow phone (4x CPU, 400 Kbps, 400 ms)", pwa.main),
    "reports": ("reports at county scale (1,000,000 records)", reports.main),
    "province": ("a county's aggregates for the province (1,000,000 records)", province.main),
    "credential_verifier": ("the phone's certificate verifier", credential_verifier.main),
    "studio": (
        "studio: a 10-lesson course with 20 minutes of recorded narration; a 200 MiB upload",
        studio.main,
    ),
    "credits": (
        "credit bank: certify 20,000 learners from 1,000,000 records; sign 10,000 credentials",
        credits.main,
    ),
}

if __name__ == "__main__":
    names = sys.argv[1:] or list(BENCHES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        sys.exit(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHES)}")
    for name in names:
        title, run = BENCHES[name]
        print(f"== {title} ==")
        run()
