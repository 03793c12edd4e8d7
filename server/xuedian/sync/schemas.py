"""One marshmallow schema per sync wire message (docs/protocol.md)."""

from __future__ import annotations

import re
import uuid

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from ..learners.models import AGE_BANDS

VERB_BASE = "http://adlnet.gov/expapi/verbs/"
VERBS = (
    "completed",
    "attempted",
    "answered",
    "progressed",
    "experienced",
    "attended",
    "voided",
    "asked",
)
#: A topic request ("I want to learn…"): names a topic, not a pack.
ASKED = VERB_BASE + "asked"
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


DEVICE_ID = re.compile(r"^[0-9a-f]{32}$")
#: 32 bytes as canonical unpadded base64url: the last character carries 2 unused bits, zero.
PUBLIC_KEY = re.compile(r"^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$")
#: Most signed batches one .xdsync bundle may carry.
MAX_BUNDLE_BATCHES = 200


def device_id_field(**kwargs) -> fields.String:
    return fields.String(
        required=True,
        validate=validate.Regexp(DEVICE_ID, error="Not a device id (32 lowercase hex)."),
        **kwargs,
    )


class SignedEnvelope(_Strict):
    """``{"signed": {...}, "signature": b64url}``: the shape of every message a device signs."""

    signed = fields.Dict(required=True)
    signature = fields.String(required=True, validate=validate.Length(min=1, max=100))


POINT_CODE = re.compile(r"^[A-Za-z0-9-]{1,32}$")
#: A learning point's enrolment token as its QR code carries it (org/enrolment.py).
ENROLMENT_TOKEN = re.compile(r"^[A-Za-z0-9-]{1,40}\.[A-Za-z0-9_-]{86}$")


def point_field() -> fields.String:
    return fields.String(validate=validate.Regexp(POINT_CODE, error="Not a learning-point code."))


def enrolment_field() -> fields.String:
    return fields.String(validate=validate.Regexp(ENROLMENT_TOKEN, error="Not an enrolment token."))


class DeviceRegistration(_Strict):
    """``signed`` of a ``device-registration`` envelope, signed by the key it registers.

    ``point`` and ``enrolment``: the code and token of the point QR code the phone was
    opened with; a valid token enrols the phone there at once."""

    type = fields.String(required=True, validate=validate.Equal("device-registration"))
    device_id = device_id_field()
    public_key = fields.String(
        required=True,
        validate=validate.Regexp(PUBLIC_KEY, error="Not a base64url Ed25519 public key."),
    )
    app_version = fields.String(load_default="", validate=validate.Length(max=40))
    created = fields.AwareDateTime(required=True, format="iso")
    point = point_field()
    enrolment = enrolment_field()


class EnrolledPoint(Schema):
    """The learning point a phone is enrolled at, with its names to show."""

    code = fields.String()
    name = fields.String()
    name_en = fields.String()


class DeviceRegistered(Schema):
    ok = fields.Boolean(dump_default=True)
    device_id = fields.String()
    #: Where the phone is enrolled now (None: unenrolled).
    point = fields.Nested(EnrolledPoint, allow_none=True)


class ProfileStatus(_Strict):
    learner = fields.String(required=True, validate=uuid_text())
    age_band = fields.String(allow_none=True, validate=validate.OneOf(AGE_BANDS))
    village = fields.String(allow_none=True, validate=validate.Length(min=1, max=60))


class DeviceStatus(_Strict):
    """The heartbeat every batch carries: what the phone holds and what it runs."""

    unsent = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    quarantined = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    app_version = fields.String(required=True, validate=validate.Length(max=40))
    packs = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=64)),
        values=fields.Integer(strict=True, validate=validate.Range(min=1)),
        required=True,
        validate=validate.Length(max=500),
    )
    storage_free = fields.Integer(
        required=True, strict=True, allow_none=True, validate=validate.Range(min=0)
    )
    #: The learning point's code and enrolment token from the QR code the phone was opened
    #: with; only a valid token enrols (the code alone is kept for reports).
    point = point_field()
    enrolment = enrolment_field()
    #: The phone's local profiles, for aggregate reports only (names stay on the phone).
    profiles = fields.List(fields.Nested(ProfileStatus), validate=validate.Length(max=20))


