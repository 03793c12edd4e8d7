"""The LRS's error codes (in the one JSON envelope; docs/errors.md)."""

from __future__ import annotations

from ..errors import XuedianError


class XapiInvalid(XuedianError):
    code = "xapi-invalid"
    status = 400
    message = "The xAPI request or statement is not valid."


class XapiUnauthorized(XuedianError):
    code = "xapi-unauthorized"
    status = 401
    message = "Sign in with the key and secret of an LRS client."


class XapiNotFound(XuedianError):
    code = "xapi-not-found"
    status = 404
    message = "No such statement or document."


class XapiConflict(XuedianError):
    code = "xapi-conflict"
    status = 409
    message = "The statement id is taken, or the document changed: send If-Match."


class XapiPrecondition(XuedianError):
    code = "xapi-precondition-failed"
    status = 412
    message = "The document's ETag does not match If-Match or If-None-Match."
