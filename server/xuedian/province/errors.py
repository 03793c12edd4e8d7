"""The province tier's error codes (docs/errors.md): what a province answers a county's
push (or records for a pull), and what a county answers a province's pull."""

from __future__ import annotations

from ..errors import XuedianError


class DocumentInvalid(XuedianError):
    code = "province-document-invalid"
    status = 400
    message = "The aggregates document is not a signed province-aggregates document."


class SignatureInvalid(XuedianError):
    code = "province-signature-invalid"
    status = 401
    message = "The aggregates document's signature does not verify with the county's key."


class CountyUnknown(XuedianError):
    code = "province-county-unknown"
    status = 403
    message = "The aggregates document is signed by a key no registered county holds."


class DocumentStale(XuedianError):
    code = "province-document-stale"
    status = 409
    message = "A newer aggregates document of this county is already stored."


class DocumentReplayed(XuedianError):
    code = "province-document-replayed"
    status = 409
    message = "This sequence number was already stored with other content."


class TokenInvalid(XuedianError):
    code = "province-token-invalid"
    status = 401
    message = "The pull token is missing, unknown or revoked."


class PullFailed(XuedianError):
    code = "province-pull-failed"
    status = 502
    message = "The county did not answer the pull with an aggregates document."


class NotProvince(XuedianError):
    code = "province-role-required"
    status = 404
    message = "This server is not a province (XUEDIAN_ROLE=province)."
