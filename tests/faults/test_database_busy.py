"""The database stays locked by someone else longer than the server waits: a batch or a
bundle gets a clean, retryable ``database-busy`` (503 with Retry-After), nothing of it is
stored, and the same request sent again once the lock is gone is stored exactly once."""

from __future__ import annotations

import time

from server.sync.helpers import make_record

from .drill import SYNC_PATH, DrillPhone, post, post_json

BUSY_MS = 300


def assert_busy(status, headers, body, started: float) -> None:
    assert status == 503, body
    assert body == {
        "ok": False,
        "code": "database-busy",
        "message": "The database is busy; nothing was stored, please send again shortly.",
        "details": {"retry_after": 5},
    }
    assert headers["Retry-After"] == "5"
    # It waited for the lock first, as long as the server is set to.
    assert time.monotonic() - started >= BUSY_MS / 1000 * 0.9


def post_bundle(port: int, data: bytes):
    return post(port, "/api/v1/sync/bundles", data, {"Content-Type": "application/octet-stream"})


def test_database_busy_answers_503_stores_nothing_then_retry_is_stored_once(
    drill_db, serve, ledger
):
    server = serve(sqlite_busy_ms=BUSY_MS, pg_lock_timeout_ms=BUSY_MS)
    phone = DrillPhone(lambda: server.port, 0)
    phone.register()
    first = [make_record(seq) for seq in range(1, 101)]
    second = [make_record(seq) for seq in range(101, 201)]
    third = [make_record(seq) for seq in range(201, 251)]
    status, _, receipt = post_json(server.port, SYNC_PATH, phone.phone.batch(first))
    assert (status, len(receipt["accepted"])) == (200, 100)

    envelope = phone.phone.batch(second)
    bundle = phone.phone.bundle([third])
    with drill_db.write_locked():
        started = time.monotonic()
        assert_busy(*post_json(server.port, SYNC_PATH, envelope), started)
        started = time.monotonic()
        assert_busy(*post_bundle(server.port, bundle), started)
        busy = ledger.snapshot()
        # Readers are not blocked, and nothing of either request was stored.
        assert len(busy["records"]) == 100
        assert len(busy["batches"]) == 1
        assert busy["bundles"] == 0
        assert busy["max_seq"][phone.device_id] == 100

    # The same envelope and the same file, sent again once the lock is gone.
    status, _, receipt = post_json(server.port, SYNC_PATH, envelope)
    assert status == 200
    assert receipt["accepted"] == [r["id"] for r in second]
    assert receipt["duplicate"] == [] and receipt["rejected"] == []
    assert receipt["max_contiguous_seq"] == 200
    status, _, answer = post_bundle(server.port, bundle)
    assert status == 200
    (imported,) = answer["bundles"]
    assert (imported["already_imported"], imported["accepted"]) == (False, 50)

    final = ledger.snapshot()
    assert sorted(r for r, _ in final["records"]) == sorted(r["id"] for r in first + second + third)
    assert len(final["batches"]) == 3
    assert final["bundles"] == 1
    assert final["max_seq"][phone.device_id] == 250
    assert final["batches"][(phone.device_id, envelope["signed"]["batch_id"])] == receipt
    assert (final["conflicts"], final["quarantined"]) == (0, 0)
