"""The OpenAPI 3.1 description of the county's ``/api/`` endpoints, served at
``/api/openapi.json`` (docs/api.md).

Owns no schema of its own: it is generated from the marshmallow schemas each feature owns
(sync/schemas.py, push/schemas.py, packs/schemas.py, errors.py for the envelope; a heartbeat
and a changes-feed page as each app's features extend them) with apispec. What it owns is
the list of operations: their paths, which schema each reads and answers, and which error
codes (with their HTTP statuses) each can send.
"""

from __future__ import annotations

from functools import cache

from flask import Blueprint, current_app

from .. import __version__
from ..core import ratelimit
from ..core.http import BadGzip, UnknownField
from ..core.wirefields import Int, Text, Timestamp
from ..credits.errors import LearnerNotYours, RecoveryCodeWrong
from ..errors import (
    BodyEncodingUnsupported,
    BodyNotJson,
    BodyTooLarge,
    DatabaseBusy,
    MethodNotAllowed,
    NotFound,
    QuotaExceeded,
    TextNotStorable,
    TimeOutOfRange,
    ValidationFailed,
)
from ..sync import schemas as sync
from ..sync.acks import AckDeviceUnknown
from ..sync.bundlefile import BundleInvalid, BundleTooLarge
from ..sync.devices import DeviceRevoked, DeviceSignatureInvalid, DeviceUnknown
from ..sync.feed import CursorInvalid
from ..sync.service import BatchIdReused, BatchTooLarge
from . import openapi_province, openapi_staff
from .components import ANSWERS, SIGNED_MESSAGES

bp = Blueprint("openapi", __name__)

PATH = "/api/openapi.json"


#: Refusals any address under /api/ can get (unknown address, wrong method).
_ANY = (NotFound, MethodNotAllowed)
#: Refusals of reading a JSON body (core/http.py).
_BODY = (
    BodyTooLarge,
    BodyNotJson,
    BadGzip,
    BodyEncodingUnsupported,
    ValidationFailed,
    UnknownField,
    TextNotStorable,
    TimeOutOfRange,
)
#: Refusals of a device-signed envelope (sync/devices.py) and the rate limits.
_SIGNED = (*_BODY, DeviceUnknown, DeviceSignatureInvalid, DeviceRevoked, ratelimit.RateLimited)
_DB = (DatabaseBusy,)


def _errors(*groups) -> dict:
    """The responses for the errors in ``groups``: one per status, naming its codes."""
    by_status: dict[int, list[str]] = {}
    for error in (e for group in groups for e in group):
        codes = by_status.setdefault(error.status, [])
        if error.code not in codes:
            codes.append(error.code)
    return {
        str(status): {
            "description": "Refused: " + ", ".join(f"`{c}`" for c in codes),
            "content": {"application/json": {"schema": "ErrorEnvelope"}},
            "x-error-codes": codes,
        }
        for status, codes in sorted(by_status.items())
    }


