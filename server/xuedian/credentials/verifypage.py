"""The public ``/verify`` page: anyone pastes a credential's JSON or its compact ``XD1:``
text, or uploads the file, and is told plainly whether it is genuine, revoked, from an
unknown issuer, or changed (tampered). No sign-in, no script (PLAIN_CSP), Chinese with
English under it. Counted per address by ``XUEDIAN_RATE_LIMIT_VERIFY`` together with
``POST /credentials/verify``; past it the answer is the ``rate-limited`` envelope (429).

HTTP only: the judging is :func:`.assess.assess`. Owns no data.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request, url_for

from ..core import ratelimit
from ..core.htmlpage import PLAIN_CSP, render_page
from .assess import assess, read_credential
from .errors import CompactInvalid, CredentialMalformed

bp = Blueprint("verifypage", __name__, template_folder="templates")
#: The largest credential text or file the page reads.
MAX_TEXT = 256 * 1024


def limit_verify() -> None:
    """Count one public verification of this address (raises RateLimited past the limit)."""
    settings = current_app.config["XUEDIAN"]
    ratelimit.hit("verify", ratelimit.client_address(), settings.rate_limit_verify)


def _page(status: int = 200, **context):
    context.setdefault("text", "")
    context.update(brand="vf.brand", home_url=url_for("verifypage.form"))
    return render_page("credentials/verify.html", status, csp=PLAIN_CSP, bilingual=True, **context)


def shown(credential: dict) -> dict:
    """What the page shows of a credential: its name, issuer name, credit hours, date."""
    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    achievement = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}
    issuer = credential.get("issuer")
    hours = subject.get("creditsEarned", achievement.get("creditsAvailable"))
    return {
        "name": str(credential.get("name") or achievement.get("name") or "")[:200],
        "issuer_name": str(issuer.get("name", ""))[:200] if isinstance(issuer, dict) else "",
        "hours": hours if isinstance(hours, int | float) else None,
        "valid_from": str(credential.get("validFrom", ""))[:10],
    }


@bp.get("/verify")
def form():
    return _page()


@bp.post("/verify")
def check():
    limit_verify()
    request.max_content_length = MAX_TEXT * 2
    upload = request.files.get("file")
    text = upload.read(MAX_TEXT + 1) if upload and upload.filename else b""
    text = text.decode("utf-8", "replace") if text else request.form.get("credential", "")
    if not text.strip():
        return _page(400, problem="vf.empty")
    if len(text) > MAX_TEXT:
        return _page(413, problem="vf.too_large")
    try:
        credential = read_credential(text)
    except (CompactInvalid, CredentialMalformed):
        return _page(400, problem="vf.unreadable", text=text[:4000])
    return _page(verdict=assess(credential), shown=shown(credential))
