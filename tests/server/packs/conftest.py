"""Pack sources for builder and publish tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from xuedian.keys.service import KeyRing

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


@pytest.fixture
def offline_keyring(tmp_path):
    """A key ring of its own, for tests that build without a database."""
    ring = KeyRing(tmp_path / "instance")
    ring.create()
    return ring


@pytest.fixture
def build_cache(tmp_path_factory, monkeypatch):
    """One build cache for the tests that do not test the cache, so each transcodes once."""
    monkeypatch.setenv("XUEDIAN_BUILD_CACHE", str(tmp_path_factory.getbasetemp() / "build-cache"))
