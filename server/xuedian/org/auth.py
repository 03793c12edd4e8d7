"""Staff sessions, password hashing, CSRF and role checks for server-rendered staff pages.

Owns the session keys ``staff_id``, ``sv``, ``since`` and ``csrf``. A session is valid while
its ``sv`` equals the account's ``session_version`` (bumped by sign-out, a password change
or reset and deactivation, so a copied cookie dies with them) and for at most
``XUEDIAN_SESSION_MAX_AGE`` seconds from sign-in (``since``), however busy it is.
Passwords are hashed with scrypt (werkzeug's default, a memory-hard KDF); one longer than
:data:`MAX_PASSWORD` is never hashed. Every form POST under a staff blueprint must carry
the session's CSRF token (form field ``csrf_token`` or header ``X-CSRF-Token``).
"""

from __future__ import annotations

import functools
import hmac
import secrets
import time
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.timeutil import utcnow
from ..errors import XuedianError
from ..extensions import db
from .models import ROLES, Staff

#: Seconds since the epoch; sessions' ages are measured with it (tests move it).
_clock = time.time

#: Longest password hashed: scrypt's cost grows with the input, and nobody types more.
MAX_PASSWORD = 256


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
    """Whether ``password`` is the active account's; takes as long when there is none.
    A password longer than :data:`MAX_PASSWORD` is wrong without being hashed."""
    if len(password) > MAX_PASSWORD:
        return False
    if staff is None or not staff.active:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(staff.password_hash, password)


def session_fields(staff: Staff, since: int | None = None) -> dict:
    """The session keys that sign ``staff`` in (from ``since``, epoch seconds; default now)."""
    return {
        "staff_id": staff.id,
        "sv": staff.session_version or 0,
        "since": int(_clock()) if since is None else since,
    }


def login(staff: Staff) -> None:
    """Start a fresh session for ``staff`` (a new session id defeats session fixation)."""
    session.clear()
    session.update(session_fields(staff))
    session["csrf"] = secrets.token_urlsafe(32)
    session.permanent = True
    staff.last_login_at = utcnow()
    db.session.commit()
    g.pop("staff", None)


def end_sessions(staff: Staff) -> None:
    """End every session of ``staff`` (a copied cookie included); the caller commits."""
    staff.session_version = (staff.session_version or 0) + 1


def logout() -> None:
    """Sign out here and everywhere this account is signed in."""
    staff = current_staff()
    if staff is not None:
        end_sessions(staff)
        db.session.commit()
    session.clear()
    g.pop("staff", None)


def _session_valid(staff: Staff | None) -> bool:
    if staff is None or not staff.active:
        return False
    since = session.get("since")
    max_age = current_app.config["XUEDIAN"].session_max_age
    if not isinstance(since, int) or not 0 <= _clock() - since < max_age:
        return False
    return session.get("sv") == (staff.session_version or 0)


def current_staff() -> Staff | None:
    """The signed-in, active staff member whose session is still valid, or None."""
    if "staff" not in g:
        staff_id = session.get("staff_id")
        staff = db.session.get(Staff, staff_id) if isinstance(staff_id, int) else None
        g.staff = staff if _session_valid(staff) else None
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


#: The attribute :func:`upload_page` sets on a view; routes.cap_body reads it.
UPLOAD_MARK = "xuedian_upload_page"


def upload_page(view, limit: str = "max_upload_bytes"):
    """Mark a staff view that takes file uploads: its body may reach the setting ``limit``
    (default ``max_upload_bytes``; every other /staff page is capped at
    ``staff_form_bytes``)."""
    setattr(view, UPLOAD_MARK, limit)
    return view


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
