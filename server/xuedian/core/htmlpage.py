"""The one way a server page is rendered: :func:`render_page` puts the page's language and
words into the template, and answers with the page's Content-Security-Policy and
``Cache-Control: no-store``. The parent layout of the staff pages (``page/layout.html``),
the error page and the one upload-receipt page (``page/receipt.html``) live beside it in
``core/templates``. Owns the three CSP policies and no data.

Features decide what a page shows; this module imports none of them. The staff context
(the signed-in account, the nav, the CSRF token) comes from org's context processor.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, render_template
from jinja2 import pass_context
from markupsafe import Markup, escape

from . import words

#: Every staff page (/staff, reports, jobs, instructions, audit). Scripts only from the
#: server (the upload progress), images from the server or ``data:`` (charts, QR codes),
#: fetch only back to the server.
STAFF_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
#: The pages that must work without JavaScript on any phone browser (the kiosk's LAN pages
#: and the county's volunteer upload page): no script at all, so nothing on the village
#: Wi-Fi can run in them.
PLAIN_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
#: The PWA shell. It differs from the staff pages because the app needs what they do not:
#: WebAssembly (the Ed25519 fallback), blob: media and images from downloaded packs, a
#: service worker and a web manifest.
APP_CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; "
    "worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)

bp = Blueprint("htmlpage", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Make the shared templates, ``say`` and the ``size`` filter known to ``app``."""
    app.register_blueprint(bp)
    app.add_template_filter(words.size_text, "size")
    app.add_template_global(say)
    app.add_template_global(words.translate, "tr")
    app.add_template_global(words.reasons, "reasons")


@pass_context
def say(context, key, **values) -> Markup:
    """``key`` (or a list of ``(key, values)`` pairs, said as one text) in the page's
    language; on a page that shows both (``bilingual``), Chinese with English under it."""
    lines = key if isinstance(key, list | tuple) else [(key, values)]
    langs = words.LANGS if context.get("bilingual") else (context.get("lang"),)
    shown = [escape(words.sentence(lines, lang)) for lang in langs]
    english = [Markup('<span class="en" lang="en">{}</span>').format(s) for s in shown[1:]]
    return Markup("").join([shown[0], *english])


def render_page(
    template: str, http_status: int = 200, csp: str = STAFF_CSP, bilingual: bool = False, **context
) -> Response:
    """Render ``template`` in the request's language (``t``, ``lang``) with ``csp`` and
    ``no-store``. ``bilingual`` pages show Chinese with English under it (``say``)."""
    lang = words.current_lang()

    def t(key: str, **values) -> str:
        return words.translate(key, lang, **values)

    body = render_template(template, t=t, lang=lang, bilingual=bilingual, **context)
    response = Response(body, status=http_status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = csp
    response.headers["Cache-Control"] = "no-store"
    return response