class RecordObject(_Strict):
    #: Required for every verb but ``asked`` (see Record).
    pack = fields.String(validate=validate.Length(min=1, max=64))
    version = fields.Integer(strict=True, validate=validate.Range(min=1))
    lesson = fields.String(validate=validate.Length(min=1, max=64))
    item = fields.String(validate=validate.Length(min=1, max=64))
    #: For a voiding record: the id of the record it corrects.
    record = fields.String(validate=uuid_text())
    #: For a topic request: what the learner wants to learn, and an optional category.
    topic = fields.String(validate=validate.Length(min=1, max=200))
    category = fields.String(validate=validate.Length(min=1, max=40))


class Evidence(_Strict):
    """A completion's evidence of engagement (sync/facts.py says what each proves)."""

    #: Seconds the lesson's content was on screen while the app was visible.
    seconds = fields.Integer(strict=True, validate=validate.Range(min=0, max=10**7))
    #: Characters of the lesson's text, so the reading time needed can be judged.
    chars = fields.Integer(strict=True, validate=validate.Range(min=0, max=10**7))
    #: Share of the narration listened to, 0 to 1.
    listened = fields.Float(allow_nan=False, validate=validate.Range(min=0, max=1))
    #: Whether the lesson's quiz was passed: JSON true or false only ("yes" is not evidence).
    quiz = fields.Boolean(truthy={True}, falsy={False})


class RecordResult(_Strict):
    #: A lesson completion's evidence of engagement (absent on older phones: unverified).
    evidence = fields.Nested(Evidence)
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
    def _object_fits_the_verb(self, data, **kwargs):
        verb, obj = data.get("verb"), data.get("object", {})
        if verb == VERB_BASE + "voided" and "record" not in obj:
            raise ValidationError("A voiding record must name the record it voids.", "object")
        if verb == ASKED:
            if "topic" not in obj or "pack" in obj or "lesson" in obj:
                raise ValidationError("A topic request names a topic and no pack.", "object")
        elif "pack" not in obj or "version" not in obj:
            raise ValidationError("The record must name its pack and version.", "object")


class SyncBatch(_Strict):
    """``signed`` of a ``sync-batch`` envelope. Records stay raw here so one bad record is
    quarantined, not the batch."""

    type = fields.String(required=True, validate=validate.Equal("sync-batch"))
    device_id = device_id_field()
    batch_id = fields.String(required=True, validate=uuid_text())
    created = fields.AwareDateTime(required=True, format="iso")
    records = fields.List(fields.Raw(), required=True, validate=validate.Length(min=1))
    status = fields.Nested(DeviceStatus, required=True)


class SyncBundle(_Strict):
    """The JSON inside a gzip .xdsync file; each envelope in it is checked on its own."""

    type = fields.String(required=True, validate=validate.Equal("xdsync"))
    schema_version = fields.Integer(required=True, strict=True, validate=validate.Equal(1))
    device_id = device_id_field()
    created = fields.AwareDateTime(required=True, format="iso")
    registration = fields.Nested(SignedEnvelope, required=True)
    batches = fields.List(
        fields.Nested(SignedEnvelope),
        required=True,
        validate=validate.Length(min=1, max=MAX_BUNDLE_BATCHES),
    )


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


class BundleImported(Schema):
    """One file's answer in a bundle upload: its chain of custody and its receipts."""

    name = fields.String(allow_none=True)
    ok = fields.Boolean(dump_default=True)
    bundle_id = fields.String()
    device_id = fields.String()
    made_at = fields.String()
    received_at = fields.String()
    imported_at = fields.String()
    already_imported = fields.Boolean()
    batches = fields.Integer()
    records = fields.Integer()
    accepted = fields.Integer()
    duplicate = fields.Integer()
    rejected = fields.Integer()
    receipts = fields.List(fields.Nested(SyncReceipt))


