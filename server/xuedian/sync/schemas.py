"""One marshmallow schema per sync wire message (docs/protocol.md)."""

from __future__ import annotations

import re
import uuid

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

VERB_BASE = "http://adlnet.gov/expapi/verbs/"
VERBS = ("completed", "attempted", "answered", "progressed", "experienced", "attended", "voided")
VERB_IRIS = tuple(VERB_BASE + v for v in VERBS)

_DURATION = re.compile(
    r"^P(?!$)(\d+(?:\.\d+)?D)?(T(?=\d)(\d+(?:\.\d+)?H)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?S)?)?$"
)


def uuid_text(version: int | None = None):
    """Return a validator for canonical lowercase UUID text, optionally of one version."""

    def check(value: str) -> None:
        try:
            parsed = uuid.UUID(value)
        except (ValueError, AttributeError, TypeError) as exc:
            raise ValidationError("Not a UUID.") from exc
        if str(parsed) != value:
            raise ValidationError("UUIDs must be lowercase with hyphens.")
        if version is not None and parsed.version != version:
            raise ValidationError(f"Must be a UUID version {version}.")

    return check


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class DeviceRegistration(_Strict):
    app_version = fields.String(load_default="", validate=validate.Length(max=40))


class DeviceCredentials(Schema):
    ok = fields.Boolean(dump_default=True)
    device_id = fields.String()
    token = fields.String()


class RecordObject(_Strict):
    pack = fields.String(required=True, validate=validate.Length(min=1, max=64))
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    lesson = fields.String(validate=validate.Length(min=1, max=64))
    item = fields.String(validate=validate.Length(min=1, max=64))
    #: For a voiding record: the id of the record it corrects.
    record = fields.String(validate=uuid_text())


class RecordResult(_Strict):
    score = fields.Float(allow_nan=False, validate=validate.Range(min=0, max=1))
    success = fields.Boolean()
    response = fields.String(validate=validate.Length(max=2000))
    duration = fields.String(validate=validate.Regexp(_DURATION, error="Not an ISO 8601 duration."))


class Record(_Strict):
    """A learning record as sent by a device."""

    id = fields.String(required=True, validate=uuid_text(7))
    learner = fields.String(required=True, validate=uuid_text())
    verb = fields.String(required=True, validate=validate.OneOf(VERB_IRIS))
    object = fields.Nested(RecordObject, required=True)
    result = fields.Nested(RecordResult, load_default=None, allow_none=True)
    timestamp = fields.AwareDateTime(required=True, format="iso")
    device_seq = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=2**31 - 1)
    )

    @validates_schema
    def _voiding_names_its_target(self, data, **kwargs):
        if data.get("verb") == VERB_BASE + "voided" and "record" not in data.get("object", {}):
            raise ValidationError("A voiding record must name the record it voids.", "object")


class SyncBatch(_Strict):
    """An upload: records stay raw here so one bad record is quarantined, not the batch."""

    batch_id = fields.String(required=True, validate=uuid_text())
    records = fields.List(fields.Raw(), required=True, validate=validate.Length(min=1))


class Rejection(Schema):
    id = fields.String(allow_none=True)
    code = fields.String()
    message = fields.String()


class SyncReceipt(Schema):
    ok = fields.Boolean(dump_default=True)
    batch_id = fields.String()
    accepted = fields.List(fields.String())
    duplicate = fields.List(fields.String())
    rejected = fields.List(fields.Nested(Rejection))
    max_contiguous_seq = fields.Integer()
