"""Moving a county's blobs and archives from ``<instance>/store`` to S3 while it serves.

Owns the move's three steps: copy every object the bucket lacks, verify every object in the
bucket by reading it back and hashing it, and switch by moving the local folder aside to
``<instance>/store.moved-to-s3``. Servers already run with ``XUEDIAN_BLOB_STORE=s3`` and
read through to the local folder (``ReadThroughStore``), so no request fails at any step;
a move stopped half-way is simply run again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .storage import BlobStore, FileBlobStore, HashMismatch, expected_sha256


class BlobMoveFailed(ValueError):
    """An object does not hash as it should: read back from the new store, or the local copy.

    An operator's error (the command prints it), never an answer to a phone.
    """

    def __init__(self, key: str, why: str):
        super().__init__(f"{key}: {why}")
        self.key = key


@dataclass
class MoveReport:
    copied: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    moved_aside: Path | None = None


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while data := f.read(1 << 16):
            digest.update(data)
    return digest.hexdigest()


def migrate(local: FileBlobStore, target: BlobStore, echo=lambda _line: None) -> MoveReport:
    """Copy, verify and switch; return what was done.

    Raises :class:`BlobMoveFailed` (naming the key) when an object in ``target`` does not
    hash as its local copy, and leaves the local folder in place.
    """
    report = MoveReport()
    if not local.root.is_dir():
        return report
    done: set[str] = set()
    # Servers still on the file store may publish during the copy: list again until a pass
    # finds nothing new.
    while todo := [key for key in local.list_keys() if key not in done]:
        for key in todo:
            path = local.root / key
            try:
                want = expected_sha256(key) or _file_sha256(path)
                if target.size(key) == path.stat().st_size:
                    report.present.append(key)
                else:
                    with open(path, "rb") as stream:
                        target.write(key, stream, sha256=want)
                    report.copied.append(key)
            except FileNotFoundError:
                done.add(key)  # gone since it was listed (a replaced archive): nothing to move
                continue
            except HashMismatch as exc:
                raise BlobMoveFailed(key, "the local copy does not hash to its id") from exc
            got = target.sha256(key)
            if got != want:
                raise BlobMoveFailed(key, f"the new store holds sha256 {got}, expected {want}")
            echo(f"verified\t{key}")
            done.add(key)
    aside = local.root.with_name(local.root.name + ".moved-to-s3")
    n = 1
    while aside.exists():
        n += 1
        aside = local.root.with_name(f"{local.root.name}.moved-to-s3.{n}")
    local.root.rename(aside)
    report.moved_aside = aside
    return report
