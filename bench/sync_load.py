"""Sync under load on the county tier: N simulated phones arrive over D seconds and each, over
real HTTP on loopback, registers, uploads signed 200-record batches and pulls its changes,
against gunicorn with several workers, PostgreSQL and rate limits in Redis, with nginx's
place taken by ``X-Forwarded-For`` (each phone its own address, as behind a proxy).

Prints p50/p95/p99 per request type, throughput, errors, the server's CPU (gunicorn and the
PostgreSQL backends serving it) and peak RSS for each phone count, then checks that every
accepted record was stored once. Budget (DESIGN §8): batch p95 ≤ 300 ms at 1,000 phones over
60 s. When a count goes over, ``--find-rate`` (on by default) halves and bisects the arrival
rate in shorter stages to the highest rate that holds p95 ≤ 300 ms, and prints the CPU per
batch from which the cores a county needs follow.

Arrivals are open-loop (phone i starts at i·D/N whether or not the server keeps up) and every
body is built and signed before a stage starts, so the load generator's own work is only
HTTP. Everything stops by itself: each request has a timeout and each stage a deadline.

Between stages on PostgreSQL the tables are analyzed, as autovacuum does on a county's
server once a table has grown: without statistics the planner reads ingest's lookups as
sequential scans, which a machine with autovacuum off (this one) would otherwise measure.

    python -m bench.sync_load [--phones 200,500,1000] [--duration 60] [--batches 1]
        [--records 200] [--workers 2xcores] [--backend postgresql|sqlite]
        [--redis redis://127.0.0.1:6379] [--no-find-rate] [--stage-seconds 30]
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import math
import os
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from urllib.parse import urlsplit

import sqlalchemy as sa

from .common import figure, pg_schema, served
from .load_probe import Probe

BUDGET_P95_MS = 300
REQUEST_TIMEOUT_S = 60
#: After the last arrival, a stage waits at most this long for its phones to finish.
DRAIN_S = 120


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    # Nearest rank: the smallest value with at least pct % of the values at or below it.
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


class Script:
    """One phone's requests, signed before the stage starts: (kind, path, body, gzipped)."""

    def __init__(self, number: int, batches: int, records: int):
        from tests.server.sync.helpers import Phone, make_record, now_iso

        phone = Phone()
        self.address = f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"
        self.steps = [("register", "/api/v1/devices", json.dumps(phone.registration()), False)]
        for b in range(batches):
            rows = [make_record(s) for s in range(b * records + 1, (b + 1) * records + 1)]
            body = gzip.compress(json.dumps(phone.batch(rows)).encode(), compresslevel=6)
            self.steps.append(("batch", "/api/v1/sync/batches", body, True))
        ask = {"type": "changes-request", "device_id": phone.device_id, "created": now_iso()}
        self.steps.append(
            (
                "changes",
                "/api/v1/sync/changes",
                json.dumps(phone.sign({**ask, "cursor": None})),
                False,
            )
        )


class Stage:
    """Latencies (ms) and outcomes per request type over one stage."""

    def __init__(self):
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter = Counter()
        self.accepted = 0
        self.lock = threading.Lock()

    def note(self, kind: str, ms: float, outcome: str, accepted: int = 0) -> None:
        with self.lock:
            if outcome == "ok":
                self.latency[kind].append(ms)
                self.accepted += accepted
            else:
                self.errors[f"{kind}: {outcome}"] += 1


def _session(port: int, script: Script, stage: Stage) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
    try:
        for kind, path, body, gzipped in script.steps:
            headers = {"Content-Type": "application/json", "X-Forwarded-For": script.address}
            if gzipped:
                headers["Content-Encoding"] = "gzip"
            started = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                answer = json.loads(response.read() or b"{}")
            except (OSError, http.client.HTTPException, ValueError) as exc:
                stage.note(kind, 0, type(exc).__name__)
                return  # a phone whose connection broke tries again at its next sync
            ms = (time.perf_counter() - started) * 1000
            if response.status in (200, 201):
                stage.note(kind, ms, "ok", len(answer.get("accepted", [])))
            else:
                stage.note(kind, ms, f"{response.status} {answer.get('code', '')}".strip())
                if kind == "register":
                    return
    finally:
        conn.close()


