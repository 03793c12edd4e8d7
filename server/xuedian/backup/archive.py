"""The backup file: a plain tar whose first member, ``manifest.json``, names the schema
revision and every other member with its size and sha256.

Not compressed: blobs are WebP, Opus and gzip already, and a PostgreSQL dump compresses
itself. Reading trusts nothing: only regular files named in the manifest, each once, under
a relative path, with the size and hash it lists; anything else refuses the whole file.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import XuedianError

FORMAT = "xuedian-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_MAX_BYTES = 64 * 1024 * 1024
_NAME = re.compile(r"^(?:[A-Za-z0-9_][A-Za-z0-9._-]*/)*[A-Za-z0-9_][A-Za-z0-9._-]*$")
_CHUNK = 1 << 20


class BackupInvalid(XuedianError):
    code = "backup-invalid"
    status = 400
    message = "This file is not a Xuedian backup this version can read."


class BackupTampered(XuedianError):
    code = "backup-tampered"
    status = 400
    message = "The backup does not match its manifest (a changed, missing or extra file)."


@dataclass
class Member:
    """One file to put in a backup: its name inside the archive and where it is now."""

    name: str
    source: Path
    size: int = 0
    sha256: str = ""

    def measure(self) -> Member:
        digest = hashlib.sha256()
        size = 0
        with open(self.source, "rb") as f:
            while data := f.read(_CHUNK):
                digest.update(data)
                size += len(data)
        self.size, self.sha256 = size, digest.hexdigest()
        return self


def _info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(time.time())
    return info


def write(out: Path, manifest: dict, members: list[Member]) -> None:
    """Write the backup to ``out`` (through a temporary file beside it, so ``out`` is
    either the old file or the whole new one). ``members`` must be measured."""
    manifest = {
        **manifest,
        "members": [{"name": m.name, "size": m.size, "sha256": m.sha256} for m in members],
    }
    body = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)  # keys are inside
        with (
            os.fdopen(fd, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar,
        ):
            tar.addfile(_info(MANIFEST, len(body)), io.BytesIO(body))
            for member in members:
                with open(member.source, "rb") as f:
                    tar.addfile(_info(member.name, member.size), f)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)


def _manifest(tar: tarfile.TarFile) -> dict:
    first = tar.next()
    if first is None or first.name != MANIFEST or not first.isreg():
        raise BackupInvalid("The file does not start with a backup manifest.")
    if first.size > MANIFEST_MAX_BYTES:
        raise BackupInvalid("The backup manifest is too large.")
    try:
        manifest = json.loads(tar.extractfile(first).read())
    except (ValueError, UnicodeDecodeError):
        raise BackupInvalid("The backup manifest is not JSON.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupInvalid("The file is not a Xuedian backup.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupInvalid(
            f"Backup format {manifest.get('format_version')!r} is not one this version reads.",
            format_version=manifest.get("format_version"),
        )
    members = manifest.get("members")
    if not isinstance(members, list) or not all(
        isinstance(m, dict)
        and isinstance(m.get("name"), str)
        and _NAME.match(m["name"])
        and m["name"] != MANIFEST
        and isinstance(m.get("size"), int)
        and isinstance(m.get("sha256"), str)
        for m in members
    ):
        raise BackupInvalid("The backup manifest's member list is malformed.")
    return manifest


def extract(path: Path, into: Path) -> dict:
    """Check the backup at ``path`` and extract its members into the folder ``into``.

    Returns the manifest. Raises :class:`BackupInvalid` (not a backup, an unsafe entry) or
    :class:`BackupTampered` (a member whose size or sha256 differs, missing or extra).
    """
    try:
        tar = tarfile.open(path, mode="r:")  # noqa: SIM115 - closed by the with below
    except (tarfile.TarError, OSError) as exc:
        raise BackupInvalid(f"The file is not a tar archive: {exc}.") from None
    with tar:
        try:
            manifest = _manifest(tar)
            expected = {m["name"]: m for m in manifest["members"]}
            seen: set[str] = set()
            while (entry := tar.next()) is not None:
                _take(tar, entry, expected, seen, into)
        except tarfile.TarError as exc:
            raise BackupTampered(f"The archive is damaged: {exc}.") from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupTampered(
            f"The backup lacks {', '.join(missing[:5])}, which its manifest lists.",
            missing=missing[:20],
        )
    return manifest


def _take(tar, entry, expected: dict, seen: set, into: Path) -> None:
    if entry.name not in expected or entry.name in seen or not entry.isreg():
        raise BackupTampered(
            f"The backup holds {entry.name}, which its manifest does not list (or twice).",
            member=entry.name,
        )
    want = expected[entry.name]
    if entry.size != want["size"]:
        raise BackupTampered(f"The backup's {entry.name} has changed size.", member=entry.name)
    seen.add(entry.name)
    target = into / entry.name
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    digest = hashlib.sha256()
    source = tar.extractfile(entry)
    fd = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        while data := source.read(_CHUNK):
            digest.update(data)
            out.write(data)
    if digest.hexdigest() != want["sha256"]:
        raise BackupTampered(
            f"The backup's {entry.name} does not match its sha256.", member=entry.name
        )
