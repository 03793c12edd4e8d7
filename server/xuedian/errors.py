"""The one JSON error envelope, and the registry of stable error codes.

Services raise :class:`XuedianError` subclasses; ``register_error_handlers`` turns them,
and every HTTP error under ``/api/``, into
``{"ok": false, "code": ..., "message": ..., "details": {...}}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

if TYPE_CHECKING:
    from sqlalchemy.exc import OperationalError

#: Every stable error code the server can send, with its English message.
CODES: dict[str, str] = {}


class XuedianError(Exception):
    """Base of every error a client can see. Subclasses set ``code`` and ``status``."""

    code = "internal-error"
    status = 500
    message = "Something went wrong on the server."

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        CODES.setdefault(cls.code, cls.message)

    def __init__(self, message: str | None = None, **details):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.details = details

    def envelope(self) -> dict:
        """Return the JSON error envelope for this error."""
        return {"ok": False, "code": self.code, "message": self.message, "details": self.details}


CODES[XuedianError.code] = XuedianError.message


def register_code(code: str, message: str) -> str:
    """Register a code that travels inside a payload (a receipt) rather than an envelope."""
    CODES.setdefault(code, message)
    return code


class BadRequest(XuedianError):
    code = "bad-request"
    status = 400
    message = "The request could not be understood."


class BodyNotJson(BadRequest):
    code = "body-not-json"
    message = "The request body is not valid JSON."


class BodyEncodingUnsupported(BadRequest):
    code = "body-encoding-unsupported"
    status = 415
    message = "The request body uses an unsupported Content-Encoding."


class BodyTooLarge(XuedianError):
    code = "body-too-large"
    status = 413
    message = "The request body is larger than the server accepts."


class ValidationFailed(BadRequest):
    code = "validation-failed"
    status = 422
    message = "The request does not match the expected format."


class TextNotStorable(ValidationFailed):
    code = "text-not-storable"
    message = "Text holds a character the county cannot store (NUL or a lone surrogate)."


class TimeOutOfRange(ValidationFailed):
    code = "time-out-of-range"
    message = "A time is outside the range the county accepts (2000-01-01 to 2100-01-01 UTC)."


class QuotaExceeded(XuedianError):
    """Storing what was sent would pass a storage quota (docs/settings.md, quarantine)."""

    code = "quota-exceeded"
    status = 429
    message = "This device or address has too many refused records stored; nothing was stored."
    retry_after = 3600


class NotFound(XuedianError):
    code = "not-found"
    status = 404
    message = "Nothing was found at this address."


class MethodNotAllowed(XuedianError):
    code = "method-not-allowed"
    status = 405
    message = "This address does not accept that method."


class Unauthorized(XuedianError):
    code = "unauthorized"
    status = 401
    message = "Credentials are missing."


class DatabaseBusy(XuedianError):
    """The database stayed locked past its wait (SQLite's busy timeout, a PostgreSQL lock or
    serialization failure). Nothing of the request was stored; the same request may be sent
    again after ``Retry-After`` seconds."""

    code = "database-busy"
    status = 503
    message = "The database is busy; nothing was stored, please send again shortly."
    retry_after = 5


#: SQLite's words for a lock it could not get in time.
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
#: PostgreSQL lock_not_available, serialization_failure, deadlock_detected.
_PG_BUSY = {"55P03", "40001", "40P01"}


def is_busy(error: OperationalError) -> bool:
    """Whether a database error means "locked or busy, try again" rather than a fault."""
    if getattr(error.orig, "sqlstate", None) in _PG_BUSY:
        return True
    return any(words in str(error.orig).lower() for words in _SQLITE_BUSY)


_HTTP_CODES = {404: NotFound, 405: MethodNotAllowed, 413: BodyTooLarge}


def _wants_envelope() -> bool:
    return request.path.startswith(("/api/", "/blobs/", "/xapi/", "/credentials/"))


def _html_renderer():
    """The page renderer registered for this path's prefix (staff pages), if any.

    ``app.extensions["xuedian.html_errors"]`` maps a path prefix to ``fn(error, status)``
    returning a response; API paths always get the envelope.
    """
    if _wants_envelope():
        return None
    for prefix, render in current_app.extensions.get("xuedian.html_errors", {}).items():
        if request.path.startswith(prefix):
            return render
    return None


def register_error_handlers(app: Flask, database: bool = True) -> None:
    """Send every API error as the JSON envelope (HTML pages may register their own).

    ``database=False`` (a kiosk relay, which has none) leaves out the handler of database
    errors, and with it SQLAlchemy, about 15 MB the relay would hold for nothing.
    """

    @app.errorhandler(XuedianError)
    def handle_xuedian_error(error: XuedianError):
        render = _html_renderer()
        if render is not None:
            return render(error, error.status)
        response = jsonify(error.envelope())
        retry_after = getattr(error, "retry_after", None)
        if retry_after:
            response.headers["Retry-After"] = str(retry_after)
        return response, error.status

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        if not _wants_envelope():
            render = _html_renderer() if (error.code or 500) >= 400 else None
            return render(error, error.code or 500) if render is not None else error
        mapped = _HTTP_CODES.get(error.code or 500)
        if mapped is None:
            mapped = BadRequest if (error.code or 500) < 500 else XuedianError
        response = jsonify(mapped().envelope())
        if getattr(error, "valid_methods", None):
            # RFC 9110: a 405 names the methods the address accepts.
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response, error.code or mapped.status

    if database:
        from sqlalchemy.exc import OperationalError

        @app.errorhandler(OperationalError)
        def handle_database_error(error: OperationalError):
            from .extensions import db

            db.session.rollback()
            if not is_busy(error):
                return handle_unexpected(error)
            app.logger.warning("database busy on %s: %s", request.path, error.orig)
            busy = DatabaseBusy(retry_after=DatabaseBusy.retry_after)
            response = jsonify(busy.envelope())
            response.headers["Retry-After"] = str(DatabaseBusy.retry_after)
            return response, busy.status

    @app.errorhandler(ConnectionError)
    def handle_client_gone(error: ConnectionError):
        # The phone's link dropped mid-body (a reset): as common on 2G as it is harmless,
        # so no traceback; answered like Werkzeug's ClientDisconnected, which nobody reads.
        app.logger.info("client went away on %s: %s", request.path, error)
        return jsonify(BadRequest().envelope()), BadRequest.status

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        if type(error).__module__.startswith("gunicorn.http"):
            # gunicorn found the body malformed while the app read it (a chunk size of
            # "0x2", a missing chunk end): the client's fault, answered like any bad body.
            app.logger.info("malformed request body on %s: %r", request.path, error)
            return jsonify(BadRequest().envelope()), BadRequest.status
        app.logger.exception("unhandled error on %s", request.path)
        return jsonify(XuedianError().envelope()), 500


class ImportInvalid(XuedianError):
    """A package to import is broken: not a zip or ZIM, a bad manifest, a failed check."""

    code = "import-invalid"
    status = 400
    message = "The package could not be imported: it is damaged or not a package of its kind."


class ImportUnsafe(XuedianError):
    """A package to import is hostile: unsafe names, a zip bomb, links, scripts in SVG."""

    code = "import-unsafe"
    status = 400
    message = "The package was refused because it is unsafe."


class ImportUnsupported(XuedianError):
    """A package to import is of a kind, or holds only content, the importers cannot use."""

    code = "import-unsupported"
    status = 400
    message = "The package holds nothing the importers can turn into lessons."
