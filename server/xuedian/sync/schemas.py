"""One marshmallow schema per sync wire message (docs/protocol.md)."""

from __future__ import annotations

import re
import uuid

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from ..core.wirefields import JSON_INT_MAX, Int, Text, Timestamp
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


DEVICE_ID = re.compile(r"^[0-9a-f]{32}\Z")
#: 32 bytes as canonical unpadded base64url: the last character carries 2 unused bits, zero.
PUBLIC_KEY = re.compile(r"^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]\Z")
#: Most signed batches one .xdsync bundle may carry.
MAX_BUNDLE_BATCHES = 200


def device_id_field(**kwargs) -> fields.String:
    return Text(
        32,
        required=True,
        validate=validate.Regexp(DEVICE_ID, error="Not a device id (32 lowercase hex)."),
        **kwargs,
    )


class SignedEnvelope(_Strict):
    """``{"signed": {...}, "signature": b64url}``: the shape of every message a device signs."""

    signed = fields.Dict(required=True)
    signature = Text(100, 1, required=True)


POINT_CODE = re.compile(r"^[A-Za-z0-9-]{1,32}\Z")
#: A learning point's enrolment token as its QR code carries it (org/enrolment.py).
ENROLMENT_TOKEN = re.compile(r"^[A-Za-z0-9-]{1,40}\.[A-Za-z0-9_-]{86}\Z")


def point_field() -> Text:
    return Text(32, validate=validate.Regexp(POINT_CODE, error="Not a learning-point code."))


def enrolment_field() -> Text:
    return Text(128, validate=validate.Regexp(ENROLMENT_TOKEN, error="Not an enrolment token."))


class DeviceRegistration(_Strict):
    """``signed`` of a ``device-registration`` envelope, signed by the key it registers.

    ``point`` and ``enrolment``: the code and token of the point QR code the phone was
    opened with; a valid token enrols the phone there at once."""

    type = Text(40, required=True, validate=validate.Equal("device-registration"))
    device_id = device_id_field()
    public_key = Text(
        43,
        required=True,
        validate=validate.Regexp(PUBLIC_KEY, error="Not a base64url Ed25519 public key."),
    )
    app_version = Text(40, load_default="")
    created = Timestamp(required=True)
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
    learner = Text(36, required=True, validate=uuid_text())
    age_band = Text(10, allow_none=True, validate=validate.OneOf(AGE_BANDS))
    village = Text(60, 1, allow_none=True)


class DeviceStatus(_Strict):
    """The heartbeat every batch carries: what the phone holds and what it runs."""

    unsent = Int(required=True)
    quarantined = Int(required=True)
    app_version = Text(40, required=True)
    packs = fields.Dict(
        keys=Text(64, 1),
        values=Int(1),
        required=True,
        validate=validate.Length(max=500),
    )
    storage_free = Int(0, JSON_INT_MAX, required=True, allow_none=True)
    #: The learning point's code and enrolment token from the QR code the phone was opened
    #: with; only a valid token enrols (the code alone is kept for reports).
    point = point_field()
    enrolment = enrolment_field()
    #: The phone's local profiles, for aggregate reports only (names stay on the phone).
    profiles = fields.List(fields.Nested(ProfileStatus), validate=validate.Length(max=20))


class RecordObject(_Strict):
    #: Required for every verb but ``asked`` (see Record).
    pack = Text(64, 1)
    version = Int(1)
    lesson = Text(64, 1)
    item = Text(64, 1)
    #: For a voiding record: the id of the record it corrects.
    record = Text(36, validate=uuid_text())
    #: For a topic request: what the learner wants to learn, and an optional category.
    topic = Text(200, 1)
    category = Text(40, 1)


class Evidence(_Strict):
    """A completion's evidence of engagement (sync/facts.py says what each proves)."""

    #: Seconds the lesson's content was on screen while the app was visible.
    seconds = Int(0, 10**7)
    #: Characters of the lesson's text, so the reading time needed can be judged.
    chars = Int(0, 10**7)
    #: Share of the narration listened to, 0 to 1.
    listened = fields.Float(allow_nan=False, validate=validate.Range(min=0, max=1))
    #: Whether the lesson's quiz was passed: JSON true or false only ("yes" is not evidence).
    quiz = fields.Boolean(truthy={True}, falsy={False})


class RecordResult(_Strict):
    #: A lesson completion's evidence of engagement (absent on older phones: unverified).
    evidence = fields.Nested(Evidence)
    score = fields.Float(allow_nan=False, validate=validate.Range(min=0, max=1))
    success = fields.Boolean()
    response = Text(2000)
    duration = Text(40, validate=validate.Regexp(_DURATION, error="Not an ISO 8601 duration."))


class Record(_Strict):
    """A learning record as sent by a device."""

    id = Text(36, required=True, validate=uuid_text(7))
    learner = Text(36, required=True, validate=uuid_text())
    verb = Text(120, required=True, validate=validate.OneOf(VERB_IRIS))
    object = fields.Nested(RecordObject, required=True)
    result = fields.Nested(RecordResult, load_default=None, allow_none=True)
    timestamp = Timestamp(required=True)
    device_seq = Int(1, required=True)

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

    type = Text(40, required=True, validate=validate.Equal("sync-batch"))
    device_id = device_id_field()
    batch_id = Text(36, required=True, validate=uuid_text())
    created = Timestamp(required=True)
    records = fields.List(fields.Raw(), required=True, validate=validate.Length(min=1))
    status = fields.Nested(DeviceStatus, required=True)


class SyncBundle(_Strict):
    """The JSON inside a gzip .xdsync file; each envelope in it is checked on its own."""

    type = Text(40, required=True, validate=validate.Equal("xdsync"))
    schema_version = Int(1, 1, required=True)
    device_id = device_id_field()
    created = Timestamp(required=True)
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

    type = Text(40, required=True, validate=validate.Equal("changes-request"))
    device_id = device_id_field()
    created = Timestamp(required=True)
    cursor = Text(MAX_CURSOR, 1, load_default=None, allow_none=True)
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

    type = Text(40, required=True, validate=validate.Equal("xdack"))
    schema_version = Int(1, 1, required=True)
    device_id = device_id_field()
    created = Timestamp(required=True)
    key_id = Text(64, 1, required=True)
    max_contiguous_seq = Int(required=True)
    stored_seq_ranges = fields.List(
        fields.List(Int(1), validate=validate.Length(equal=2)),
        required=True,
        validate=validate.Length(max=1000),
    )
