"""Routes the shell needs from the server, and how the built PWA is served.

The built PWA (``pwa/dist``) is served by WhiteNoise. The public signing keys are served
here, per instance, so the service worker can precache them without a rebuild:
``/sw-keys.js`` carries a revision that changes whenever the keys do.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import Blueprint, Flask, Response
from whitenoise import WhiteNoise

from .. import __version__
from ..core.htmlpage import APP_CSP
from ..keys.service import keyring

bp = Blueprint("web", __name__)

SECURITY_HEADERS = {
    # The shell's own policy, beside the staff and plain pages' in core/pages.py (it differs
    # from theirs: the app needs WebAssembly, blob: media, a worker and a manifest).
    "Content-Security-Policy": APP_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
}


def _keys_document() -> str:
    return json.dumps({"keys": keyring().trusted()}, separators=(",", ":"))


@bp.get("/trusted-keys.json")
def trusted_keys():
    response = Response(_keys_document(), mimetype="application/json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/sw-keys.js")
def sw_keys():
    revision = hashlib.sha256(_keys_document().encode("utf-8")).hexdigest()[:20]
    body = f'self.XUEDIAN_KEYS_REVISION = "{revision}";\n'
    response = Response(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/api/v1/health")
def health():
    return {"ok": True, "version": __version__}


def _static_headers(headers, path: str, url: str) -> None:
    for name, value in SECURITY_HEADERS.items():
        headers[name] = value
    if url in ("/", "/index.html", "/sw.js") or url.endswith(".webmanifest"):
        headers["Cache-Control"] = "no-cache"


def _is_hashed_asset(path: str, url: str) -> bool:
    return url.startswith("/assets/")


def serve_pwa(app: Flask, dist: Path) -> None:
    """Serve the built PWA in ``dist`` at ``/`` in front of the Flask app."""

    @app.get("/")
    def index():
        page = dist / "index.html"
        if not page.is_file():
            return Response(
                "The app is not built yet: run `make pwa`.", status=503, mimetype="text/plain"
            )
        response = Response(page.read_bytes(), mimetype="text/html")
        response.headers["Cache-Control"] = "no-cache"
        return response

    @app.after_request
    def add_security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    app.wsgi_app = WhiteNoise(
        app.wsgi_app,
        root=str(dist) if dist.is_dir() else None,
        # `/index.html` must answer 200, not redirect: the service worker precaches it.
        index_file=False,
        max_age=0,
        immutable_file_test=_is_hashed_asset,
        add_headers_function=_static_headers,
        mimetypes={".webmanifest": "application/manifest+json", ".xdpack": "application/zip"},
    )
