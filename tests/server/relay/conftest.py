"""Two real apps: a county (the ``app`` fixture, published welcome pack, served on a free
loopback port) and a relay whose upstream calls go to it over HTTP."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from xuedian import create_relay_app
from xuedian.keys.service import KeyRing
from xuedian.packs.builder import build
from xuedian.packs.service import publish
from xuedian.relay.keys import parse_keys
from xuedian.relay.upstream import Upstream
from xuedian.sync.kiosks import credential_for

from .live import LiveCounty

ROOT = Path(__file__).resolve().parents[3]
#: Most relay tests need one database only; the forwarding test runs on every backend.
FIRST_BACKEND = os.environ.get("XUEDIAN_TEST_BACKENDS", "sqlite,postgresql").split(",")[0]
one_backend = pytest.mark.parametrize("backend", [FIRST_BACKEND])


@dataclass
class Kit:
    keys: Path
    v1: Path
    v2: Path


@pytest.fixture(scope="session")
def county_kit(tmp_path_factory) -> Kit:
    """County signing keys, and the welcome pack built with them as v1 and v2 (once)."""
    folder = tmp_path_factory.mktemp("county-kit")
    ring = KeyRing(folder)
    ring.create()
    source = folder / "src" / "xuedian-welcome"
    shutil.copytree(ROOT / "content_packs" / "xuedian-welcome", source)
    v1 = build(source, folder / "v1", ring).archive
    manifest = source / "pack.yaml"
    manifest.write_text(manifest.read_text("utf-8").replace("version: 1", "version: 2"), "utf-8")
    v2 = build(source, folder / "v2", ring).archive
    return Kit(keys=folder / "keys", v1=v1, v2=v2)


@pytest.fixture
def county(app, county_kit):
    """The county app with the kit's keys and welcome v1 published, live on loopback."""
    keys = Path(app.instance_path) / "keys"
    shutil.rmtree(keys)
    shutil.copytree(county_kit.keys, keys)
    with app.app_context():
        publish(county_kit.v1)
    live = LiveCounty(app).start()
    yield live
    live.stop()


def make_relay(folder: Path, upstream: str | None = None, **settings):
    """Return a relay app in ``folder``; with ``upstream``, its keys pinned from it."""
    app = create_relay_app({"instance_path": str(folder), **settings})
    app.config["TESTING"] = True
    if upstream:
        body = Upstream(upstream).request("GET", "/trusted-keys.json").body
        app.extensions["xuedian.relay"].keys.pin(upstream, parse_keys(body), "test")
    return app


@pytest.fixture
def relay_app(tmp_path, county):
    """A kiosk with the county's keys pinned and its kiosk credential set."""
    with county.app.app_context():
        credential = credential_for("test-kiosk")
    return make_relay(tmp_path / "relay-instance", county.url, relay_credential=credential)


@pytest.fixture
def relay(relay_app):
    return relay_app.extensions["xuedian.relay"]


@pytest.fixture
def relay_client(relay_app):
    return relay_app.test_client()