def run_stage(port: int, scripts: list[Script], duration: float) -> tuple[Stage, float]:
    """Start phone i at i·duration/len(scripts) seconds; return the stage and its wall time."""
    stage = Stage()
    n = len(scripts)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=min(n, 512)) as pool:
        futures = []
        for i, script in enumerate(scripts):
            delay = started + i * duration / n - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(_session, port, script, stage))
        deadline = time.monotonic() + DRAIN_S
        for future in futures:
            future.result(timeout=max(0.1, deadline - time.monotonic()))
    return stage, time.perf_counter() - started


def report(
    label: str, stage: Stage, wall: float, cpu: tuple[float, float], rss: float, records: int
) -> dict:
    for kind in ("register", "batch", "changes"):
        values = stage.latency.get(kind, [])
        for pct in (50, 95, 99):
            budget = BUDGET_P95_MS if (kind, pct) == ("batch", 95) else None
            figure(
                f"{label} {kind} p{pct} ({len(values)} ok)", percentile(values, pct), "ms", budget
            )
    batches = len(stage.latency.get("batch", []))
    requests = sum(len(v) for v in stage.latency.values())
    figure(f"{label} throughput", requests / wall, "requests/s")
    figure(f"{label} throughput", batches / wall, "batches/s")
    figure(f"{label} throughput", batches * records / wall, "records/s")
    figure(f"{label} errors", sum(stage.errors.values()), "requests")
    if stage.errors:
        print(f"  {label} errors by kind: {dict(stage.errors)}", flush=True)
    server, database = cpu
    figure(f"{label} CPU, gunicorn (master + workers)", server, "s")
    figure(f"{label} CPU, PostgreSQL backends", database, "s")
    per_batch = (server + database) / batches * 1000 if batches else float("nan")
    figure(f"{label} CPU per phone session (all requests)", per_batch, "ms")
    figure(f"{label} peak RSS, gunicorn (master + workers)", rss, "MB")
    return {"p95": percentile(stage.latency.get("batch", []), 95), "cpu_ms": per_batch}


class Runner:
    """Stages against one served instance; phone numbers (and addresses) never repeat."""

    def __init__(self, port: int, probe_args: tuple, args, backend: str):
        self.port, self.probe_args, self.args, self.backend = port, probe_args, args, backend
        self.numbered = 1
        self.accepted = 0

    def stage(self, phones: int, duration: float, label: str | None) -> dict:
        """Run ``phones`` arriving over ``duration`` s; report under ``label`` (None: not)."""
        args = self.args
        first, self.numbered = self.numbered, self.numbered + phones
        scripts = [Script(i, args.batches, args.records) for i in range(first, self.numbered)]
        with Probe(*self.probe_args) as probe:
            stage, wall = run_stage(self.port, scripts, duration)
        self.accepted += stage.accepted
        url = self.probe_args[1]
        if url:
            _analyze(url)
        if label is None:
            return {}
        rss = probe.peak_rss_kib / 1024
        return report(label, stage, wall, probe.used(), rss, args.records)

    def find_rate(self, over_rate: float) -> None:
        """Bisect the arrival rate (phones/s) between 0 and ``over_rate`` in short stages."""
        args, backend = self.args, self.backend
        low, high, held, result = 0.0, over_rate, None, {"cpu_ms": float("nan")}
        for _ in range(args.find_steps):
            rate = (low + high) / 2
            phones = max(1, round(rate * args.stage_seconds))
            label = f"[{backend}] {rate:.1f} phones/s x {args.stage_seconds:g} s:"
            result = self.stage(phones, args.stage_seconds, label)
            if result["p95"] <= BUDGET_P95_MS:
                low, held = rate, result
            else:
                high = rate
        if held is None:
            print(f"[{backend}] no rate tried held p95 <= {BUDGET_P95_MS} ms (lowest {high:.1f}/s)")
        else:
            batch_rate = low * args.batches
            print(
                f"[{backend}] rate that holds batch p95 <= {BUDGET_P95_MS} ms: {low:.1f} phones/s "
                f"= {batch_rate:.1f} batches/s = {batch_rate * args.records:,.0f} records/s",
                flush=True,
            )
        capacity(backend, (held or result)["cpu_ms"])


