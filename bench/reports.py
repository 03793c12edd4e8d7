"""Reports at county scale: 1,000,000 records over 500 learning points and 20,000 learners
(with profiles), 5,000 phones, 20,000 carried bundles and 24 pack releases, on SQLite and
on PostgreSQL. Prints the seed time, the dashboard's render time (median of
several requests through the real app, budget ≤ 1 s) and the peak RSS of a process that
exports every record as CSV (budget ≤ 150 MB; the
child's VmHWM, its high-water mark, which covers the app's own baseline too).

Records are generated, tallied with the same code ingest uses (``reports.aggregates``),
and bulk inserted (executemany in large chunks on SQLite, COPY on PostgreSQL).
``XUEDIAN_BENCH_RECORDS`` scales the run down for a quick check.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

from .common import ROOT, figure, on_both_databases

RECORDS = int(os.environ.get("XUEDIAN_BENCH_RECORDS", "1000000"))
POINTS = 500
LEARNERS = 20_000
DEVICES = 5_000
DAYS = 120
CHUNK = 50_000
BUNDLES = 20_000
RUNS = 5
VERB = "http://adlnet.gov/expapi/verbs/"
PACKS = [f"course-{i}" for i in range(8)]


def _org(db, now):
    from xuedian.org.auth import hash_password
    from xuedian.org.models import Area, LearningPoint, Staff

    county = Area(level="county", code="bench", name="基准县", name_en="Bench", path="")
    db.session.add(county)
    db.session.flush()
    county.path = f"/{county.id}/"
    points = []
    for t in range(10):
        town = Area(parent_id=county.id, level="township", code=f"t{t}", name=f"镇{t}")
        db.session.add(town)
        db.session.flush()
        town.path = f"{county.path}{town.id}/"
        for v in range(10):
            village = Area(parent_id=town.id, level="village", code=f"t{t}v{v}", name=f"村{t}-{v}")
            db.session.add(village)
            db.session.flush()
            village.path = f"{town.path}{village.id}/"
            for p in range(POINTS // 100):
                point = LearningPoint(
                    code=f"p{t}-{v}-{p}", name=f"点{t}-{v}-{p}", area_id=village.id, created_at=now
                )
                db.session.add(point)
                points.append(point)
    admin = Staff(username="admin", password_hash=hash_password("x"), role="admin")
    admin.area_id, admin.created_at = county.id, now
    db.session.add(admin)
    db.session.flush()
    return admin.id, [p.id for p in points]


def _devices(points, now, rng):
    rows = []
    for i in range(DEVICES):
        seen = None if i % 97 == 0 else now - timedelta(hours=rng.expovariate(1 / 150))
        packs = {p: rng.choice((1, 2, 2, 3)) for p in rng.sample(PACKS, 3)}
        rows.append(
            {
                "id": f"{i:032x}",
                "public_key": None,
                "app_version": "bench",
                "created_at": now - timedelta(days=DAYS),
                "last_seen_at": seen,
                "max_contiguous_seq": 0,
                "last_status": {"unsent": rng.randrange(20), "quarantined": 0, "packs": packs},
                "last_status_at": seen,
                "change_seq": 1,
                "learning_point_id": points[i % (len(points) - 5)],  # 5 points never report
            }
        )
    return rows


def _extras(db, now, rng, points, learners):
    """Pack releases, learner profiles and carried bundles, so every figure has work."""
    from sqlalchemy import insert

    from xuedian.learners.models import AGE_BANDS, LearnerProfile
    from xuedian.org.models import Staff
    from xuedian.packs.models import PackRelease
    from xuedian.sync.models import SyncBundle

    manifest = json.dumps({"signed": {"lessons": [{"id": f"l{i}"} for i in range(6)]}})
    db.session.execute(
        insert(PackRelease),
        [
            {
                "pack_id": pack,
                "version": v,
                "title": {"zh-CN": f"课程{pack}", "en": pack},
                "description": {"zh-CN": "", "en": ""},
                "category": "farming",
                "credit_hours": 1.0,
                "size": 1000,
                "manifest": manifest,
                "manifest_sha256": "0" * 64,
                "archive_name": f"{pack}-{v}.zip",
                "published_at": now - timedelta(days=30 * (4 - v)),
            }
            for pack in PACKS
            for v in (1, 2, 3)
        ],
    )
    bands = [*AGE_BANDS, None]
    db.session.execute(
        insert(LearnerProfile),
        [
            {
                "learner": learner,
                "device_id": f"{n % DEVICES:032x}",
                "age_band": rng.choice(bands),
                "village": None,
                "updated_at": now,
            }
            for n, learner in enumerate(learners)
        ],
    )
    volunteers = []
    for i, point in enumerate(points):
        staff = Staff(username=f"vol{i}", role="volunteer", point_id=point, created_at=now)
        staff.password_hash = "!"  # noqa: S105  (not a hash: nobody can sign in)
        volunteers.append(staff)
    db.session.add_all(volunteers)
    db.session.flush()
    bundles = []
    for i in range(BUNDLES):
        made = now - timedelta(days=rng.uniform(0, DAYS))
        received = made + timedelta(hours=rng.expovariate(1 / 30))
        device = i % DEVICES
        bundles.append(
            {
                "bundle_id": f"{i:064x}",
                "device_id": f"{device:032x}",
                "made_at": made,
                "received_at": received,
                "imported_at": received + timedelta(hours=rng.expovariate(1 / 6)),
                "carried_by": volunteers[device % (len(points) - 5)].id if i % 5 else None,
                "size": 20_000,
                "batches": 1,
                "records": 50,
                "accepted": 50,
                "duplicate": 0,
                "rejected": 0,
                "receipts": [],
            }
        )
    db.session.execute(insert(SyncBundle), bundles)


def _records(now, rng, tally, learners):
    """Yield record rows, with their facts as ingest parses them: each learner studies in
    sessions of ~10 records on a few days."""
    from xuedian.sync.facts import parse

    per_learner = RECORDS // LEARNERS
    seqs = [0] * DEVICES
    for n, learner in enumerate(learners):
        device = n % DEVICES
        device_id = f"{device:032x}"
        pack = PACKS[n % len(PACKS)]
        made = 0
        while made < per_learner:
            day = now - timedelta(days=rng.randrange(DAYS), minutes=rng.randrange(600))
            for k in range(min(10, per_learner - made)):
                seqs[device] += 1
                made += 1
                if k == 9 and n % 40 == 0:
                    verb, obj = VERB + "asked", {"topic": f"主题{rng.randrange(30)}"}
                    result = None
                elif k % 3 == 2:
                    verb = VERB + "completed"
                    obj = {"pack": pack, "version": 1, "lesson": f"l{rng.randrange(6)}"}
                    spent = rng.randrange(60, 900)
                    result = {"duration": f"PT{spent}S"}
                    if rng.random() < 0.7:  # the others: older phones, no evidence
                        result["evidence"] = {"seconds": spent, "chars": 1200}
                else:
                    verb = VERB + "answered"
                    obj = {"pack": pack, "version": 1, "lesson": "l0", "item": f"q{k}"}
                    result = {"success": bool(k % 2), "duration": "PT20S"}
                moment = day + timedelta(seconds=30 * k)
                row = {
                    "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "device_id": device_id,
                    "device_seq": seqs[device],
                    "learner": learner,
                    "verb": verb,
                    "object": obj,
                    "result": result,
                    "timestamp": moment,
                    "content_hash": "0" * 64,
                    "received_at": moment,
                    "change_seq": 1,
                    "voided": False,
                }
                row.update(parse({"verb": verb, "object": obj, "result": result}))
                tally.add(row)
                yield row


def _copy_pg(db, rows):
    columns = ", ".join(rows[0])
    raw = db.session.connection().connection.driver_connection
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY learning_record ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([json.dumps(v) if isinstance(v, dict) else v for v in row.values()])


def seed(app, backend: str, now: datetime) -> int:
    from sqlalchemy import insert

    from xuedian.extensions import db
    from xuedian.reports.aggregates import Tally, store
    from xuedian.sync.models import Device, LearningRecord

    rng = random.Random(6)
    with app.app_context():
        admin_id, points = _org(db, now)
        db.session.execute(insert(Device), _devices(points, now, rng))
        learners = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(LEARNERS)]
        _extras(db, now, rng, points, learners)
        tally = Tally()
        chunk = []
        for row in _records(now, rng, tally, learners):
            chunk.append(row)
            if len(chunk) == CHUNK:
                if backend == "postgresql":
                    _copy_pg(db, chunk)
                else:
                    db.session.execute(insert(LearningRecord), chunk)
                chunk = []
        if chunk:
            if backend == "postgresql":
                _copy_pg(db, chunk)
            else:
                db.session.execute(insert(LearningRecord), chunk)
        store(tally)
        db.session.commit()
        if backend == "postgresql":
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        return admin_id


def _sign_in(client, admin_id: int) -> None:
    import time

    with client.session_transaction() as session:
        # A new account's session version is 0; "since" starts its fixed lifetime.
        session.update(staff_id=admin_id, sv=0, since=int(time.time()), csrf="t")


EXPORT_CHILD = """
import sys, time
from xuedian import create_app
app = create_app({"instance_path": sys.argv[1], "database_url": sys.argv[2]})
client = app.test_client()
with client.session_transaction() as s:
    s.update(staff_id=int(sys.argv[3]), sv=0, since=int(time.time()), csrf="t")
