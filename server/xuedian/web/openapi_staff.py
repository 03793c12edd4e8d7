"""The staff operations of the OpenAPI document (web/openapi.py): ``/api/`` endpoints a
signed-in staff session calls (with ``X-CSRF-Token``), apart from the device protocol.
Owns no schema: each is the feature's (credits/schemas.py)."""

from __future__ import annotations

from ..credentials.errors import (
    CompactInvalid,
    CredentialMalformed,
    CredentialRevoked,
    IssuerUntrusted,
    ProofInvalid,
)
from ..credits.errors import (
    LearnerOutOfScope,
    TransferDuplicate,
    TransferForbidden,
    TransferLocal,
)
from ..credits.schemas import TransferAccepted, TransferRequest
from ..errors import Unauthorized
from ..org.auth import CsrfInvalid

#: Schemas the staff operations read and answer, by component name.
SCHEMAS = {"TransferRequest": TransferRequest, "TransferAccepted": TransferAccepted}
_STAFF = (Unauthorized, CsrfInvalid)
_TRANSFER = (
    TransferForbidden,
    LearnerOutOfScope,
    CompactInvalid,
    CredentialMalformed,
    ProofInvalid,
    IssuerUntrusted,
    CredentialRevoked,
    TransferLocal,
    TransferDuplicate,
)


def operations(errors, answer, *common) -> dict[str, dict]:
    """The staff operations; ``errors(*groups)`` and ``answer(schema, text)`` are the
    document's helpers, ``common`` the refusal groups every JSON body can get."""
    body = {"required": True, "content": {"application/json": {"schema": "TransferRequest"}}}
    return {
        "/api/v1/credits/transfers": {
            "post": {
                "summary": "Add another county's credential to a learner's account, after "
                "verifying it through the province trust list (staff session).",
                "requestBody": body,
                "responses": {
                    "201": answer("TransferAccepted", "Added"),
                    **errors(*common, _STAFF, _TRANSFER),
                },
            }
        },
    }
