"""The relay's small state file, ``<instance>/relay/state.json``: a cursor per upstream.

``{"upstreams": {"<url>": {"catalog_etag", "last_contact", "last_mirror", "last_forward",
"forwarded", "failures", "next_attempt", "last_error"}}, "pending_acks": [device ids]}``.
Only the mirror-and-forward pass writes it (one pass at a time, under a file lock), and
every write is atomic, so the LAN page can read it at any moment.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from pathlib import Path

from ..core.timeutil import iso, parse_iso
from .files import read_json, write_json

EMPTY_CURSOR = {
    "catalog_etag": None,
    "last_contact": None,
    "last_mirror": None,
    "last_forward": None,
    "forwarded": 0,
    "failures": 0,
    "next_attempt": None,
    "last_error": None,
    "clock_skew": None,
}


class State:
    """Read and update the state file of one relay."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()

    def read(self) -> dict:
        value = read_json(self.path, None) or {}
        value.setdefault("upstreams", {})
        value.setdefault("pending_acks", [])
        return value

    def cursor(self, upstream: str) -> dict:
        """Return the cursor of ``upstream`` (a fresh one if it was never contacted)."""
        return {**EMPTY_CURSOR, **self.read()["upstreams"].get(upstream, {})}

    def update(self, upstream: str, **changes) -> dict:
        """Merge ``changes`` into the cursor of ``upstream``, save, and return it."""
        with self._lock:
            value = self.read()
            cursor = {**EMPTY_CURSOR, **value["upstreams"].get(upstream, {}), **changes}
            value["upstreams"][upstream] = cursor
            write_json(self.path, value)
            return cursor

    def pending_acks(self) -> set[str]:
        return set(self.read()["pending_acks"])

    def set_pending_acks(self, devices: set[str]) -> None:
        with self._lock:
            value = self.read()
            value["pending_acks"] = sorted(devices)
            write_json(self.path, value)

    def contacted(self, upstream: str, now: datetime, county_now: datetime | None = None) -> dict:
        """Note that the county answered: contact time, the failure count back to 0, and
        how far this machine's clock is from the county's (``county_now``, its Date header).

        A Raspberry Pi has no clock battery: after a power cut it may believe it is an old
        day until it reaches a time server, and its receipts would carry that day.
        """
        skew = round((county_now - now).total_seconds()) if county_now else None
        return self.update(
            upstream,
            last_contact=iso(now),
            failures=0,
            next_attempt=None,
            last_error=None,
            clock_skew=skew,
        )

    def failed(
        self, upstream: str, now: datetime, code: str, message: str, interval: int, cap: int
    ) -> dict:
        """Note a failed attempt and when to try again: ``interval`` doubling up to ``cap``."""
        failures = self.cursor(upstream)["failures"] + 1
        wait = min(interval * 2 ** (failures - 1), cap)
        return self.update(
            upstream,
            failures=failures,
            next_attempt=iso(now + timedelta(seconds=wait)),
            last_error={"at": iso(now), "code": code, "message": message},
        )

    def noted_error(self, upstream: str, now: datetime, code: str, message: str) -> dict:
        """Note a refusal (a tampered catalog, say) that is no reason to wait longer."""
        return self.update(upstream, last_error={"at": iso(now), "code": code, "message": message})


def due(cursor: dict, now: datetime) -> float:
    """Return seconds until the upstream may be tried again (0 when it may be now)."""
    if not cursor.get("next_attempt"):
        return 0.0
    return max(0.0, (parse_iso(cursor["next_attempt"]) - now).total_seconds())