def _json(schema, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _signed(component: str) -> dict:
    """A request body: the signed envelope around the ``component`` message."""
    return {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


#: Every wire time (core/wirefields.Timestamp) lies in 2000-01-01..2100-01-01 UTC; with any
#: offset, the years 2001..2099 as written always do, so the document names those.
YEARS = "^20(0[1-9]|[1-9][0-9])-"
TIME = {
    "format": "date-time",
    "pattern": YEARS,
    "maxLength": 40,
    "description": "RFC 3339 with an offset, within 2000-01-01T00:00:00Z..2100-01-01T00:00:00Z.",
}
#: When a kiosk or volunteer first received the files, or empty for "now".
RECEIVED_AT = {"type": "string", "anyOf": [TIME, {"maxLength": 0}]}

_PACK_PARAMS = [
    {"name": "pack_id", "in": "path", "required": True, "schema": {"type": "string"}},
    {
        "name": "version",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    },
]
_RANGE = {
    "name": "Range",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "One byte range (`bytes=START-END`): answered 206, or 416 beyond the end.",
}


def _download(mime: str, parameters: list[dict]) -> dict:
    return {
        "parameters": [*parameters, _RANGE],
        "responses": {
            "200": {"description": "The whole file.", "content": {mime: {}}},
            "206": {"description": "The range asked for.", "content": {mime: {}}},
            "304": {"description": "Not modified (If-None-Match)."},
            "416": {"description": "The range lies beyond the end of the file."},
            **_errors(_ANY),
        },
    }


def _operations() -> dict[str, dict]:
    """Every ``/api/`` operation (and ``/blobs/``), by path and method."""
    bundle_refusals = (BundleInvalid, BundleTooLarge, QuotaExceeded, ratelimit.RateLimited)
    return {
        "/api/v1/health": {
            "get": {"summary": "Is the county up?", "responses": {"200": _json("Health")}}
        },
        "/api/v1/catalog": {
            "get": {
                "summary": "The county-signed catalog of current pack releases.",
                "responses": {
                    "200": _json("SignedDocument"),
                    "304": {"description": "Not modified (If-None-Match)."},
                    **_errors(_ANY),
                },
            }
        },
        "/api/v1/packs/{pack_id}/{version}/manifest": {
            "get": {
                "summary": "A release's signed manifest (signed: PackManifest).",
                "parameters": _PACK_PARAMS,
                "responses": {"200": _json("SignedDocument"), **_errors(_ANY)},
            }
        },
        "/api/v1/packs/{pack_id}/{version}/archive": {
            "get": {
                "summary": "A release's .xdpack archive, resumable with Range.",
                **_download("application/zip", _PACK_PARAMS),
            }
        },
        "/blobs/{blob_id}": {
            "get": {
                "summary": "One content-addressed blob, resumable with Range.",
                **_download(
                    "application/octet-stream",
                    [
                        {
                            "name": "blob_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                ),
            }
        },
        "/api/v1/devices": {
            "post": {
                "summary": "Register a device (signed: DeviceRegistration).",
                "requestBody": _signed("DeviceRegistrationEnvelope"),
                "responses": {
                    "200": _json("DeviceRegistered", "Already registered."),
                    "201": _json("DeviceRegistered", "Registered."),
                    **_errors(_ANY, _SIGNED, _DB),
                },
            }
        },
        "/api/v1/sync/batches": {
            "post": {
                "summary": "Upload a signed batch of records (signed: SyncBatch).",
                "requestBody": _signed("SyncBatchEnvelope"),
                "responses": {
                    "200": _json("SyncReceipt", "The receipt: accepted, duplicate, rejected."),
                    **_errors(_ANY, _SIGNED, (BatchTooLarge, BatchIdReused, QuotaExceeded), _DB),
                },
            }
        },
        "/api/v1/sync/changes": {
            "post": {
                "summary": "What changed since a cursor (signed: ChangesRequest).",
                "requestBody": _signed("ChangesRequestEnvelope"),
                "responses": {
                    "200": _json("ChangesAnswer"),
                    **_errors(_ANY, _SIGNED, (CursorInvalid,), _DB),
                },
            }
        },
        "/api/v1/sync/acks/{device_id}": {
            "get": {
                "summary": "The county-signed .xdack of a device's stored records.",
                "parameters": [
                    {
                        "name": "device_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "The signed acknowledgement (signed: AckFile).",
                        "content": {"application/octet-stream": {}},
                    },
                    **_errors(_ANY, (AckDeviceUnknown, ratelimit.RateLimited)),
                },
            }
        },
        "/api/v1/sync/bundles": {
            "post": {
                "summary": "Upload .xdsync bundles: files in the form field `bundles`, or one "
                "gzip file as the body. Every file gets its own result.",
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["bundles"],
                                "properties": {
                                    "bundles": {
                                        "type": "array",
                                        "minItems": 1,
                                        "items": {"type": "string", "format": "binary"},
                                    },
                                    "received_at": RECEIVED_AT,
                                },
                            }
                        },
                        "application/gzip": {"schema": {"type": "string", "format": "binary"}},
                    },
                },
                "responses": {
                    "200": _json("BundleUploadResult", "One result per file."),
                    **_errors(_ANY, _BODY, bundle_refusals, _DB),
                },
            }
        },
        "/api/v1/push/vapid-public-key": {
            "get": {
                "summary": "The county's VAPID public key for Web Push.",
                "responses": {"200": _json("VapidKey"), **_errors(_ANY)},
            }
        },
        "/api/v1/push/subscriptions": {
            "post": {
                "summary": "Subscribe a device to Web Push (signed: Subscribe).",
                "requestBody": _signed("SubscribeEnvelope"),
                "responses": {"201": _json("Subscribed"), **_errors(_ANY, _SIGNED, _DB)},
            },
            "delete": {
                "summary": "Remove a device's subscription (signed: Unsubscribe).",
                "requestBody": _signed("UnsubscribeEnvelope"),
                "responses": {"200": _json("Unsubscribed"), **_errors(_ANY, _SIGNED, _DB)},
            },
        },
        **openapi_staff.operations(_errors, _json, _ANY, _BODY, _DB),
        **openapi_province.operations(_errors, _json, _ANY, _BODY, _DB),
        "/api/v1/accounts/recovery-code": {
            "post": {
                "summary": "A new recovery code of a learner of the device, shown once "
                "(signed: RecoveryCode).",
                "requestBody": _signed("RecoveryCodeEnvelope"),
                "responses": {
                    "201": _json("RecoveryCodeIssued"),
                    **_errors(_ANY, _SIGNED, _DB, (LearnerNotYours,)),
                },
            }
        },
        "/api/v1/accounts/recover": {
            "post": {
                "summary": "Move the account of a recovery code to the device "
                "(signed: RecoverRequest).",
                "requestBody": _signed("RecoverRequestEnvelope"),
                "responses": {
                    "200": _json("AccountRecovered"),
                    **_errors(_ANY, _SIGNED, _DB, (RecoveryCodeWrong,)),
                },
            }
        },
        PATH: {
            "get": {
                "summary": "This document.",
                "responses": {
                    "200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}
                },
            }
        },
    }


#: What JSON Schema cannot say about wire text (a pattern on lone surrogates is one no
#: validator can hold): it must be storable by both databases (core/wirefields.storable).
STORABLE = "Text without NUL (U+0000) or a lone surrogate (refused as `text-not-storable`)."


def _wire_ranges(converter, field, ret=None, **kwargs) -> dict:
    """apispec attribute function: a wire time says its range (see TIME), and wire text
    says what it may not hold."""
    if isinstance(field, Timestamp):
        return {**TIME}
    if isinstance(field, Text):
        return {"description": STORABLE}
    return {}


def _fix_patterns(node):
    """Python's end anchor ``\\Z`` is ``$`` in the ECMA regexes JSON Schema uses."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                node[key] = value.replace("\\Z", "$")
            else:
                _fix_patterns(value)
    elif isinstance(node, list):
        for value in node:
            _fix_patterns(value)


@cache
def document() -> dict:
    """Return the OpenAPI 3.1 document as a dict (built once per process)."""
    # apispec is imported here: a worker needs it only once someone asks for the document.
    from apispec import APISpec
    from apispec.ext.marshmallow import MarshmallowPlugin

    plugin = MarshmallowPlugin()
    spec = APISpec(
        title="Xuedian county API",
        version=__version__,
        openapi_version="3.1.0",
        plugins=[plugin],
        info={"description": "The sync protocol and pack downloads (docs/protocol.md)."},
    )
    plugin.map_to_openapi_type(Text, "string", None)
    plugin.map_to_openapi_type(Int, "integer", None)
    plugin.map_to_openapi_type(Timestamp, "string", "date-time")
    plugin.converter.add_attribute_function(_wire_ranges)
    # Made for this app: the transport's answer with each feature's section.
    made = {
        "ChangesAnswer": type(sync.changes_answer()),
        **openapi_staff.SCHEMAS,
        **openapi_province.SCHEMAS,
    }
    for name, schema in {**ANSWERS, **made}.items():
        spec.components.schema(name, schema=schema)
    envelope = plugin.converter.schema2jsonschema(sync.SignedEnvelope)
    for name, message in SIGNED_MESSAGES.items():
        inner = name.removesuffix("Envelope")
        spec.components.schema(inner, schema=message)
        wrapped = {**envelope, "properties": dict(envelope["properties"])}
        wrapped["properties"]["signed"] = {"$ref": f"#/components/schemas/{inner}"}
        wrapped["additionalProperties"] = False
        spec.components.schema(name, wrapped)
    for path, operations in _operations().items():
        spec.path(path=path, operations=operations)
    out = spec.to_dict()
    _fix_patterns(out)
    return out


@bp.get(PATH)
def openapi_json():
    response = current_app.json.response(document())
    response.headers["Cache-Control"] = "no-cache"
    return response
