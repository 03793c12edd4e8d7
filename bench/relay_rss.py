"""Peak memory of a village relay while it forwards 10,000 records (budget: 100 MB, so it
fits a Raspberry Pi), how long forwarding takes, and what the relay holds once it idles
afterwards (budget: 50 MB for the kiosk, master and worker together).

A county (`xuedian serve`, SQLite) and a relay (`xuedian relay run`) run as processes on
loopback. The relay's outbox holds 20 bundles of 500 signed records (four phones) before it
starts; its resident memory (gunicorn master and worker, read from /proc) is sampled every
50 ms until every bundle is forwarded, then once more two seconds after the last acks.

The relay app has no database, so its worker loads neither Flask-SQLAlchemy nor SQLAlchemy
(``create_relay_app`` registers no database error handler).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

from .common import XUEDIAN, children, figure, free_port, rss_kib, served, tree_kib

BUDGET_MB = 100
IDLE_BUDGET_MB = 50
PHONES = 4
BUNDLES_PER_PHONE = 5
RECORDS_PER_BUNDLE = 500
RECORDS = PHONES * BUNDLES_PER_PHONE * RECORDS_PER_BUNDLE


def _queue(relay_instance: Path) -> None:
    """Put the bundles in the relay's outbox the way its upload page does."""
    from tests.server.sync.helpers import Phone, make_record
    from xuedian import create_relay_app

    relay = create_relay_app({"instance_path": str(relay_instance)}).extensions["xuedian.relay"]
    for p in range(PHONES):
        phone = Phone()
        for b in range(BUNDLES_PER_PHONE):
            first = b * RECORDS_PER_BUNDLE + 1
            records = [make_record(s) for s in range(first, first + RECORDS_PER_BUNDLE)]
            receipt = relay.outbox.receive(io.BytesIO(phone.bundle([records])), f"p{p}-b{b}.xdsync")
            assert receipt.ok and not receipt.already, receipt


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="xuedian-bench-") as folder:
        county_env = {**os.environ, "XUEDIAN_INSTANCE_PATH": f"{folder}/county"}
        subprocess.run([XUEDIAN, "init"], env=county_env, check=True, capture_output=True)
        with served(county_env) as (county_url, _county):
            relay_instance = Path(folder) / "relay"
            relay_env = {**os.environ, "XUEDIAN_INSTANCE_PATH": str(relay_instance)}
            subprocess.run(
                [XUEDIAN, "relay", "init", "--upstream", county_url],
                env=relay_env,
                check=True,
                capture_output=True,
            )
            _queue(relay_instance)
            forwarded = relay_instance / "relay" / "forwarded"
            port = free_port()
            started = time.monotonic()
            proc = subprocess.Popen(
                [XUEDIAN, "relay", "run", "--host", "127.0.0.1", "--port", str(port)],
                env={**relay_env, "XUEDIAN_RELAY_INTERVAL": "600"},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                peak_worker = peak_total = 0
                done_at = None
                deadline = started + 600
                while time.monotonic() < deadline:
                    workers = children(proc.pid)
                    worker = sum(rss_kib(pid) for pid in workers)
                    peak_worker = max(peak_worker, worker)
                    peak_total = max(peak_total, worker + rss_kib(proc.pid))
                    if done_at is None and len(list(forwarded.glob("*.xdsync"))) == 20:
                        done_at = time.monotonic()
                    if done_at is not None and time.monotonic() - done_at > 1:
                        break  # a second more, for the acks requests that follow
                    time.sleep(0.05)
                else:
                    raise RuntimeError("the relay did not forward every bundle in time")
                time.sleep(2)
                idle_sum = sum(rss_kib(pid) for pid in [proc.pid, *children(proc.pid)])
                idle = tree_kib(proc.pid)
            finally:
                proc.terminate()
                proc.wait(timeout=30)
            accepted = sum(
                json.loads(p.read_text())["county"]["accepted"] for p in forwarded.glob("*.json")
            )
            assert accepted == RECORDS, accepted
    figure(
        f"relay peak RSS forwarding {RECORDS:,} records, worker",
        peak_worker / 1024,
        "MB",
        BUDGET_MB,
    )
    figure("relay peak RSS, gunicorn master + worker", peak_total / 1024, "MB", BUDGET_MB)
    figure("relay idle RSS sum, master + worker (shared pages twice)", idle_sum / 1024, "MB")
    # Each page once (common.tree_kib): what the kiosk's relay takes from its memory.
    figure(
        "relay idle resident, master + worker, each page once", idle / 1024, "MB", IDLE_BUDGET_MB
    )
    figure(f"relay start to {RECORDS:,} records forwarded (20 bundles)", done_at - started, "s")


if __name__ == "__main__":
    main()
