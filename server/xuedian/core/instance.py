"""The instance folder: made private (0700) with its SQLite database (0600) before anything
writes there. What lives in it belongs to the features that keep it (the key ring: keys;
the blob store: packs), which their ``init_app`` sets up.

SQLite gives its ``-wal`` and ``-shm`` files the database file's mode, so a database made
here keeps learners' records from other accounts on the machine.
"""

from __future__ import annotations

import os
from pathlib import Path


def prepare(instance: Path, sqlite_file: Path | None = None) -> None:
    """Make ``instance`` (mode 0700 when made here) and, if given and missing, an empty
    ``sqlite_file`` readable by the owner only."""
    if not instance.exists():
        instance.mkdir(parents=True, mode=0o700)
        instance.chmod(0o700)  # mkdir's mode is cut by the umask; this is not
    if sqlite_file is not None and not sqlite_file.exists():
        sqlite_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(sqlite_file, os.O_CREAT | os.O_WRONLY, 0o600))
        sqlite_file.chmod(0o600)
