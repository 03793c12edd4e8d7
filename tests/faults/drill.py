"""Fault drills against real processes: ``xuedian serve`` (a gunicorn master and its worker)
on a free loopback port, and phones that post signed batches over HTTP and send again
whatever they got no receipt for, as the PWA's outbox does.

:class:`ServerProcess` owns the server it starts (its own process group, so a drill can
SIGKILL the master and its workers at once) and nothing else. :class:`DrillPhone` owns its
records, the batches it sent and the receipts it got back.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import sqlalchemy as sa

# pytest imports tests/server as the top-level package ``server`` (tests/ has no __init__).
from server.sync.helpers import Phone, make_record
from support import wait_until
from support.processes import free_port

XUEDIAN = str(Path(sys.executable).with_name("xuedian"))
SYNC_PATH = "/api/v1/sync/batches"


def children(pid: int) -> list[int]:
    """Return the direct children of ``pid`` (a gunicorn master's workers)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(p) for p in path.read_text().split()]
    except FileNotFoundError:
        return []


def post(port: int, path: str, body: bytes, headers: dict, timeout: float = 30):
    """POST ``body`` to the loopback server; return ``(status, headers, parsed JSON)``.

    Raises ``OSError`` or ``http.client.HTTPException`` when no answer comes back.
    """
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", path, body=body, headers={"Connection": "close", **headers})
        response = conn.getresponse()
        data = response.read()
        return response.status, dict(response.getheaders()), json.loads(data)
    finally:
        conn.close()


def post_json(port: int, path: str, value, timeout: float = 30):
    """POST ``value`` as gzip JSON, as the phone sends batches over 4 KB."""
    body = gzip.compress(json.dumps(value).encode("utf-8"), compresslevel=6)
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    return post(port, path, body, headers, timeout)


class ServerProcess:
    """``xuedian serve --workers N`` in a process group of its own."""

    def __init__(self, env: dict, log: Path, workers: int = 1, port: int | None = None):
        self.env = env
        self.log = log
        self.workers = workers
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> ServerProcess:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [XUEDIAN, "serve", "--host", "127.0.0.1", "--port", str(self.port)]
                + ["--workers", str(self.workers)],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_ready(timeout)
        return self

    def healthy(self) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            conn.request("GET", "/api/v1/health")
            return conn.getresponse().status == 200
        except (OSError, http.client.HTTPException):
            return False
        finally:
            conn.close()

    def wait_ready(self, timeout: float = 60, not_worker: int | None = None) -> None:
        """Wait until ``workers`` workers run (none of them ``not_worker``) and one answers."""

        def ready() -> bool:
            if self.proc is None or self.proc.poll() is not None:
                raise RuntimeError(f"xuedian serve exited; see {self.log}")
            pids = children(self.proc.pid)
            return len(pids) >= self.workers and not_worker not in pids and self.healthy()

        wait_until(ready, timeout, f"xuedian serve to be ready (see {self.log})")

    def worker(self) -> int:
        """Return the PID of the (first) worker."""
        pids = children(self.proc.pid)
        assert pids, "gunicorn has no worker"
        return pids[0]

    def kill_worker(self) -> int:
        """SIGKILL a worker and wait until gunicorn has started another; return the dead PID."""
        pid = self.worker()
        os.kill(pid, signal.SIGKILL)
        self.wait_ready(not_worker=pid)
        return pid

    def kill_all(self) -> None:
        """SIGKILL the master and every worker at once, as a power cut would."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=20)
        wait_until(lambda: not self._group_alive(), 20, "every killed process to be gone")

    def _group_alive(self) -> bool:
        try:
            os.killpg(self.proc.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            if self.proc is not None and self._group_alive():
                os.killpg(self.proc.pid, signal.SIGKILL)
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


class DrillPhone:
    """A phone with ``count`` records that sends them in batches until every one has a
    receipt. Each upload is a new signed batch with a new ``batch_id`` (as the PWA makes
    them); an upload without an answer leaves its records to be sent again."""

    def __init__(self, port_of, count: int, batch: int = 500):
        self.port_of = port_of
        self.phone = Phone()
        self.records = [make_record(seq) for seq in range(1, count + 1)]
        self.batch_size = batch
        self.lock = threading.Lock()
        self.unsent = {r["id"]: r for r in self.records}
        #: batch_id -> record ids, for every batch this phone sent.
        self.sent: dict[str, list[str]] = {}
        #: batch_id -> the receipt the phone got back.
        self.receipts: dict[str, dict] = {}
        #: uploads that got no answer, or an error answer: (batch_id, what happened).
        self.failures: list[tuple[str, str]] = []
        self.thread: threading.Thread | None = None

    @property
    def device_id(self) -> str:
        return self.phone.device_id

    def register(self) -> None:
        status, _, body = post_json(self.port_of(), "/api/v1/devices", self.phone.registration())
        assert status == 201, body

    def upload_once(self) -> None:
        with self.lock:
            chunk = list(self.unsent.values())[: self.batch_size]
        envelope = self.phone.batch(chunk)
        batch_id = envelope["signed"]["batch_id"]
        with self.lock:
            self.sent[batch_id] = [r["id"] for r in chunk]
        try:
            status, _, body = post_json(self.port_of(), SYNC_PATH, envelope)
        except (OSError, http.client.HTTPException) as exc:
            self.failures.append((batch_id, type(exc).__name__))
            time.sleep(0.1)
            return
        if status != 200:
            self.failures.append((batch_id, f"{status} {body.get('code')}"))
            time.sleep(0.1)
            return
        with self.lock:
            self.receipts[batch_id] = body
            for record_id in body["accepted"] + body["duplicate"]:
                self.unsent.pop(record_id, None)

    def seen(self) -> tuple[dict[str, list[str]], dict[str, dict]]:
        """Copies of what was sent and what came back (the sending thread may still run)."""
        with self.lock:
            return dict(self.sent), dict(self.receipts)

    def drain(self, deadline: float) -> None:
        while self.unsent and time.monotonic() < deadline:
            self.upload_once()

    def start(self, seconds: float = 90) -> DrillPhone:
        deadline = time.monotonic() + seconds
        self.thread = threading.Thread(target=self.drain, args=(deadline,), daemon=True)
        self.thread.start()
        return self

    def join(self, timeout: float = 90) -> None:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the phone did not finish sending"


def load_receipt(value):
    return json.loads(value) if isinstance(value, str) else value


class Ledger:
    """What the database holds, read in one snapshot, for exact counts after a fault."""

    def __init__(self, url: str):
        self.engine = sa.create_engine(url, poolclass=sa.pool.NullPool)

    def snapshot(self) -> dict:
        with self.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
            else:
                conn.exec_driver_sql("BEGIN")
            records = conn.execute(sa.text("SELECT id, device_id FROM learning_record")).all()
            batches = conn.execute(
                sa.text("SELECT device_id, batch_id, receipt FROM sync_batch")
            ).all()
            devices = conn.execute(sa.text("SELECT id, max_contiguous_seq FROM device")).all()
            conflicts = conn.execute(sa.text("SELECT count(*) FROM record_conflict")).scalar()
            quarantined = conn.execute(sa.text("SELECT count(*) FROM quarantined_record")).scalar()
            bundles = conn.execute(sa.text("SELECT count(*) FROM sync_bundle")).scalar()
            conn.rollback()
        return {
            "records": [(r.id, r.device_id) for r in records],
            "batches": {(b.device_id, b.batch_id): load_receipt(b.receipt) for b in batches},
            "max_seq": {d.id: d.max_contiguous_seq for d in devices},
            "conflicts": conflicts,
            "quarantined": quarantined,
            "bundles": bundles,
        }

    def dispose(self) -> None:
        self.engine.dispose()


def check_whole_batches(snapshot: dict, phones: list[DrillPhone]) -> None:
    """Assert that every batch is stored whole or not at all.

    A stored receipt lists exactly its batch's records as accepted or duplicate; every stored
    record was accepted by exactly one stored receipt (records and receipt commit together);
    every receipt a phone got back is stored, unchanged.
    """
    stored_ids = [record_id for record_id, _ in snapshot["records"]]
    assert len(stored_ids) == len(set(stored_ids))
    accepted_by: dict[str, str] = {}
    # Each phone's thread may still be trying (the server is down): read what it had so far.
    seen = {phone.device_id: phone.seen() for phone in phones}
    for device_id, (sent, receipts) in seen.items():
        for batch_id, ids in sent.items():
            receipt = snapshot["batches"].get((device_id, batch_id))
            if receipt is None:
                assert batch_id not in receipts, "a receipt the phone got is not stored"
                continue
            assert sorted(receipt["accepted"] + receipt["duplicate"]) == sorted(ids)
            assert receipt["rejected"] == []
            if batch_id in receipts:
                assert receipts[batch_id] == receipt
            for record_id in receipt["accepted"]:
                assert record_id not in accepted_by, "a record accepted by two batches"
                accepted_by[record_id] = batch_id
    assert len(snapshot["batches"]) == sum(
        1 for d, (sent, _) in seen.items() for b in sent if (d, b) in snapshot["batches"]
    ), "a stored receipt of a batch no phone sent"
    assert set(accepted_by) == set(stored_ids), "records stored without their batch receipt"
    assert snapshot["conflicts"] == 0
    assert snapshot["quarantined"] == 0
