"""Where the shared folder is: ``../shared`` beside the repository (CI's clone, a developer's
checkout). A git worktree one level deeper finds the same folder beside a parent. The
suites and samples there are read in place, never copied into the repository."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def shared(*parts: str) -> Path:
    """Return ``shared/<parts>`` from the nearest parent folder of the repository that has
    it, else the path beside the repository (a test then fails naming it)."""
    for folder in ROOT.parents:
        candidate = folder.joinpath("shared", *parts)
        if candidate.exists():
            return candidate
    return ROOT.parent.joinpath("shared", *parts)


@contextmanager
def held(folder: Path) -> Iterator[None]:
    """Hold ``folder`` (a cache of a suite's npm dependencies) for this process alone.

    Two clones running ``make test`` on one machine share the caches under the temporary
    folder; the second waits for the first instead of installing over it or overwriting
    the files a suite reads and writes at fixed paths there."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
