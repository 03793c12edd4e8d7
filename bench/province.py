"""The province tier at county scale: the reports bench's county (500 learning points in 100
villages, 5,000 phones, 20,000 learners, ``XUEDIAN_BENCH_RECORDS`` records, default
1,000,000), on SQLite and PostgreSQL. Prints the time to build and sign the county's
aggregates document (what the nightly push and each pull cost the county), its size as sent
and gzipped, and the time the province takes to verify and store it.
"""

from __future__ import annotations

import gzip
import json
import time
from datetime import UTC, datetime

from .common import figure, on_both_databases
from .reports import RECORDS, seed


def run(backend: str, database_url: str, instance: str) -> None:
    from flask_migrate import upgrade

    from xuedian import create_app
    from xuedian.extensions import db
    from xuedian.keys.service import keyring
    from xuedian.province.document import signed_document
    from xuedian.province.intake import add_county, receive

    app = create_app({"instance_path": instance, "database_url": database_url})
    with app.app_context():
        upgrade()
        keyring().ensure()
    seed(app, backend, datetime.now(UTC))
    with app.app_context():
        start = time.perf_counter()
        envelope, _sent = signed_document("push")
        built = time.perf_counter() - start
        body = json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()
        villages = len(envelope["signed"]["villages"])
        figure(f"[{backend}] build and sign ({RECORDS:,} records, {villages} villages)", built, "s")
        figure(f"[{backend}] document size as sent", len(body) / 1024, "KB")
        figure(f"[{backend}] document size gzipped", len(gzip.compress(body)) / 1024, "KB")
        add_county("bench", "http://127.0.0.1:9", "xdp_bench", keyring().trusted())
        start = time.perf_counter()
        receive(json.loads(body), "push")
        figure(
            f"[{backend}] province: verify and store", 1000 * (time.perf_counter() - start), "ms"
        )
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    on_both_databases(run, "xd_bench_province")


if __name__ == "__main__":
    main()
