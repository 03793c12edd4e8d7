"""Staff sessions, password hashing, CSRF and role checks for server-rendered staff pages.

Owns the session keys ``staff_id`` and ``csrf``. Passwords are hashed with scrypt
(werkzeug's default, a memory-hard KDF). Every form POST under a staff blueprint must carry
the session's CSRF token (form field ``csrf_token`` or header ``X-CSRF-Token``).
"""

from __future__ import annotations

import functools
import hmac
import secrets
from urllib.parse import urlsplit

from flask import abort, g, redirect, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.timeutil import utcnow
from ..errors import XuedianError
from ..extensions import db
from .models import ROLES, Staff


@functools.cache
def _dummy_hash() -> str:
    """A hash to compare against when the account does not exist, so both take as long.
    Made on first use: scrypt takes 32 MB and 0.1 s, which an idle server should not pay."""
    return generate_password_hash("not-a-real-password")


class CsrfInvalid(XuedianError):
    code = "csrf-invalid"
    status = 400
    message = "The form has expired or did not come from this site; reload it and try again."


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def verify_password(staff: Staff | None, password: str) -> bool:
    """Whether ``password`` is the active account's; takes as long when there is none."""
    if staff is None or not staff.active:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(staff.password_hash, password)


def login(staff: Staff) -> None:
    """Start a fresh session for ``staff`` (a new session id defeats session fixation)."""
    session.clear()
    session["staff_id"] = staff.id
    session["csrf"] = secrets.token_urlsafe(32)
    session.permanent = True
    staff.last_login_at = utcnow()
    db.session.commit()


def logout() -> None:
    session.clear()


def current_staff() -> Staff | None:
    """The signed-in, active staff member, or None."""
    if "staff" not in g:
        staff_id = session.get("staff_id")
        staff = db.session.get(Staff, staff_id) if isinstance(staff_id, int) else None
        g.staff = staff if staff is not None and staff.active else None
    return g.staff


def csrf_token() -> str:
    """The session's CSRF token (made on first use); templates put it in every form."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf() -> None:
    """Refuse a state-changing request without the session's token. Use as before_request."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("csrf") or ""
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfInvalid()


def safe_next(target: str | None, default: str) -> str:
    """A same-site path to go to after login; anything else becomes ``default``."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def staff_required(*roles: str):
    """Decorate a view: sign-in needed (redirect to the login page), and one of ``roles``
    (403 otherwise). No roles means any staff member."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            staff = current_staff()
            if staff is None:
                return redirect(url_for("staff.login", next=request.full_path.rstrip("?")))
            if roles and staff.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate
