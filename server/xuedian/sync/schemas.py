"""One marshmallow schema per wire message of the sync transport (docs/protocol.md): device
registration, signed envelopes, records, batches, bundles, receipts, the changes request
and its answer, acks.

What a heartbeat or a changes-feed page carries for other features is theirs: each
registers its fields for the ``heartbeat-fields`` and ``feed-fields`` hooks (core/hooks.py),
and :func:`extended` adds them to :class:`DeviceStatus` and :class:`ChangesAnswer` once
per app. sync never names a feature's wire format.
"""

from __future__ import annotations

import re

from flask import current_app
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..core import hooks
from ..core.wirefields import (
    JSON_INT_MAX,
    Int,
    Strict,
    Text,
    Timestamp,
    device_id_field,
    uuid_text,
)
from ..org.schemas import EnrolledPoint, enrolment_field, point_field

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


#: 32 bytes as canonical unpadded base64url: the last character carries 2 unused bits, zero.
PUBLIC_KEY = re.compile(r"^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]\Z")
#: Most signed batches one .xdsync bundle may carry.
MAX_BUNDLE_BATCHES = 200


class SignedEnvelope(Strict):
    """``{"signed": {...}, "signature": b64url}``: the shape of every message a device signs."""

    signed = fields.Dict(required=True)
    signature = Text(100, 1, required=True)


class DeviceRegistration(Strict):
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


class DeviceRegistered(Schema):
    ok = fields.Boolean(dump_default=True)
    device_id = fields.String()
    #: Where the phone is enrolled now (None: unenrolled).
    point = fields.Nested(EnrolledPoint, allow_none=True)


class DeviceStatus(Strict):
    """The heartbeat every batch carries: what the phone holds and what it runs. Features
    add their parts through ``heartbeat-fields`` (org: its point; learners: its profiles);
    load it as :func:`heartbeat`."""

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


def extended(base: type[Schema], hook: str) -> type[Schema]:
    """Return ``base`` with the fields every feature registered for ``hook`` (each returns
    ``{name: field}``), made once per app and named like ``base``."""
    made = current_app.extensions.setdefault("xuedian.wire", {})
    if (base, hook) not in made:
        added: dict = {}
        for part in hooks.collect(hook):
            added.update(part)
        made[base, hook] = type(base.__name__, (base,), added)
    return made[base, hook]


def heartbeat() -> Schema:
    """A heartbeat's schema: :class:`DeviceStatus` with every feature's part."""
    return extended(DeviceStatus, "heartbeat-fields")()


class RecordObject(Strict):
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
    #: For an attendance (``attended``): the id of the event checked in to.
    event = Int(1)


class Evidence(Strict):
    """A completion's evidence of engagement (sync/facts.py says what each proves), or an
    attendance's check-in token."""

    #: Seconds the lesson's content was on screen while the app was visible.
    seconds = Int(0, 10**7)
    #: Characters of the lesson's text, so the reading time needed can be judged.
    chars = Int(0, 10**7)
    #: Share of the narration listened to, 0 to 1.
    listened = fields.Float(allow_nan=False, validate=validate.Range(min=0, max=1))
    #: Whether the lesson's quiz was passed: JSON true or false only ("yes" is not evidence).
    quiz = fields.Boolean(truthy={True}, falsy={False})
    #: An attendance's signed check-in token, as the event's QR code carries it (the
    #: events feature checks it at ingest through ``record-check``).
    checkin = Text(1000, 1)


class RecordResult(Strict):
    #: A lesson completion's evidence of engagement (absent on older phones: unverified).
    evidence = fields.Nested(Evidence)
    score = fields.Float(allow_nan=False, validate=validate.Range(min=0, max=1))
    success = fields.Boolean()
    response = Text(2000)
    duration = Text(40, validate=validate.Regexp(_DURATION, error="Not an ISO 8601 duration."))


class Record(Strict):
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


class SyncBatch(Strict):
    """``signed`` of a ``sync-batch`` envelope. Records stay raw here so one bad record is
    quarantined, not the batch."""

    type = Text(40, required=True, validate=validate.Equal("sync-batch"))
    device_id = device_id_field()
    batch_id = Text(36, required=True, validate=uuid_text())
    created = Timestamp(required=True)
    records = fields.List(fields.Raw(), required=True, validate=validate.Length(min=1))
    status = fields.Nested(heartbeat, required=True)


class SyncBundle(Strict):
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


class ChangesRequest(Strict):
    """``signed`` of a ``changes-request`` envelope: "what changed since this cursor?"."""

    type = Text(40, required=True, validate=validate.Equal("changes-request"))
    device_id = device_id_field()
    created = Timestamp(required=True)
    cursor = Text(MAX_CURSOR, 1, load_default=None, allow_none=True)
    #: An optional heartbeat, as a batch carries (a phone sends one after a forced resync).
    status = fields.Nested(heartbeat, load_default=None)


class Ack(Schema):
    """Which of the device's records the county has stored (docs/protocol.md, acks)."""

    max_contiguous_seq = fields.Integer()
    stored_seq_ranges = fields.List(fields.List(fields.Integer()))


class ChangesAnswer(Schema):
    """The answer to a changes request: one page of what changed, and the next cursor.

    The transport's own fields; each feature's section adds its own through
    ``feed-fields`` (dump it as :func:`changes_answer`)."""

    ok = fields.Boolean(dump_default=True)
    cursor = fields.String()
    more = fields.Boolean()
    ack = fields.Nested(Ack)


def changes_answer() -> Schema:
    """A changes-feed page's schema: :class:`ChangesAnswer` with every feature's section."""
    return extended(ChangesAnswer, "feed-fields")()


class AckFile(Strict):
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