def capacity(backend: str, cpu_ms: float) -> None:
    """Print what follows from the CPU per phone session alone, whatever else shares the
    machine's cores: the arrival rate that saturates them, and the cores 1,000 phones over
    60 s keep busy."""
    cores = os.cpu_count() or 1
    print(
        f"[{backend}] CPU per phone session {cpu_ms:.0f} ms (gunicorn + PostgreSQL): "
        f"{cores} cores saturate at {cores * 1000 / cpu_ms:.1f} phones/s; 1,000 phones over "
        f"60 s keep {1000 / 60 * cpu_ms / 1000:.1f} cores busy",
        flush=True,
    )


def main(argv=None) -> None:
    args = parse(argv)
    counts = [int(n) for n in args.phones.split(",") if n]
    with ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="xuedian-load-"))
        url, app_name = "", f"xuedian-load-{os.getpid()}"
        if args.backend == "postgresql":
            url = stack.enter_context(pg_schema("xd_load")) + f"&application_name={app_name}"
        _migrate(folder, url)
        env = {k: v for k, v in os.environ.items() if not k.startswith("XUEDIAN_")}
        env.update(
            XUEDIAN_INSTANCE_PATH=folder,
            XUEDIAN_PROXY_HOPS="1",
            XUEDIAN_RATELIMIT_STORAGE=args.redis,
            XUEDIAN_MAX_BATCH_RECORDS=str(max(500, args.records)),
        )
        if url:
            env["XUEDIAN_DATABASE_URL"] = url
        base, proc = stack.enter_context(served(env, workers=args.workers, start_timeout=120))
        port = urlsplit(base).port
        runner = Runner(port, (proc.pid, url, app_name), args, args.backend)
        print(
            f"[{args.backend}] gunicorn {args.workers} workers x 4 threads, rate limits in "
            f"{args.redis}; each phone: register, {args.batches} x {args.records}-record batch, "
            f"changes; {os.cpu_count()} cores",
            flush=True,
        )
        # Every worker imports its views on first use: a few phones first, not counted.
        if args.warmup:
            runner.stage(args.warmup, 2.0, None)
        over, result = None, None
        for phones in counts:
            label = f"[{args.backend}] {phones} phones over {args.duration:g} s:"
            result = runner.stage(phones, args.duration, label)
            if result["p95"] > BUDGET_P95_MS and over is None:
                over = phones / args.duration
        if over is not None and args.find_rate:
            runner.find_rate(over)
        elif result is not None:
            capacity(args.backend, result["cpu_ms"])
        stored = _stored(url or f"sqlite:///{folder}/xuedian.sqlite3")
        verdict = "exact" if stored == runner.accepted else "MISMATCH"
        print(
            f"[{args.backend}] records stored {stored:,}, accepted {runner.accepted:,}: {verdict}"
        )


def _migrate(folder: str, url: str) -> None:
    from flask_migrate import upgrade

    from xuedian import create_app
    from xuedian.extensions import db

    app = create_app({"instance_path": folder, "database_url": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()


def _analyze(url: str) -> None:
    """``ANALYZE`` the database, as autovacuum would after a stage's inserts."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("ANALYZE"))
            conn.commit()
    finally:
        engine.dispose()


def _stored(url: str) -> int:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM learning_record")).scalar()
    finally:
        engine.dispose()


def parse(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.sync_load", description=__doc__)
    parser.add_argument("--phones", default="200,500,1000", help="comma-separated phone counts")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds phones arrive over")
    parser.add_argument("--batches", type=int, default=1, help="batches each phone uploads")
    parser.add_argument("--records", type=int, default=200, help="records per batch")
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * (os.cpu_count() or 1),
        help="gunicorn workers (default: two per core, as deploy/gunicorn.conf.py)",
    )
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379", help="rate-limit storage")
    parser.add_argument("--warmup", type=int, default=16, help="phones first, not counted")
    parser.add_argument("--no-find-rate", dest="find_rate", action="store_false")
    parser.add_argument("--stage-seconds", type=float, default=30.0, help="find-rate stage length")
    parser.add_argument("--find-steps", type=int, default=4, help="find-rate stages")
    return parser.parse_args(argv)


if __name__ == "__main__":
    main()
