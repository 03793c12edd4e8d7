"""Who may issue: a county administrator's staff session, or a bearer token made by
``xuedian credentials token add NAME`` for machine clients.

Owns ``credential_token``: only the sha256 of each token is stored; revoking a token ends
its access at once. A session request must carry the session's CSRF token in
``X-CSRF-Token``, as every state-changing staff request does; a bearer token needs none.
"""

from __future__ import annotations

import hmac
import secrets

from sqlalchemy import select

from ..core import namedsecrets
from ..errors import Unauthorized
from ..extensions import db
from ..org.auth import check_csrf, current_staff
from .errors import IssuerForbidden
from .models import IssueToken

PREFIX = "xdc_"


def add_token(name: str) -> tuple[IssueToken, str]:
    """Create token ``name``; return it and its text (shown once, never stored)."""
    text = PREFIX + secrets.token_urlsafe(32)
    return namedsecrets.add(IssueToken, name, "token", token_sha256=namedsecrets.digest(text)), text


def tokens() -> list[IssueToken]:
    """Every token, by name."""
    return namedsecrets.listed(IssueToken)


def revoke_token(name: str) -> IssueToken:
    """End token ``name``'s access; raises ``LookupError`` for an unknown name."""
    return namedsecrets.revoke(IssueToken, name)


def authorize_issue(header: str | None) -> str:
    """Return who issues (``token:NAME`` or ``staff:USERNAME``) or raise.

    Raises :class:`~xuedian.errors.Unauthorized` (401) with no or a wrong credential,
    :class:`IssuerForbidden` (403) for a signed-in staff member who is not an
    administrator, and ``csrf-invalid`` for a session request without its CSRF token.
    """
    if header and header.lower().startswith("bearer "):
        sent = namedsecrets.digest(header[7:].strip())
        token = db.session.scalar(select(IssueToken).where(IssueToken.token_sha256 == sent))
        if (
            token is None
            or token.revoked_at is not None
            or not hmac.compare_digest(token.token_sha256, sent)
        ):
            raise Unauthorized("The bearer token is unknown or revoked.")
        return f"token:{token.name}"
    staff = current_staff()
    if staff is None:
        raise Unauthorized("Send a bearer token or sign in as a county administrator.")
    if staff.role != "admin":
        raise IssuerForbidden()
    check_csrf()
    return f"staff:{staff.username}"
