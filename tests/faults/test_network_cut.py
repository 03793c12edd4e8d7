"""The link drops in the middle of an upload, seen from the server: a batch whose body stops
part-way (closed, or reset) stores nothing, and the whole batch sent again is stored once."""

from __future__ import annotations

import gzip
import json
import socket
import struct
import time

import pytest
from server.sync.helpers import make_record
from support import wait_until

from .drill import SYNC_PATH, DrillPhone, post_json


def send_part(port: int, body: bytes, headers: dict, fraction: float, reset: bool) -> None:
    """Send the request line, headers and ``fraction`` of ``body``, then drop the link."""
    head = f"POST {SYNC_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in {**headers, "Content-Length": len(body)}.items())
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        sock.sendall(head.encode() + b"\r\n" + body[: int(len(body) * fraction)])
        time.sleep(0.2)  # the server is reading the body now
        if reset:
            # SO_LINGER 0: close() sends RST, as a phone losing its radio link may.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        else:
            sock.shutdown(socket.SHUT_WR)
    finally:
        sock.close()


CUTS = [
    ("gzip", 0.5, False),
    ("gzip", 0.99, True),
    ("json", 0.5, True),
    ("json", 0.0, False),
]


@pytest.mark.timeout(90)
def test_network_cut_mid_body_stores_nothing_then_whole_batch_once(drill_db, serve, ledger):
    server = serve()
    phone = DrillPhone(lambda: server.port, 0)
    phone.register()
    records = [make_record(seq) for seq in range(1, 501)]
    envelope = phone.phone.batch(records)
    plain = json.dumps(envelope).encode()
    bodies = {
        "gzip": (gzip.compress(plain), {"Content-Encoding": "gzip"}),
        "json": (plain, {}),
    }
    for kind, fraction, reset in CUTS:
        body, headers = bodies[kind]
        send_part(
            server.port, body, {"Content-Type": "application/json", **headers}, fraction, reset
        )
    # The server has given up on each cut request once gunicorn logs its 400.
    refused = f'"POST {SYNC_PATH} HTTP/1.1" 400'
    wait_until(lambda: server.log.read_text().count(refused) == len(CUTS), 30, "a 400 for each cut")
    cut = ledger.snapshot()
    assert (len(cut["records"]), len(cut["batches"])) == (0, 0)
    assert cut["max_seq"][phone.device_id] == 0
    assert server.healthy()

    status, _, receipt = post_json(server.port, SYNC_PATH, envelope)
    assert status == 200
    assert receipt["accepted"] == [r["id"] for r in records]
    assert receipt["max_contiguous_seq"] == 500
    # And the phone that never saw that receipt sends the same envelope once more.
    assert post_json(server.port, SYNC_PATH, envelope)[2] == receipt
    final = ledger.snapshot()
    assert sorted(r for r, _ in final["records"]) == sorted(r["id"] for r in records)
    assert len(final["batches"]) == 1
    assert final["max_seq"][phone.device_id] == 500
    assert (final["conflicts"], final["quarantined"]) == (0, 0)
    # A dropped link is routine on 2G: the county's log gets no error traceback for it.
    log = server.log.read_text()
    assert log.count('"POST /api/v1/sync/batches HTTP/1.1" 400') == len(CUTS)
    assert "unhandled error" not in log and "Traceback" not in log
