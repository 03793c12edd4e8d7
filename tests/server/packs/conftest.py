"""Pack sources for builder and publish tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def pack_source(tmp_path) -> Path:
    """A copy of the welcome pack's source that a test may change."""
    target = tmp_path / "src" / "xuedian-welcome"
    shutil.copytree(ROOT / "content_packs" / "xuedian-welcome", target)
    return target


@pytest.fixture
def keyring(app):
    return app.extensions["xuedian.keyring"]
