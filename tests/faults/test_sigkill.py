"""The server is SIGKILLed in the middle of a batch, worker or whole server, and every record
still ends up stored exactly once: each batch is all or nothing, and what a phone got no
receipt for it sends again."""

from __future__ import annotations

import time

import pytest
from support import wait_until

from .drill import DrillPhone, check_whole_batches

PHONES = 2
RECORDS = 3_000  # per phone: six 500-record batches each, so kills land mid-drain
#: Long enough to catch a batch with its records written and not yet committed.
DELAY_MS = 300


def receipts(phones) -> int:
    return sum(len(p.receipts) for p in phones)


def wait_mid_batch(drill_db, phones, after_receipts: int, timeout: float = 60) -> None:
    """Return once the phones hold ``after_receipts`` receipts and a server connection is
    inside a write transaction (records written, not committed)."""
    deadline = time.monotonic() + timeout
    wait_until(lambda: receipts(phones) >= after_receipts, timeout, "receipts", interval=0.01)
    wait_until(
        drill_db.in_transaction,
        max(0.0, deadline - time.monotonic()),
        "a batch caught inside its transaction",
        interval=0.01,
    )


@pytest.mark.timeout(180)
def test_sigkill_mid_batch_stores_every_record_once(drill_db, serve, ledger):
    server = serve(fault_ingest_delay_ms=DELAY_MS)
    phones = [DrillPhone(lambda: server.port, RECORDS) for _ in range(PHONES)]
    for phone in phones:
        phone.register()
    for phone in phones:
        phone.start(seconds=150)

    # Twice: a worker dies with a batch half done; gunicorn starts another.
    killed = []
    for _ in range(2):
        wait_mid_batch(drill_db, phones, receipts(phones) + 2)
        killed.append(server.kill_worker())
    assert len(set(killed)) == 2

    # Then the whole server (master and workers) at once, mid-batch.
    wait_mid_batch(drill_db, phones, receipts(phones) + 2)
    server.kill_all()
    # The killed transaction is gone (PostgreSQL notices the closed socket at once).
    wait_until(lambda: not drill_db.in_transaction(), 10, "the killed transaction to end")
    down = ledger.snapshot()
    check_whole_batches(down, phones)
    stored_while_down = len(down["records"])
    assert 0 < stored_while_down < PHONES * RECORDS
    lost = sum(len(p.failures) for p in phones)
    assert lost >= 3, "every kill cut at least the batch caught mid-transaction"

    # Restarted on the same instance and port, the phones send what has no receipt.
    server.start()
    for phone in phones:
        phone.join(timeout=150)

    final = ledger.snapshot()
    check_whole_batches(final, phones)
    assert len(final["records"]) == PHONES * RECORDS
    for phone in phones:
        assert phone.unsent == {}
        ids = {record_id for record_id, device in final["records"] if device == phone.device_id}
        assert ids == {r["id"] for r in phone.records}
        assert final["max_seq"][phone.device_id] == RECORDS
        accepted = sum(len(r["accepted"]) for r in phone.receipts.values())
        duplicate = sum(len(r["duplicate"]) for r in phone.receipts.values())
        # Only a batch committed just before its answer was lost comes back as duplicates.
        assert accepted + duplicate >= RECORDS
        stored_accepts = sum(
            len(receipt["accepted"])
            for (device, _), receipt in final["batches"].items()
            if device == phone.device_id
        )
        assert stored_accepts == RECORDS
    print(
        f"\n[{drill_db.backend}] {PHONES * RECORDS} records; worker kills {len(killed)}, "
        f"server kill 1; uploads without receipt {sum(len(p.failures) for p in phones)}; "
        f"stored while down {stored_while_down}; batches stored {len(final['batches'])}"
    )
