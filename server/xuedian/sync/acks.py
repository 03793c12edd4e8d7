"""County acknowledgements: which of a device's records the county has stored.

The ack is the only thing that lets a phone delete a record it made (a relay's receipt is
custody, not acknowledgement). It travels inside every changes-feed answer, and as a
county-signed ``.xdack`` file a volunteer carries back to a phone that has no network.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from ..core.timeutil import iso, local, utcnow
from ..core.wirefields import DEVICE_ID
from ..errors import XuedianError
from ..extensions import db
from ..keys.service import keyring
from .devices import DeviceRevoked
from .models import Device, LearningRecord

#: Most ranges one ack lists; the lowest are kept, and the rest wait for a later ack.
MAX_RANGES = 1000


class AckDeviceUnknown(XuedianError):
    code = "device-unknown"
    status = 404
    message = "This device is not registered with the county server."


def stored_ranges(device: Device, limit: int = MAX_RANGES) -> list[list[int]]:
    """Return the device_seqs of ``device`` stored here as inclusive, merged, sorted ranges.

    At most ``limit`` ranges: the lowest ones. ``1..max_contiguous_seq`` is one range; only
    the records above it are read, so a phone that sent everything in order costs one
    indexed probe.
    """
    top = device.max_contiguous_seq or 0
    ranges = [[1, top]] if top >= 1 else []
    seqs = db.session.scalars(
        select(LearningRecord.device_seq)
        .where(LearningRecord.device_id == device.id, LearningRecord.device_seq > top)
        .order_by(LearningRecord.device_seq)
    )
    for seq in seqs:
        if ranges and seq <= ranges[-1][1] + 1:
            ranges[-1][1] = max(ranges[-1][1], seq)
        elif len(ranges) >= limit:
            break
        else:
            ranges.append([seq, seq])
    return ranges


def ack(device: Device) -> dict:
    """Return the ``ack`` object of a feed answer: ``max_contiguous_seq`` and the ranges."""
    return {
        "max_contiguous_seq": device.max_contiguous_seq or 0,
        "stored_seq_ranges": stored_ranges(device),
    }


def device_for_ack(device_id: str) -> Device:
    """Return the device an ack file is asked for.

    Raises :class:`AckDeviceUnknown` (404) or ``device-revoked`` (403).
    """
    device = db.session.get(Device, device_id) if DEVICE_ID.match(device_id) else None
    if device is None:
        raise AckDeviceUnknown(device_id=device_id[:64])
    if device.revoked_at is not None:
        raise DeviceRevoked(device_id=device_id)
    return device


def ack_file(device: Device) -> tuple[str, bytes]:
    """Return ``(file name, bytes)`` of a county-signed ``.xdack`` for ``device``.

    The name is ``xuedian-<first 8 of device_id>-<yyyymmdd-hhmm>.xdack`` (UTC). Raises
    ``signing-key-missing`` when the county has no key.
    """
    now = utcnow()
    envelope = keyring().sign(
        {"type": "xdack", "schema_version": 1, "device_id": device.id, "created": iso(now)}
        | ack(device)
    )
    name = f"xuedian-{device.id[:8]}-{local(now):%Y%m%d-%H%M}.xdack"  # the county's clock
    body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return name, body
