"""Quarantine rows and their quotas: a refused record is kept as a short excerpt of its
canonical JSON with the hash and size of the whole, its reason cut short, and the address
it came from; never whole.

Rows count against quotas per device and per client address over a rolling window
(``quarantine_*`` settings): a batch that would pass one is refused as a whole with
``quota-exceeded`` and nothing of it is stored, so a flood of invalid records costs the
county at most the quotas' bytes. Rows older than the window count against nothing;
``xuedian quarantine purge`` (:func:`purge`) deletes them.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from flask import current_app, has_request_context
from sqlalchemy import delete, func, select

from ..core import ratelimit
from ..core.canonjson import canonical_bytes
from ..core.wirefields import printable_excerpt, refusal_code
from ..errors import QuotaExceeded
from ..extensions import db
from .models import QuarantinedRecord

#: Bytes of a refused record's canonical JSON kept in its row.
EXCERPT_BYTES = 512
#: Caps on the reason kept: entries per level, characters per key and per message.
REASON_ITEMS = 20
REASON_KEY = 64
REASON_TEXT = 200


def _canonical(raw) -> bytes:
    try:
        return canonical_bytes(raw)
    except (TypeError, ValueError, RecursionError):
        # Only a value no signature could cover gets here; its text still has a hash.
        return repr(raw).encode("utf-8", "backslashreplace")


def excerpt(raw) -> tuple[str, str, int]:
    """Return ``(excerpt, sha256 hex, size)`` of a refused record's canonical JSON."""
    data = _canonical(raw)
    # Canonical JSON escapes NUL and lone surrogates, so the excerpt is storable text.
    text = data[:EXCERPT_BYTES].decode("utf-8", "ignore")
    return text, hashlib.sha256(data).hexdigest(), len(data)


def bounded_reason(messages):
    """Return marshmallow ``messages`` with at most REASON_ITEMS entries per level and
    every key and message cut short and made storable (keys can be a phone's field names)."""
    if isinstance(messages, dict):
        return {
            printable_excerpt(str(key), REASON_KEY): bounded_reason(value)
            for key, value in list(messages.items())[:REASON_ITEMS]
        }
    if isinstance(messages, list | tuple):
        return [bounded_reason(value) for value in list(messages)[:REASON_ITEMS]]
    return printable_excerpt(str(messages), REASON_TEXT)


def _address() -> str | None:
    return ratelimit.client_address()[:64] if has_request_context() else None


def row(device_id: str, raw, messages, default_code: str, now: datetime) -> dict:
    """Return the quarantine row (insert values) of one refused record.

    Its ``code`` is ``text-not-storable`` or ``time-out-of-range`` when that is why the
    record was refused, else ``default_code``.
    """
    raw_id = raw.get("id") if isinstance(raw, dict) else None
    text, digest, size = excerpt(raw)
    reason = bounded_reason(messages)
    return {
        "device_id": device_id,
        "record_id": printable_excerpt(raw_id, 64) if isinstance(raw_id, str) else None,
        "code": refusal_code(messages, default_code),
        "reason": reason,
        "excerpt": text,
        "sha256": digest,
        "size": size,
        "stored_bytes": len(text.encode("utf-8")) + len(json.dumps(reason).encode("utf-8")),
        "address": _address(),
        "received_at": now,
    }


def _used(where, since: datetime) -> tuple[int, int]:
    rows, size = db.session.execute(
        select(func.count(), func.coalesce(func.sum(QuarantinedRecord.stored_bytes), 0)).where(
            where, QuarantinedRecord.received_at >= since
        )
    ).one()
    return int(rows), int(size)


def check_quota(device_id: str, rows: list[dict], now: datetime) -> None:
    """Raise :class:`~xuedian.errors.QuotaExceeded` when storing ``rows`` would pass the
    device's or the address's quarantine quota; no rows means nothing to check."""
    if not rows:
        return
    settings = current_app.config["XUEDIAN"]
    since = now - timedelta(days=settings.quarantine_window_days)
    adding = (len(rows), sum(r["stored_bytes"] for r in rows))
    checks = [
        (
            "device",
            QuarantinedRecord.device_id == device_id,
            settings.quarantine_device_rows,
            settings.quarantine_device_bytes,
        )
    ]
    address = rows[0]["address"]
    if address is not None:
        checks.append(
            (
                "address",
                QuarantinedRecord.address == address,
                settings.quarantine_address_rows,
                settings.quarantine_address_bytes,
            )
        )
    for scope, where, max_rows, max_bytes in checks:
        used_rows, used_bytes = _used(where, since)
        if used_rows + adding[0] > max_rows or used_bytes + adding[1] > max_bytes:
            raise QuotaExceeded(
                scope=scope,
                rows=used_rows,
                max_rows=max_rows,
                bytes=used_bytes,
                max_bytes=max_bytes,
                window_days=settings.quarantine_window_days,
                retry_after=QuotaExceeded.retry_after,
            )


def purge(older_than_days: int, now: datetime) -> int:
    """Delete the quarantine rows received more than ``older_than_days`` days before
    ``now``; return how many (the caller commits)."""
    cutoff = now - timedelta(days=older_than_days)
    result = db.session.execute(
        delete(QuarantinedRecord).where(QuarantinedRecord.received_at < cutoff)
    )
    return int(result.rowcount or 0)
