"""The staff blueprint (``/staff``): sign-in and sign-out, the page language, CSRF on every
form, the staff pages' security headers and their friendly error pages.

Sign-in counts failed attempts only: per account name from one address, per address and
per account name (``XUEDIAN_RATE_LIMIT_LOGIN*``); every sign-in, failure and sign-out goes
to the audit log. Every /staff body is capped (``cap_body``). The volunteer pages live in
``pages.py``, the administrators' organisation and staff pages in ``orgpages.py`` and
``peoplepages.py``, on the same blueprint.
"""

from __future__ import annotations

import contextlib
import math

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    redirect,
    request,
    session,
    url_for,
)
from marshmallow import fields, post_load

from ..core import ratelimit
from ..core.forms import FormSchema, load_form
from ..core.htmlpage import STAFF_CSP, render_page
from ..core.words import DEFAULT, LANGS, current_lang, size_text, translate
from . import auth

bp = Blueprint(
    "staff",
    __name__,
    url_prefix="/staff",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

#: Nav entries: (endpoint, text key, roles that see it). Shown only when the endpoint exists.
NAV = (
    ("reports.dashboard", "nav_dashboard", ("admin",)),
    ("province.dashboard", "nav_province", ("admin",)),
    ("reports.register", "nav_register", ("admin",)),
    ("jobs.runs", "nav_jobs", ("admin",)),
    ("instructions.page", "nav_instructions", ("admin",)),
    ("points.page", "nav_services", ("admin",)),
    ("staff.points", "nav_points", ("admin",)),
    ("staff.org", "nav_org", ("admin",)),
    ("staff.people", "nav_people", ("admin",)),
    ("credits.page", "nav_credits", ("admin", "volunteer")),
    ("credit_account_pages.search", "nav_accounts", ("admin", "volunteer")),
    ("events.page", "nav_events", ("admin", "volunteer")),
    ("audit.page", "nav_audit", ("admin",)),
    ("lrs_pages.page", "nav_lrs", ("admin",)),
    ("studio.home", "nav_studio", ("admin", "author")),
    ("staff.my_point", "nav_my_point", ("volunteer",)),
)


def init_app(app: Flask) -> None:
    """Register the blueprint, the session cookie settings and the HTML error pages."""
    settings = app.config["XUEDIAN"]
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.public_url.startswith("https://"),
        SESSION_COOKIE_NAME="xuedian_session",
        PERMANENT_SESSION_LIFETIME=settings.session_max_age,
        # The cookie is not re-sent (and so not extended) on every request; auth.py ends a
        # session session_max_age after sign-in in any case.
        SESSION_REFRESH_EACH_REQUEST=False,
    )
    app.extensions.setdefault("xuedian.html_errors", {})["/staff"] = error_page
    app.before_request(cap_body)
    from . import orgpages, pages, peoplepages, plaques  # noqa: F401  (their views join this blueprint)

    app.register_blueprint(bp)


def cap_body() -> None:
    """Cap the body of every page under /staff, whatever its blueprint, before CSRF reads
    the form: a few KB, or the upload limit on a view marked :func:`auth.upload_page`."""
    if not request.path.startswith("/staff"):
        return
    settings = current_app.config["XUEDIAN"]
    view = current_app.view_functions.get(request.endpoint or "")
    limit = getattr(view, auth.UPLOAD_MARK, "staff_form_bytes")
    request.max_content_length = getattr(settings, limit)


@bp.before_request
def remember_lang() -> None:
    if request.args.get("lang") in LANGS:
        session["lang"] = request.args["lang"]


bp.before_request(auth.check_csrf)


@bp.after_request
def headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", STAFF_CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_context_processor
def staff_context() -> dict:
    """``staff``, ``csrf_token``, the nav and ``lang_url`` for every staff template (the
    page layout, core/templates/page/layout.html); ``t`` and ``lang`` come from
    ``render_page``."""
    if not request or not request.path.startswith("/staff"):
        return {}
    lang = current_lang()
    staff = auth.current_staff()
    nav = []
    if staff is not None:
        for endpoint, key, roles in NAV:
            if staff.role in roles and endpoint in current_app.view_functions:
                nav.append((url_for(endpoint), translate(key, lang)))
    return {
        "staff": staff,
        "nav": nav,
        "csrf_token": auth.csrf_token,
        "lang_url": _lang_url,
    }


