"""The relay's custody of bundle files: ``outbox/``, ``forwarded/`` and ``refused/``.

Each received file is kept as ``<content id>.xdsync`` with a sidecar ``<content id>.json``
``{"received_at", "name", "size", "device_id", "made_at"}``; the sidecar gains what the
county said when the file moves on. The content id is the county's (``bundlefile.content_id``:
the device and its signed batches), so the same bundle is kept once, whichever folder holds
it and however it was re-compressed. Only files whose every signature checks are taken, and
only while the folders stay under ``relay_max_disk_bytes``. A file leaves ``outbox/`` only by
a rename into ``forwarded/`` (after the county's 200) or ``refused/`` (with the county's
code); a file is deleted only when it has been in ``refused/`` for ``relay_refused_days`` or
in ``forwarded/`` for ``relay_forwarded_days`` (:meth:`Outbox.expire`).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from ..core.timeutil import iso, parse_iso
from ..errors import XuedianError
from ..sync.bundlefile import BundleInvalid, BundleTooLarge, check_signed
from .files import fsync_dir, move, read_json, temp_path, write_json

log = logging.getLogger("xuedian.relay")

FOLDERS = ("outbox", "forwarded", "refused")
MAX_NAME = 200


class RelayDiskFull(XuedianError):
    code = "relay-disk-full"
    status = 507
    message = "The kiosk's storage for sync files is full; please try again after it forwards."


class RelayQuotaExceeded(XuedianError):
    code = "relay-quota-exceeded"
    status = 429
    message = (
        "This phone, or this uploader, already has many sync files waiting at the kiosk; "
        "please try again after they are forwarded."
    )


@dataclass
class Quotas:
    """Most bytes waiting in ``outbox/``: in all three folders together, for one phone and
    for one uploading address; 0 means no limit."""

    disk: int = 0
    device: int = 0
    address: int = 0


@dataclass
class Receipt:
    """What the LAN page tells the volunteer about one uploaded file."""

    name: str
    ok: bool
    bundle_id: str | None = None
    device_id: str | None = None
    received_at: str | None = None
    already: bool = False
    code: str | None = None
    message: str | None = None


@dataclass
class Item:
    """A bundle file in custody, with its sidecar."""

    bundle_id: str
    path: Path
    meta: dict

    @property
    def received_at(self) -> datetime:
        return parse_iso(self.meta["received_at"])

    @property
    def device_id(self) -> str:
        return self.meta["device_id"]


class Outbox:
    """The bundle folders under one relay root."""

    def __init__(
        self,
        root: Path,
        max_file_bytes: int,
        max_decoded_bytes: int,
        clock,
        quotas: Quotas | None = None,
    ):
        self.root = root
        self.max_file_bytes = max_file_bytes
        self.max_decoded_bytes = max_decoded_bytes
        self.clock = clock
        self.quotas = quotas or Quotas()
        self._lock = threading.Lock()

    def folder(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def find(self, bundle_id: str) -> tuple[str, Item] | None:
        """Return (folder, item) of a file already in custody, or None."""
        for name in FOLDERS:
            path = self.root / name / f"{bundle_id}.xdsync"
            if path.is_file():
                meta = read_json(path.with_suffix(".json"), {}) or {}
                return name, Item(bundle_id, path, meta)
        return None

    def receive(self, stream: BinaryIO, name: str | None, address: str = "") -> Receipt:
        """Take custody of one uploaded file, or refuse it without keeping anything.

        The file streams to disk, at most ``max_file_bytes``; then its shape (gzip, JSON,
        an ``xdsync`` bundle naming one device) and every signature in it are checked, and
        it is kept only while the folders stay under the disk quota and the files waiting
        for its phone and from ``address`` (the uploader's) under theirs.
        """
        name = (name or "").replace("\\", "/").rsplit("/", 1)[-1][:MAX_NAME] or "?"
        tmp_dir = self.folder("tmp")
        tmp = temp_path(tmp_dir / "upload")
        try:
            try:
                size = _copy_capped(stream, tmp, self.max_file_bytes)
                with open(tmp, "rb") as handle:
                    shape = check_signed(handle.read(), self.max_decoded_bytes)
            except XuedianError as error:
                return Receipt(name, ok=False, code=error.code, message=error.message)
            except (ValueError, TypeError, RecursionError, MemoryError) as exc:
                # A file no check foresaw: refused on its own, the other files still kept.
                log.warning("upload %r refused: %r", name, exc)
                error = BundleInvalid()
                return Receipt(name, ok=False, code=error.code, message=error.message)
            digest = shape["content_id"]
            with self._lock:
                found = self.find(digest)
                if found is not None:
                    _, item = found
                    return Receipt(
                        name,
                        ok=True,
                        bundle_id=digest,
                        device_id=item.meta.get("device_id"),
                        received_at=item.meta.get("received_at"),
                        already=True,
                    )
                refusal = self._over_quota(size, shape["device_id"], address)
                if refusal is not None:
                    return Receipt(name, ok=False, code=refusal.code, message=refusal.message)
                meta = {
                    "received_at": iso(self.clock()),
                    "name": name,
                    "size": size,
                    "device_id": shape["device_id"],
                    "made_at": iso(shape["created"]),
                    "address": address[:64],
                }
                outbox = self.folder("outbox")
                # The sidecar first: a bundle file in outbox/ always has its received_at.
                write_json(outbox / f"{digest}.json", meta)
                tmp.replace(outbox / f"{digest}.xdsync")
                fsync_dir(outbox)
            return Receipt(
                name,
                ok=True,
                bundle_id=digest,
                device_id=meta["device_id"],
                received_at=meta["received_at"],
            )
        finally:
            tmp.unlink(missing_ok=True)

    def pending(self) -> Iterator[Item]:
        """Yield the files waiting in ``outbox/``, oldest received first (sidecars only are
        read here; the bundles stay on disk)."""
        self._tidy()
        items = []
        for path in self.folder("outbox").glob("*.xdsync"):
            meta = read_json(path.with_suffix(".json"))
            if not meta or "received_at" not in meta:
                # Only a crash mid-receive could leave this; keep the file, date it by mtime.
                meta = _recovered_meta(path)
                write_json(path.with_suffix(".json"), meta)
            items.append(Item(path.stem, path, meta))
        items.sort(key=lambda item: (item.meta["received_at"], item.bundle_id))
        yield from items

    def _tidy(self) -> None:
        """Move a sidecar left behind in ``outbox/`` (a crash between the two renames of
        :meth:`settle`) to the folder its bundle went to."""
        for sidecar in self.folder("outbox").glob("*.json"):
            if sidecar.with_suffix(".xdsync").exists():
                continue
            for name in FOLDERS[1:]:
                if (self.root / name / f"{sidecar.stem}.xdsync").exists():
                    move(sidecar, self.root / name)
                    break

    def settle(self, item: Item, folder: str, **outcome) -> Item:
        """Move a file from ``outbox/`` to ``forwarded/`` or ``refused/`` with ``outcome``
        added to its sidecar."""
        with self._lock:
            meta = {**item.meta, **outcome}
            sidecar = item.path.with_suffix(".json")
            write_json(sidecar, meta)
            target = self.folder(folder)
            moved = move(item.path, target)
            move(sidecar, target)
            return Item(item.bundle_id, moved, meta)

    def note(self, item: Item, **fields) -> Item:
        """Add ``fields`` to the sidecar of a file that stays in ``outbox/``."""
        with self._lock:
            item.meta.update(fields)
            write_json(item.path.with_suffix(".json"), item.meta)
            return item

    def _over_quota(self, size: int, device_id: str, address: str) -> XuedianError | None:
        """The refusal for a file of ``size`` bytes that would pass a quota, or None."""
        q = self.quotas
        if q.disk and self.used_bytes() + size > q.disk:
            return RelayDiskFull()
        if not (q.device or q.address):
            return None
        waiting = [
            (p.stat().st_size, read_json(p.with_suffix(".json"), {}) or {})
            for p in self.folder("outbox").glob("*.xdsync")
        ]
        mine = sum(n for n, meta in waiting if meta.get("device_id") == device_id)
        theirs = sum(n for n, meta in waiting if address and meta.get("address") == address)
        if (q.device and mine + size > q.device) or (q.address and theirs + size > q.address):
            return RelayQuotaExceeded()
        return None

    def used_bytes(self) -> int:
        """Return the bytes of the bundle files the three folders hold."""
        return sum(p.stat().st_size for name in FOLDERS for p in self.folder(name).glob("*.xdsync"))

    def expire(self, refused_days: int, forwarded_days: int) -> int:
        """Delete files settled in ``refused/`` over ``refused_days`` ago and in
        ``forwarded/`` over ``forwarded_days`` ago (0 keeps them); return how many."""
        now = self.clock()
        gone = 0
        for folder, days, stamp in (
            ("refused", refused_days, "refused_at"),
            ("forwarded", forwarded_days, "forwarded_at"),
        ):
            if days <= 0:
                continue
            for item in self.items(folder):
                settled = item.meta.get(stamp) or item.meta.get("received_at")
                try:
                    old = (now - parse_iso(settled)).total_seconds() > days * 86400
                except (TypeError, ValueError, OverflowError):
                    old = True  # a sidecar without a readable time: nothing to keep it for
                if old:
                    with self._lock:
                        item.path.unlink(missing_ok=True)
                        item.path.with_suffix(".json").unlink(missing_ok=True)
                    gone += 1
        return gone

    def counts(self) -> dict[str, int]:
        """Return how many files each folder holds."""
        return {name: sum(1 for _ in self.folder(name).glob("*.xdsync")) for name in FOLDERS}

    def recent(self, limit: int = 10) -> list[tuple[str, Item]]:
        """Return (folder, item) of the files that arrived or moved on last, newest first;
        only ``limit`` sidecars are read, however many files the folders hold."""
        found = []
        for name in ("outbox", "forwarded"):
            with os.scandir(self.folder(name)) as entries:
                for entry in entries:
                    if entry.name.endswith(".json"):
                        found.append((entry.stat().st_mtime, name, Path(entry.path)))
        found.sort(reverse=True)
        recent = []
        for _, name, sidecar in found[:limit]:
            meta = read_json(sidecar)
            if meta:
                recent.append((name, Item(sidecar.stem, sidecar.with_suffix(".xdsync"), meta)))
        return recent

    def items(self, folder: str) -> list[Item]:
        """Return the items of one folder, newest received first."""
        found = [
            Item(p.stem, p, read_json(p.with_suffix(".json"), {}) or {})
            for p in self.folder(folder).glob("*.xdsync")
        ]
        return sorted(found, key=lambda i: i.meta.get("received_at", ""), reverse=True)


def _copy_capped(stream: BinaryIO, target: Path, limit: int) -> int:
    size = 0
    with open(target, "wb") as out:
        while data := stream.read(1 << 16):
            size += len(data)
            if size > limit:
                raise BundleTooLarge(limit=limit)
            out.write(data)
        out.flush()
        os.fsync(out.fileno())
    return size


def _recovered_meta(path: Path) -> dict:
    from datetime import UTC

    moment = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return {
        "received_at": iso(moment),
        "name": path.name,
        "size": path.stat().st_size,
        "device_id": None,
        "made_at": None,
        "recovered": True,
    }