class BundleRefused(Schema):
    """One file's answer when it was refused as a whole (nothing of it is stored)."""

    name = fields.String(allow_none=True)
    ok = fields.Boolean(dump_default=False)
    code = fields.String()
    message = fields.String()
    details = fields.Dict()


class BundleUploadResult(Schema):
    ok = fields.Boolean(dump_default=True)
    bundles = fields.List(fields.Raw())


#: Longest feed cursor a phone may send back (they are about 150 characters).
MAX_CURSOR = 1000


class ChangesRequest(_Strict):
    """``signed`` of a ``changes-request`` envelope: "what changed since this cursor?"."""

    type = fields.String(required=True, validate=validate.Equal("changes-request"))
    device_id = device_id_field()
    created = fields.AwareDateTime(required=True, format="iso")
    cursor = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=MAX_CURSOR)
    )
    #: An optional heartbeat, as a batch carries (a phone sends one after a forced resync).
    status = fields.Nested(DeviceStatus, load_default=None)


class LessonProgressItem(Schema):
    learner = fields.String()
    pack = fields.String()
    lesson = fields.String()
    completed = fields.Boolean()
    verified = fields.Boolean()
    best_score = fields.Float(allow_none=True)
    seconds = fields.Integer()
    updated = fields.String(allow_none=True)


class LearnerTotalsItem(Schema):
    learner = fields.String()
    lessons_completed = fields.Integer()
    lessons_verified = fields.Integer()
    hours = fields.Float()
    credits = fields.Float()


class LocalizedText(Schema):
    zh_cn = fields.String(data_key="zh-CN", attribute="zh-CN")
    en = fields.String()


class InboxMessageItem(Schema):
    id = fields.Integer()
    created = fields.String()
    title = fields.Nested(LocalizedText)
    body = fields.Nested(LocalizedText)


class InstructionItem(Schema):
    """A remote instruction: ``resync``, or ``update-pack`` with pack, version?, by_date?."""

    id = fields.Integer()
    kind = fields.String()
    created = fields.String()
    pack = fields.String()
    version = fields.Integer(allow_none=True)
    by_date = fields.String(allow_none=True)


class CatalogVersion(Schema):
    etag = fields.String()
    created = fields.String()


class Ack(Schema):
    """Which of the device's records the county has stored (docs/protocol.md, acks)."""

    max_contiguous_seq = fields.Integer()
    stored_seq_ranges = fields.List(fields.List(fields.Integer()))


class ChangesAnswer(Schema):
    """The answer to a changes request: one page of what changed, and the next cursor."""

    ok = fields.Boolean(dump_default=True)
    cursor = fields.String()
    more = fields.Boolean()
    progress = fields.List(fields.Nested(LessonProgressItem))
    totals = fields.List(fields.Nested(LearnerTotalsItem))
    messages = fields.List(fields.Nested(InboxMessageItem))
    instructions = fields.List(fields.Nested(InstructionItem))
    catalog = fields.Nested(CatalogVersion, allow_none=True)
    ack = fields.Nested(Ack)
    #: Where the phone is enrolled now (None: unenrolled).
    point = fields.Nested(EnrolledPoint, allow_none=True)


class AckFile(_Strict):
    """``signed`` of a county-signed ``.xdack``: the device's stored device_seq ranges."""

    type = fields.String(required=True, validate=validate.Equal("xdack"))
    schema_version = fields.Integer(required=True, strict=True, validate=validate.Equal(1))
    device_id = device_id_field()
    created = fields.AwareDateTime(required=True, format="iso")
    key_id = fields.String(required=True)
    max_contiguous_seq = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    stored_seq_ranges = fields.List(
        fields.List(fields.Integer(strict=True, validate=validate.Range(min=1))),
        required=True,
        validate=validate.Length(max=1000),
    )
