"""The server gives the shell its keys, security headers and correct MIME types."""

from __future__ import annotations

import hashlib
import json

import pytest

from xuedian import create_app

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def test_trusted_keys_list_every_key_and_revision_follows_them(app, client):
    before = client.get("/sw-keys.js").data
    keys = client.get("/trusted-keys.json").json["keys"]
    assert [k["key_id"] for k in keys] == [app.extensions["xuedian.keyring"].active().key_id]
    app.extensions["xuedian.keyring"].create()
    after_keys = client.get("/trusted-keys.json")
    assert len(after_keys.json["keys"]) == 2
    after = client.get("/sw-keys.js").data
    assert after != before
    revision = hashlib.sha256(
        json.dumps(after_keys.json, separators=(",", ":")).encode()
    ).hexdigest()[:20]
    assert revision.encode() in after


def test_api_responses_carry_security_headers(client):
    response = client.get("/api/v1/health")
    assert response.json["ok"] is True
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_built_pwa_is_served_with_types_and_caching(backend, tmp_path):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>学点</title>")
    (dist / "manifest.webmanifest").write_text("{}")
    (dist / "sw.js").write_text("//")
    (dist / "assets" / "main-ABC123.js").write_text("//")
    app = create_app({"instance_path": str(tmp_path / "i"), "pwa_dist": str(dist)})
    client = app.test_client()
    index = client.get("/")
    assert index.status_code == 200
    assert "script-src 'self'" in index.headers["Content-Security-Policy"]
    assert index.headers["Cache-Control"] == "no-cache"
    manifest = client.get("/manifest.webmanifest")
    assert manifest.headers["Content-Type"] == "application/manifest+json"
    assert client.get("/sw.js").headers["Cache-Control"] == "no-cache"
    asset = client.get("/assets/main-ABC123.js")
    assert "immutable" in asset.headers["Cache-Control"]
    assert asset.headers["Content-Type"].startswith("text/javascript")
