"""Deploy defaults: the sample nginx sends HSTS and redirects plain HTTP to HTTPS; the app
believes the proxy's client address and scheme but never a forwarded host; the instance
folder and its SQLite database are private to the server's account."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from flask import request

from xuedian import create_app
from xuedian.extensions import db

ROOT = Path(__file__).resolve().parents[3]
NGINX = (ROOT / "deploy" / "nginx.conf").read_text("utf-8")


def _servers(text: str) -> list[str]:
    """The top-level ``server { ... }`` blocks of an nginx file."""
    blocks, depth, start = [], 0, None
    for match in re.finditer(r"[{}]", text):
        if match.group() == "{":
            if depth == 0:
                start = match.start()
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                blocks.append(text[text.rfind("server", 0, start) : match.end()])
    return blocks


def test_nginx_redirects_http_to_https_and_sends_hsts():
    servers = _servers(NGINX)
    plain = [s for s in servers if re.search(r"listen\s+80;", s)]
    assert plain and all(re.search(r"return 301 https://\$server_name", s) for s in plain)
    [app] = [s for s in servers if "proxy_pass" in s]
    assert re.search(r'add_header Strict-Transport-Security "max-age=\d{8,}" always;', app)
    # nginx drops a server's add_header in a location with its own: each repeats HSTS.
    for location in re.findall(r"location [^{]*\{[^}]*\}", app):
        if "add_header" in location:
            assert "Strict-Transport-Security" in location, location
    assert "X-Forwarded-Host" not in app.replace('X-Forwarded-Host ""', "")


def _proxied_app(tmp_path):
    app = create_app({"instance_path": str(tmp_path / "i"), "proxy_hops": 1})

    @app.get("/__seen")
    def seen():
        return {"host": request.host, "scheme": request.scheme, "addr": request.remote_addr}

    return app


def test_proxy_fix_takes_address_and_scheme_but_never_the_host(tmp_path):
    client = _proxied_app(tmp_path).test_client()
    answer = client.get(
        "/__seen",
        headers={
            "Host": "learn.example-county.cn",
            "X-Forwarded-For": "198.51.100.7",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "evil.example",
        },
    ).get_json()
    assert answer == {
        "host": "learn.example-county.cn",
        "scheme": "https",
        "addr": "198.51.100.7",
    }


def test_instance_folder_and_database_are_private(tmp_path):
    old = os.umask(0o022)
    try:
        app = create_app({"instance_path": str(tmp_path / "fresh")})
        with app.app_context():
            db.session.execute(db.text("CREATE TABLE t (x INTEGER)"))
            db.session.commit()
            db.engine.dispose()
    finally:
        os.umask(old)
    instance = tmp_path / "fresh"
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    for name in ("xuedian.sqlite3", "secret_key"):
        assert stat.S_IMODE((instance / name).stat().st_mode) == 0o600, name
    for extra in instance.glob("xuedian.sqlite3-*"):  # WAL and shared memory, if left
        assert stat.S_IMODE(extra.stat().st_mode) & 0o077 == 0, extra
