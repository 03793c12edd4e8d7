"""The credit bank at county scale: certify outcomes for 20,000 learners from 1,000,000
records (``xuedian credits certify``'s pass, budget ≤ 60 s) on SQLite and on PostgreSQL,
then issue and sign 10,000 Open Badges credentials (each an eddsa-rdfc-2022 credential with
a status bit and its eddsa-jcs-2022 QR copy, as certification issues them).

Records are generated as bench/reports.py makes them (8 packs of 6 lessons, about a third
completions, 70 % of them with evidence) and bulk inserted. ``XUEDIAN_BENCH_RECORDS`` and
``XUEDIAN_BENCH_CREDENTIALS`` scale the run down for a quick check.
"""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from datetime import UTC, datetime

from . import credential_verifier, reports
from .common import figure, on_both_databases

CREDENTIALS = int(os.environ.get("XUEDIAN_BENCH_CREDENTIALS", "10000"))
LESSONS = [f"l{i}" for i in range(6)]


class _NoTally:
    def add(self, row) -> None:
        """bench/reports.py tallies aggregates; certification does not read them."""


def seed(app, backend: str, now: datetime) -> None:
    from sqlalchemy import insert

    from xuedian.extensions import db
    from xuedian.packs.models import PackRelease
    from xuedian.sync.models import Device, LearningRecord

    rng = random.Random(14)
    with app.app_context():
        devices = [
            {"id": f"{i:032x}", "public_key": None, "app_version": "bench", "created_at": now}
            for i in range(reports.DEVICES)
        ]
        db.session.execute(insert(Device), devices)
        for pack in reports.PACKS:
            manifest = {"signed": {"pack_id": pack, "lessons": [{"id": x} for x in LESSONS]}}
            db.session.add(
                PackRelease(
                    pack_id=pack,
                    version=1,
                    title={"zh-CN": pack, "en": pack},
                    description={"zh-CN": "", "en": ""},
                    category="bench",
                    credit_hours=2.0,
                    size=1,
                    manifest=json.dumps(manifest),
                    manifest_sha256=uuid.uuid4().hex * 2,
                    archive_name=f"{pack}-v1.xdpack",
                    published_at=now,
                )
            )
        learners = [
            str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(reports.LEARNERS)
        ]
        chunk = []
        for row in reports._records(now, rng, _NoTally(), learners):
            chunk.append(row)
            if len(chunk) == reports.CHUNK:
                _insert(db, backend, insert(LearningRecord), chunk)
                chunk = []
        if chunk:
            _insert(db, backend, insert(LearningRecord), chunk)
        db.session.commit()
        if backend == "postgresql":
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()


def _insert(db, backend, statement, rows) -> None:
    if backend == "postgresql":
        reports._copy_pg(db, rows)
    else:
        db.session.execute(statement, rows)


def run(backend: str, database_url: str, instance: str) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import select

    from xuedian import create_app
    from xuedian.credits import issuing
    from xuedian.credits.certify import certify_all
    from xuedian.credits.models import Outcome
    from xuedian.extensions import db

    app = create_app({"instance_path": instance, "database_url": database_url})
    with app.app_context():
        upgrade()
    now = datetime.now(UTC)
    start = time.perf_counter()
    seed(app, backend, now)
    figure(f"[{backend}] seed {reports.RECORDS:,} records", time.perf_counter() - start, "s")
    with app.app_context():
        start = time.perf_counter()
        made, _ = certify_all()
        db.session.commit()
        figure(
            f"[{backend}] certify {reports.LEARNERS:,} learners ({made:,} outcomes)",
            time.perf_counter() - start,
            "s",
            60,
        )
        start = time.perf_counter()
        again, _ = certify_all()
        db.session.commit()
        figure(
            f"[{backend}] certify again (idempotent: {again} new)", time.perf_counter() - start, "s"
        )
        if backend != "sqlite":
            return  # signing costs the same on both databases; measured once
        outcomes = db.session.scalars(select(Outcome).limit(CREDENTIALS)).all()
        if not outcomes:
            print("no outcome was certified: too few records to sign; raise XUEDIAN_BENCH_RECORDS")
            return
        name = issuing.issuer_name()
        issuing.issue(outcomes[0], name)  # the issuer key is made on first use
        # Fewer outcomes than credentials asked for: each is issued again (a new credential,
        # a new status bit), as a re-issue after a lost phone would be.
        start = time.perf_counter()
        for n in range(CREDENTIALS):
            issuing.issue(outcomes[n % len(outcomes)], name)
        seconds = time.perf_counter() - start
        figure(
            f"[{backend}] issue and sign {CREDENTIALS:,} credentials (rdfc + jcs copy)",
            seconds,
            "s",
        )
        figure(f"[{backend}] per credential", 1000 * seconds / CREDENTIALS, "ms")
        credential_verifier.main()


def main() -> None:
    on_both_databases(run, "xd_bench_credits")


if __name__ == "__main__":
    main()