def _lang_url(code: str) -> str:
    """This page in another language; after a POST (or an error), the start page."""
    if request.method != "GET" or request.endpoint is None or request.routing_exception:
        start = "staff.home" if auth.current_staff() else "staff.login"
        return url_for(start, lang=code)
    args = request.args.to_dict()
    args["lang"] = code
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def error_page(error, status: int) -> Response:
    """A friendly page in the reader's language for an error on a staff page."""
    code = getattr(error, "code", None)
    if code == "csrf-invalid":
        body = translate("csrf_body")
    elif status == 403:
        body = translate("forbidden_body")
    elif status == 404:
        body = translate("not_found_body")
    elif status == 413:
        body = translate("too_large_body", limit=_limit())
    else:
        message = getattr(error, "message", None) or getattr(error, "description", "")
        body = translate("generic_error_body", message=message)
    response = render_page("page/error.html", status, body=body)
    if getattr(error, "retry_after", None):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _limit() -> str:
    return size_text(request.max_content_length or current_app.config["XUEDIAN"].max_upload_bytes)


def home_url(staff) -> str:
    if staff.role == "volunteer":
        return url_for("staff.my_point")
    if staff.role == "author":
        return url_for("studio.home")
    if "reports.dashboard" in current_app.view_functions:
        return url_for("reports.dashboard")
    return url_for("staff.points")


@bp.get("/")
@auth.staff_required()
def home():
    return redirect(home_url(auth.current_staff()))


def _login_form(status: int = 200, **context) -> Response:
    context.setdefault("next", request.values.get("next", ""))
    context.setdefault("username", "")
    return render_page("staff/login.html", status, **context)


class LoginForm(FormSchema):
    username = fields.String(load_default="")
    password = fields.String(load_default="")
    next = fields.String(load_default=None)

    @post_load
    def _account_name(self, data, **_kwargs) -> dict:
        # Account names are lower case; a longer one is cut, never looked up whole.
        data["username"] = data["username"].strip().lower()[:64]
        return data


#: (rate-limit scope, setting name) of the failed sign-in counts; key() gives each key.
LOGIN_LIMITS = (
    ("login-pair", "rate_limit_login"),
    ("login-address", "rate_limit_login_address"),
    ("login-account", "rate_limit_login_account"),
)


def _login_keys(username: str, address: str) -> dict[str, str]:
    return {
        "login-pair": f"{username}|{address}",
        "login-address": address,
        "login-account": username,
    }


def password_wait(username: str) -> int:
    """Seconds the current address must wait before a password of ``username`` is checked
    (0: now). Sign-in and the own-password page share the counts."""
    settings = current_app.config["XUEDIAN"]
    keys = _login_keys(username, ratelimit.client_address())
    return max(
        ratelimit.blocked(scope, keys[scope], getattr(settings, name))
        for scope, name in LOGIN_LIMITS
    )


def password_failed(username: str) -> None:
    """Count a wrong password for ``username`` from the current address."""
    settings = current_app.config["XUEDIAN"]
    keys = _login_keys(username, ratelimit.client_address())
    for scope, name in LOGIN_LIMITS:
        with contextlib.suppress(ratelimit.RateLimited):
            ratelimit.hit(scope, keys[scope], getattr(settings, name))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in. Failed attempts are counted per account name from one address (a low
    limit: that address waits, with Retry-After, for that account only), per address and
    per account name from everywhere (both far higher), so guessing from one place slows
    down without locking a colleague out. Checked before any password is hashed."""
    staff = auth.current_staff()
    if request.method == "GET":
        if staff is not None:
            return redirect(auth.safe_next(request.args.get("next"), home_url(staff)))
        return _login_form()
    from ..audit.service import record
    from .service import USERNAME_RE, staff_by_username

    form, _ = load_form(LoginForm(), request.form)  # every field has a default
    username, password = form["username"], form["password"]
    address = ratelimit.client_address()
    wait = password_wait(username)
    if wait:
        current_app.logger.warning(
            "staff sign-in for %r from %s refused for %d s (too many failures)",
            username,
            address,
            wait,
        )
        response = _login_form(
            429, username=username, error=translate("login_locked", minutes=math.ceil(wait / 60))
        )
        response.headers["Retry-After"] = str(wait)
        return response
    # A name no account can have (a NUL, which PostgreSQL refuses) is never looked up.
    candidate = staff_by_username(username) if USERNAME_RE.match(username) else None
    if not auth.verify_password(candidate, password):
        password_failed(username)
        current_app.logger.warning("failed staff sign-in for %r from %s", username, address)
        record("sign-in-failed", username, area=candidate if candidate is not None else "")
        return _login_form(401, username=username, error=translate("login_failed"))
    lang = session.get("lang", DEFAULT)
    auth.login(candidate)
    session["lang"] = lang
    record("sign-in", candidate.username, actor=candidate)
    return redirect(auth.safe_next(form["next"], home_url(candidate)))


@bp.post("/logout")
def logout():
    from ..audit.service import record

    lang = session.get("lang", DEFAULT)
    staff = auth.current_staff()
    if staff is not None:
        record("sign-out", staff.username, commit=False)
    auth.logout()
    session["lang"] = lang
    return redirect(url_for("staff.login", signed_out=1))
