"""County acknowledgements a relay brings back: ``<instance>/relay/acks/``.

``<device_id>.xdack`` is the newest county-signed ``.xdack`` for a device, byte for byte as
the county issued it, and ``<device_id>.json`` what the LAN page shows about it. Only a
document that verifies against the pinned county keys and names the device it was asked
for is kept. The phone checks the signature again when it imports the file: the relay is a
courier here, never a source of acknowledgement.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from marshmallow import ValidationError as MarshmallowError

from ..core.timeutil import local, parse_iso
from ..core.wirefields import DEVICE_ID
from ..keys.service import SignatureInvalid, verify_envelope
from ..sync.schemas import AckFile
from .files import read_json, write_bytes, write_json

ACK_NAME = re.compile(r'filename="?(xuedian-[0-9a-f]{8}-\d{8}-\d{4}\.xdack)"?')
PREFIX = re.compile(r"^[0-9a-f]{8,32}$")
MAX_ACK_BYTES = 1 << 20


class AckInvalid(SignatureInvalid):
    code = "ack-invalid"
    message = "The acknowledgement's signed fields are not those of an .xdack."


def _count(ranges) -> int:
    return sum(b - a + 1 for a, b in ranges)


class Acks:
    """The newest ``.xdack`` of every device the relay forwarded for."""

    def __init__(self, folder: Path, zone: ZoneInfo | None = None):
        self.folder = folder
        #: The county's timezone, for a file name made here (None: the app's or the default).
        self.zone = zone

    def store(self, device_id: str, body: bytes, disposition: str | None, trusted) -> bool:
        """Keep ``body`` as the device's ack if it verifies and is newer than the one kept.

        Returns whether it was kept. Raises a signature error when it does not verify, and
        :class:`AckInvalid` when its signed fields are not those of an ack.
        """
        try:
            envelope = json.loads(body)
        except ValueError as exc:
            raise SignatureInvalid("The acknowledgement is not JSON.") from exc
        signed = verify_envelope(envelope, "xdack", trusted)
        if signed.get("device_id") != device_id:
            raise SignatureInvalid("The acknowledgement names another device.")
        try:
            loaded = AckFile().load(signed)
        except MarshmallowError as exc:
            raise AckInvalid(fields=exc.normalized_messages()) from exc
        ranges = loaded["stored_seq_ranges"]
        if any(len(r) != 2 or r[0] > r[1] for r in ranges):
            raise AckInvalid("An acknowledged range is not [first, last].")
        created = loaded["created"]
        kept = self.meta(device_id)
        if kept and parse_iso(kept["created"]) >= created:
            return False
        match = ACK_NAME.search(disposition or "")
        filename = match.group(1) if match else _name(device_id, created, self.zone)
        write_bytes(self.folder / f"{device_id}.xdack", body)
        write_json(
            self.folder / f"{device_id}.json",
            {
                "device_id": device_id,
                "filename": filename,
                "created": signed["created"],
                "max_contiguous_seq": signed.get("max_contiguous_seq"),
                "records": _count(ranges),
            },
        )
        return True

    def meta(self, device_id: str) -> dict | None:
        if not DEVICE_ID.match(device_id):
            return None
        return read_json(self.folder / f"{device_id}.json")

    def path(self, device_id: str) -> Path | None:
        """Return the ``.xdack`` file of a device, or None."""
        if not DEVICE_ID.match(device_id):
            return None
        path = self.folder / f"{device_id}.xdack"
        return path if path.is_file() else None

    def find(self, prefix: str) -> list[dict]:
        """Return what is kept for every device whose id starts with ``prefix`` (≥ 8 hex)."""
        if not PREFIX.match(prefix) or not self.folder.is_dir():
            return []
        found = []
        for path in sorted(self.folder.glob(f"{prefix}*.json")):
            meta = read_json(path)
            if meta and (self.folder / f"{path.stem}.xdack").is_file():
                found.append(meta)
        return found


def _name(device_id: str, created, zone: ZoneInfo | None) -> str:
    return f"xuedian-{device_id[:8]}-{local(created, zone):%Y%m%d-%H%M}.xdack"
