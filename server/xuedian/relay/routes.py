"""The relay's LAN site: plain HTML forms, no JavaScript, for any phone browser.

``/`` lists the mirrored packs and takes bundle uploads, ``/upload`` answers with a custody
receipt, ``/acks`` hands out a device's county ``.xdack``. Archives are served with Range and
If-Range so a download over weak Wi-Fi resumes. Every answer carries a CSP that allows no
script at all.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, current_app, request, send_file
from werkzeug.exceptions import RequestEntityTooLarge

from .. import __version__
from ..core import ratelimit
from ..core.htmlpage import PLAIN_CSP, render_page
from ..core.http import send_immutable
from ..core.timeutil import local_text
from ..core.words import reasons, size_text
from ..errors import NotFound
from .acks import PREFIX
from .service import Relay

bp = Blueprint(
    "relay",
    __name__,
    template_folder="templates",
)

HEADERS = {
    "Content-Security-Policy": PLAIN_CSP,
    "X-Content-Type-Options": "nosniff",
    # same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" with
    # the kiosk's own form posts, which the origin check must refuse.
    "Referrer-Policy": "same-origin",
}


def relay() -> Relay:
    return current_app.extensions["xuedian.relay"]


@bp.after_app_request
def security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _html(template: str, http_status: int = 200, **context) -> Response:
    context.update(brand="relay_brand", home_url="/", footer="relay_footer")
    return render_page(template, http_status, csp=PLAIN_CSP, bilingual=True, **context)


def _receipt(http_status: int, receipts: list, warning=None) -> Response:
    """The kiosk's custody receipt: what it holds for the county, not the county's word."""
    rows = [
        {
            "name": r.name,
            "ok": r.ok,
            "lines": [
                ("custody_already" if r.already else "custody_ok", _held(r))
                if r.ok
                else ("result_refused", {"reason": reasons(r.code, r.message)})
            ],
        }
        for r in receipts
    ]
    kept = sum(1 for r in rows if r["ok"])
    return _html(
        "page/receipt.html",
        http_status,
        layout="page/plain.html",
        title="custody_title",
        rows=rows,
        summary=("custody_summary_one" if kept == 1 else "custody_summary", {"n": kept}),
        summary_testid="received",
        notes=["custody_note"],
        warning=warning,
        back="back",
        back_url="/",
    )


def _held(receipt) -> dict:
    return {"time": local_text(receipt.received_at), "device": (receipt.device_id or "")[:8]}


@bp.get("/")
def index():
    current = relay()
    return _html(
        "relay/index.html",
        status=current.status(),
        refused=current.outbox.items("refused")[:20],
        recent=current.outbox.recent(),
    )


def _same_origin() -> bool:
    """Whether a form post comes from this kiosk's own page. A page on the village Wi-Fi
    (or anywhere a phone browses) must not post files here in a visitor's name."""
    own = request.host_url.rstrip("/")
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        # Set by the browser, never by a page: it decides when present.
        return site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin == own
    referrer = request.headers.get("Referer")
    # An old browser may send neither header; with no sign of another site, it is ours.
    return referrer is None or referrer == own or referrer.startswith(own + "/")


@bp.before_request
def check_origin():
    if request.method not in ("GET", "HEAD", "OPTIONS") and not _same_origin():
        return _receipt(403, [], ("cross-site", "custody_cross_site", {}))
    return None


@bp.post("/upload")
def upload():
    current = relay()
    request.max_content_length = current.settings.max_upload_bytes
    files = [f for f in request.files.getlist("bundles") if f.filename]
    address = ratelimit.client_address()
    receipts = [current.outbox.receive(f.stream, f.filename, address) for f in files]
    if any(r.ok and not r.already for r in receipts):
        current.wake()
    return _receipt(200 if files else 400, receipts)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    limit = size_text(relay().settings.max_upload_bytes)
    return _receipt(413, [], ("too-large", "too_large_body", {"limit": limit}))


@bp.get("/acks")
def acks():
    prefix = (request.args.get("device") or "").strip().lower()
    valid = PREFIX.match(prefix) is not None
    found = relay().acks.find(prefix) if valid else []
    return _html("relay/acks.html", prefix=prefix, asked=bool(prefix), valid=valid, found=found)


@bp.get("/acks/<device_id>.xdack")
def ack_file(device_id: str):
    current = relay()
    path = current.acks.path(device_id)
    meta = current.acks.meta(device_id)
    if path is None or meta is None:
        raise NotFound()
    response = send_file(
        path,
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=meta["filename"],
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _archive(file: str):
    found = relay().mirror.archive(file)
    if found is None:
        raise NotFound(f"No mirrored archive {file[:100]}.")
    path, entry = found
    # The same name always holds the same bytes (a new version gets a new name).
    return send_immutable(path, etag=entry["manifest_sha256"], download_name=entry["file"])


@bp.get("/packs/<file>")
def archive(file: str):
    return _archive(file)


@bp.get("/api/v1/packs/<pack_id>/<int:version>/archive")
def archive_api(pack_id: str, version: int):
    """The county's own archive path, for a phone app that talks to the kiosk directly."""
    return _archive(f"{pack_id}-v{version}.xdpack")


@bp.get("/api/v1/catalog")
def catalog():
    """The county's signed catalog, byte for byte as mirrored."""
    body = relay().mirror.catalog_bytes()
    if body is None:
        raise NotFound("Nothing mirrored yet.")
    etag = hashlib.sha256(body).hexdigest()[:32]
    if etag in request.if_none_match:
        response = Response(status=304)
    else:
        response = Response(body, mimetype="application/json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/favicon.ico")
def favicon():
    return Response(status=204)


@bp.get("/api/v1/health")
def health():
    return {"ok": True, "version": __version__, "mode": "relay"}
