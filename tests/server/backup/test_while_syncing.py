"""A backup made while phones sync is the database at one moment: restored, each phone's
batch is there whole or not at all, and the dashboard's aggregates agree with the records
they count (a recount changes nothing)."""

from __future__ import annotations

import threading

import sqlalchemy as sa
from support import wait_until

from xuedian.core.timeutil import utcnow
from xuedian.extensions import db

from ..reports.helpers import Learner, make_org
from .conftest import run
from .test_restore import dashboard, row_counts


def test_a_backup_taken_while_phones_sync_restores_consistent(site, tmp_path):
    source = site.app("county")
    make_org(source)
    with source.app_context():
        source.extensions["xuedian.keyring"].ensure()
    client = source.test_client()
    stop, sent = threading.Event(), []

    def phones() -> None:
        while not stop.is_set():
            phone = Learner(client, "p1a" if len(sent) % 2 else None)
            phone.send([phone.record() for _ in range(20)])
            sent.append(phone)

    worker = threading.Thread(target=phones, daemon=True)
    worker.start()
    try:
        wait_until(lambda: len(sent) >= 3, 60, "phones syncing before the backup")
        before = len(sent)
        out = tmp_path / "busy.xdbackup"
        result = run(source, "backup", "--out", str(out))
        assert result.exit_code == 0, result.output
        wait_until(lambda: len(sent) > before + 1, 60, "phones still syncing after it")
    finally:
        stop.set()
        worker.join(timeout=60)
    site.lose(source)

    target = site.app("new-machine", revision=None)
    assert run(target, "restore", str(out)).exit_code == 0
    counts = row_counts(target)
    assert 0 < counts["learning_record"] < 20 * len(sent)
    with target.app_context():
        per_phone = db.session.execute(
            sa.text("SELECT count(*) FROM learning_record GROUP BY device_id")
        ).scalars()
        assert set(per_phone) == {20}  # each batch whole or not at all
        db.session.remove()
    now = utcnow()
    restored = dashboard(target, now)
    assert run(target, "reports", "rebuild").exit_code == 0
    assert dashboard(target, now) == restored
