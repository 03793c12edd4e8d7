"""The province tier's operations of the OpenAPI document (web/openapi.py): a county's
signed aggregates, pulled from a county with a token it issued or pushed to a province
(docs/deploy.md, "Many counties, one province"). Owns no schema: they are province's."""

from __future__ import annotations

from ..province import errors
from ..province.schemas import AggregatesEnvelope, AggregatesReceived

#: Schemas the province operations read and answer, by component name.
SCHEMAS = {"AggregatesEnvelope": AggregatesEnvelope, "AggregatesReceived": AggregatesReceived}
_PUSH = (
    errors.NotProvince,
    errors.DocumentInvalid,
    errors.CountyUnknown,
    errors.SignatureInvalid,
    errors.DocumentStale,
    errors.DocumentReplayed,
)


def operations(errors_of, answer, *common) -> dict[str, dict]:
    """The province operations; ``errors_of(*groups)`` and ``answer(schema, text)`` are the
    document's helpers, ``common`` the refusal groups every JSON body can get."""
    body = {"required": True, "content": {"application/json": {"schema": "AggregatesEnvelope"}}}
    return {
        "/api/v1/province/aggregates": {
            "get": {
                "summary": "This county's aggregates, signed (a province pulling, with the "
                "token this county issued as a bearer token).",
                "responses": {
                    "200": answer("AggregatesEnvelope"),
                    **errors_of((errors.TokenInvalid,)),
                },
            },
            "post": {
                "summary": "A county pushes its signed aggregates to this province.",
                "requestBody": body,
                "responses": {
                    "200": answer("AggregatesReceived"),
                    **errors_of(*common, _PUSH),
                },
            },
        },
    }
