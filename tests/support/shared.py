"""Where the shared folder is: ``../shared`` beside the repository (CI's clone, a developer's
checkout). A git worktree one level deeper finds the same folder beside a parent. The
suites and samples there are read in place, never copied into the repository."""

from __future__ import annotations

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
