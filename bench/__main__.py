"""Run every benchmark: `python -m bench` (or `make bench`)."""

from __future__ import annotations

from . import (
    pack_import_heap,
    packs,
    relay_rss,
    reports,
    server_rss,
    shell_size,
    sync,
    sync_load,
)

if __name__ == "__main__":
    print("== app shell size ==")
    shell_size.main()
    print("== server memory ==")
    server_rss.main()
    print("== relay memory ==")
    relay_rss.main()
    print("== sync ingest ==")
    sync.main()
    print("== sync under load (gunicorn, 200 devices at once) ==")
    sync_load.main([])
    print("== pack sizes ==")
    packs.main()
    print("== pack import heap ==")
    pack_import_heap.main()
    print("== reports at county scale (1,000,000 records) ==")
    reports.main()