start = time.perf_counter()
response = client.get("/staff/reports/export/records.csv", buffered=False)
size = lines = 0
for chunk in response.response:
    chunk = chunk if isinstance(chunk, bytes) else chunk.encode()
    size += len(chunk)
    lines += chunk.count(b"\\n")
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so it would report the parent.
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]
print(hwm, size, lines, time.perf_counter() - start)
"""


def run(backend: str, database_url: str, instance: str) -> None:
    from flask_migrate import upgrade

    from xuedian import create_app

    app = create_app({"instance_path": instance, "database_url": database_url})
    with app.app_context():
        upgrade()
    now = datetime.now(UTC)
    start = time.perf_counter()
    admin_id = seed(app, backend, now)
    figure(
        f"[{backend}] seed {RECORDS:,} records (with aggregates)", time.perf_counter() - start, "s"
    )
    client = app.test_client()
    _sign_in(client, admin_id)
    times = []
    for _ in range(RUNS + 1):
        start = time.perf_counter()
        response = client.get("/staff/reports/")
        assert response.status_code == 200, response.status_code
        times.append(time.perf_counter() - start)
    figure(
        f"[{backend}] dashboard render, county (median of {RUNS})",
        1000 * statistics.median(times[1:]),
        "ms",
        1000,
    )
    url = database_url or f"sqlite:///{instance}/xuedian.sqlite3"
    out = subprocess.run(
        [sys.executable, "-c", EXPORT_CHILD, instance, url, str(admin_id)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=900,
    )
    peak_kib, size, lines, seconds = out.stdout.split()
    figure(f"[{backend}] export every record as CSV ({int(lines) - 1:,} rows)", float(seconds), "s")
    figure(f"[{backend}] peak RSS while exporting", int(peak_kib) / 1024, "MB", 150)


def main() -> None:
    on_both_databases(run, "xd_bench_reports")


if __name__ == "__main__":
    main()
