"""Sync under load: many registered devices each post one signed batch at the same moment
to the real server under gunicorn (``xuedian serve --workers N``, a free loopback port), on
SQLite and on PostgreSQL, for a few rounds. Prints p50/p95/p99 batch latency, throughput,
errors, and p95 against the budget (DESIGN §8: a county tier with 1,000 devices syncing at
once keeps p95 ≤ 300 ms for a 200-record batch).

Every batch is built and signed before a round starts, then all clients are released
together by a barrier, so the figures are the server's (plus loopback), not the client's
signing. Afterwards the stored records are counted: every accepted record exactly once.

"All at once" is the worst case: one barrier releases every batch in the same millisecond,
so p95 is about the time the server needs for the whole burst. A last round spreads the
same devices' batches evenly over ``--spread`` seconds instead, which is what "syncing at
once" looks like when a village's phones come online over a few seconds.

    python -m bench.sync_load [--devices 200] [--records 200] [--rounds 3] [--workers 2xcores]
                              [--spread 20] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import math
import os
import statistics
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import sqlalchemy as sa

from .common import figure, pg_schema, served

BUDGET_P95_MS = 300
#: A round that takes longer than this is cut short (and its missing answers are errors).
ROUND_TIMEOUT_S = 180


def _post(port: int, path: str, body: bytes, gzipped: bool = True) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json", "Connection": "close"}
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=ROUND_TIMEOUT_S)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    # Nearest rank: the smallest value with at least pct % of the values at or below it.
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def _register(port: int, devices: int) -> list:
    from tests.server.sync.helpers import Phone

    phones = [Phone() for _ in range(devices)]

    def one(phone) -> None:
        status, body = _post(
            port, "/api/v1/devices", json.dumps(phone.registration()).encode(), False
        )
        assert status == 201, body

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, phones))
    return phones


def _bodies(phones: list, records: int, first_seq: int) -> list[bytes]:
    """One gzip-compressed signed batch of ``records`` new records per phone."""
    from tests.server.sync.helpers import make_record

    out = []
    for phone in phones:
        batch = [make_record(seq) for seq in range(first_seq, first_seq + records)]
        out.append(gzip.compress(json.dumps(phone.batch(batch)).encode(), compresslevel=6))
    return out


def _round(
    port: int, bodies: list[bytes], spread: float = 0.0
) -> tuple[list[float], Counter, int, float]:
    """Post every body at once (or the i-th ``i * spread / n`` seconds after the start);
    return (latencies in ms of the 200 answers, errors by kind, records accepted, wall s)."""
    n = len(bodies)
    barrier = threading.Barrier(n + 1)
    latencies: list[float] = [0.0] * n
    outcome: list[str] = [""] * n
    accepted: list[int] = [0] * n

    def client(i: int) -> None:
        barrier.wait()
        if spread:
            time.sleep(i * spread / n)
        started = time.perf_counter()
        try:
            status, body = _post(port, "/api/v1/sync/batches", bodies[i])
        except (OSError, http.client.HTTPException) as exc:
            outcome[i] = type(exc).__name__
            return
        latencies[i] = (time.perf_counter() - started) * 1000
        if status == 200:
            outcome[i] = "ok"
            accepted[i] = len(body["accepted"])
        else:
            outcome[i] = f"{status} {body.get('code', '')}".strip()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(n)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    deadline = time.monotonic() + ROUND_TIMEOUT_S + spread
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    wall = time.perf_counter() - started
    errors = Counter(o or "no answer" for o in outcome if o != "ok")
    ok = [lat for lat, o in zip(latencies, outcome, strict=True) if o == "ok"]
    return ok, errors, sum(accepted), wall


def _stored(database_url: str) -> int:
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM learning_record")).scalar()
    finally:
        engine.dispose()


def run(backend: str, database_url: str, instance: str, args) -> None:
    from flask_migrate import upgrade

    from xuedian import create_app

    app = create_app({"instance_path": instance, "database_url": database_url})
    with app.app_context():
        upgrade()
        from xuedian.extensions import db

        db.engine.dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XUEDIAN_")}
    env["XUEDIAN_INSTANCE_PATH"] = instance
    if database_url:
        env["XUEDIAN_DATABASE_URL"] = database_url
    read_url = database_url or f"sqlite:///{instance}/xuedian.sqlite3"

    with served(env, workers=args.workers) as (url, _proc):
        port = urlsplit(url).port
        phones = _register(port, args.devices)
        burst = _Tally()
        for number in range(args.rounds):
            bodies = _bodies(phones, args.records, number * args.records + 1)
            burst.add(backend, f"round {number + 1}", *_round(port, bodies), len(bodies))
        paced = _Tally()
        if args.spread:
            bodies = _bodies(phones, args.records, args.rounds * args.records + 1)
            paced.add(backend, "spread", *_round(port, bodies, args.spread), len(bodies))
        stored = _stored(read_url)

    print(
        f"[{backend}] {args.devices} devices x {args.records} records, {args.workers} gunicorn "
        f"workers x 4 threads, {args.rounds} rounds with every batch at once:",
        flush=True,
    )
    burst.report(f"[{backend}] at once", args.devices * args.rounds)
    if args.spread:
        rate = args.devices / args.spread
        print(f"[{backend}] one round spread over {args.spread:g} s ({rate:g} batches/s):")
        paced.report(f"[{backend}] spread", args.devices, wall=args.spread)
    expected = args.devices * args.records * (args.rounds + (1 if args.spread else 0))
    accepted = burst.accepted + paced.accepted
    verdict = "exact" if stored == accepted == expected else "MISMATCH"
    print(
        f"  [{backend}] records stored {stored:,}, accepted {accepted:,}, sent {expected:,}: "
        f"{verdict}",
        flush=True,
    )


class _Tally:
    """Latencies and errors over rounds."""

    def __init__(self):
        self.latencies: list[float] = []
        self.errors: Counter = Counter()
        self.accepted = 0
        self.wall = 0.0

    def add(self, backend, name, ok, errors, accepted, wall, sent) -> None:
        self.latencies += ok
        self.errors += errors
        self.accepted += accepted
        self.wall += wall
        print(
            f"  [{backend}] {name}: {len(ok)}/{sent} ok in {wall:.2f} s, "
            f"p95 {_percentile(ok, 95):.0f} ms, errors {dict(errors) or 0}",
            flush=True,
        )

    def report(self, label: str, batches: int, wall: float | None = None) -> None:
        lat = self.latencies
        figure(f"{label}: batch latency p50", _percentile(lat, 50), "ms")
        figure(f"{label}: batch latency p95", _percentile(lat, 95), "ms", BUDGET_P95_MS)
        figure(f"{label}: batch latency p99", _percentile(lat, 99), "ms")
        figure(f"{label}: batch latency max", max(lat, default=float("nan")), "ms")
        if lat:
            figure(f"{label}: batch latency mean", statistics.fmean(lat), "ms")
        if wall is None:
            figure(f"{label}: throughput", batches / self.wall, "batches/s")
            figure(f"{label}: throughput", self.accepted / self.wall, "records/s")
        figure(f"{label}: errors", sum(self.errors.values()), "batches")
        if self.errors:
            print(f"  {label}: errors by kind: {dict(self.errors)}", flush=True)


def parse(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.sync_load", description=__doc__)
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--records", type=int, default=200, help="records per batch")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * (os.cpu_count() or 1),
        help="gunicorn worker processes (default: two per core, as deploy/gunicorn.conf.py)",
    )
    parser.add_argument(
        "--spread", type=float, default=20.0, help="seconds to spread the last round over; 0: none"
    )
    parser.add_argument(
        "--backends", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql"
    )
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse(argv)
    backends = [b for b in args.backends.split(",") if b]
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory(prefix="xuedian-bench-") as folder:
            run("sqlite", "", folder, args)
    if "postgresql" in backends:
        with (
            pg_schema("xd_load") as url,
            tempfile.TemporaryDirectory(prefix="xuedian-bench-") as folder,
        ):
            run("postgresql", url, folder, args)


if __name__ == "__main__":
    main()
