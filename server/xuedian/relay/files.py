"""Crash-safe files: a file appears whole or not at all, and a JSON state file per relay.

Every write goes to a temporary file in the same folder, is flushed to disk, then renamed
over the target and the folder entry flushed too, so a power cut (a kiosk's usual way of
stopping) leaves the old file or the new one, never half of either.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (a rename in it) to disk."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_path(target: Path) -> Path:
    """Return a temporary name beside ``target``, unique to this process and thread."""
    return target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")


def write_bytes(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically and durably."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(target)
    try:
        with open(tmp, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(target.parent)


def write_json(target: Path, value) -> None:
    """Write ``value`` as UTF-8 JSON to ``target`` atomically and durably."""
    write_bytes(target, json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8"))


def read_json(path: Path, default=None):
    """Return the JSON in ``path``, or ``default`` when it is missing or unreadable."""
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        return default


def move(source: Path, folder: Path) -> Path:
    """Rename ``source`` into ``folder`` (same file system) durably; return the new path."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    source.replace(target)
    fsync_dir(folder)
    fsync_dir(source.parent)
    return target
