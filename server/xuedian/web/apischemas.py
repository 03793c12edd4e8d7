"""The answers of the small ``/api/`` endpoints that build their JSON by hand (health, the
VAPID key, push subscriptions, signed documents) and the error envelope, as marshmallow
schemas for the OpenAPI document (web/openapi.py). The sync schemas live in sync/schemas.py.
"""

from __future__ import annotations

from marshmallow import Schema, fields


class ErrorEnvelope(Schema):
    """The one error envelope every ``/api/`` refusal uses (errors.py)."""

    ok = fields.Boolean(required=True, metadata={"enum": [False]})
    code = fields.String(required=True, metadata={"description": "A stable kebab-case code."})
    message = fields.String(required=True)
    details = fields.Dict(required=True)


class Health(Schema):
    ok = fields.Boolean(required=True)
    version = fields.String(required=True)


class VapidKey(Schema):
    ok = fields.Boolean(required=True)
    public_key = fields.String(required=True)


class Subscribed(Schema):
    ok = fields.Boolean(required=True)
    subscribed = fields.Boolean(required=True)


class Unsubscribed(Schema):
    ok = fields.Boolean(required=True)
    removed = fields.Boolean(required=True)


class SignedDocument(Schema):
    """A county-signed document (the catalog): ``signed`` carries ``key_id``."""

    signed = fields.Dict(required=True)
    signature = fields.String(required=True)
