"""Route plaques: one printable A5 page per site of a published route pack, with the site's
name in large type and the QR code of its address (``<public url>/?site=<pack>/<site>``,
which the app opens as the site's lesson). Owns no data: the sites come from the current
release's signed manifest (``route``, docs/protocol.md).
"""

from __future__ import annotations

from urllib.parse import quote

from flask import abort

from ..core.htmlpage import render_page
from ..core.qr import qr_svg
from ..core.words import translate
from ..packs.service import current_releases, release_route
from . import auth
from .enrolment import public_base
from .routes import bp


def site_url(base: str, pack_id: str, site_id: str) -> str:
    """The address a site's plaque carries."""
    return f"{base}/?site={quote(pack_id)}/{quote(site_id)}"


@bp.get("/plaques/<pack_id>")
@auth.staff_required()
def plaques(pack_id: str):
    """Every site plaque of a route pack, one A5 page each, ready to print."""
    release = next((r for r in current_releases() if r.pack_id == pack_id), None)
    if release is None:
        abort(404)
    route = release_route(release)
    base, guessed = public_base()
    sites = []
    for number, site in enumerate((route or {}).get("sites", []), start=1):
        url = site_url(base, pack_id, site["id"])
        label = translate("plaque_label", "zh-CN", site=site["title"]["zh-CN"])
        sites.append({"number": number, **site, "url": url, "qr": qr_svg(url, label)})
    return render_page(
        "staff/plaques.html",
        release=release,
        sites=sites,
        guessed=guessed,
        base=base,
        zh=lambda key, **values: translate(key, "zh-CN", **values),
    )
