"""credits' wire format: the ``credits`` section of a changes-feed page (docs/protocol.md,
"Credits"). The server only dumps it; the phone replaces its learners' rows with it.
Also the device-signed messages of learning accounts: asking for a recovery code
(``account-recovery-code``) and redeeming one on a new phone (``account-recover``)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from ..core.wirefields import Strict, Text, Timestamp, device_id_field, uuid_text


class RecoveryCodeRequest(Strict):
    """``signed`` of an ``account-recovery-code`` envelope: a new code for a learner the
    phone speaks for (the old code stops working)."""

    type = Text(40, required=True, validate=validate.Equal("account-recovery-code"))
    device_id = device_id_field()
    created = Timestamp(required=True)
    learner = Text(36, required=True, validate=uuid_text())


class RecoverRequest(Strict):
    """``signed`` of an ``account-recover`` envelope: move the account whose recovery code
    this is to the signing phone."""

    type = Text(40, required=True, validate=validate.Equal("account-recover"))
    device_id = device_id_field()
    created = Timestamp(required=True)
    #: Four groups of four; case, spaces and dashes do not matter (credits/accounts.py).
    code = Text(40, required=True, validate=validate.Regexp(r"^[0-9A-Za-z -]{16,24}$"))


class NeedItem(Schema):
    #: ``lessons`` (count lessons still to complete with engagement), ``quiz`` (count
    #: quizzes below ``score``), ``events`` (count attendances), ``unpublished``.
    need = fields.String()
    count = fields.Integer()
    score = fields.Float()


class OutcomeItem(Schema):
    learner = fields.String()
    definition = fields.Integer()
    title = fields.String()
    hours = fields.Float()
    credits = fields.Float()
    certified = fields.String()
    status = fields.String()
    revoked = fields.String(allow_none=True)
    #: ``XD1:…`` (credentials/compact.py), None until the county has signed it.
    qr = fields.String(allow_none=True)


class PendingItem(Schema):
    learner = fields.String()
    definition = fields.Integer()
    title = fields.String()
    hours = fields.Float()
    credits = fields.Float()
    needs = fields.List(fields.Nested(NeedItem))


class TransferredItem(Schema):
    """A credential another county issued, accepted into the learner's account here."""

    learner = fields.String()
    title = fields.String()
    #: The issuing county's name on the province trust list.
    county = fields.String()
    hours = fields.Float()
    #: Credits here (the crosswalk's ratio applied).
    credits = fields.Float()
    accepted = fields.String()


class CreditsSection(Schema):
    #: Learners whose rows follow in full (a learner listed with no rows has none).
    learners = fields.List(fields.String())
    outcomes = fields.List(fields.Nested(OutcomeItem))
    pending = fields.List(fields.Nested(PendingItem))
    transfers = fields.List(fields.Nested(TransferredItem))


def feed_fields() -> dict:
    """credits' part of a changes-feed page (hook ``feed-fields``)."""
    return {"credits": fields.Nested(CreditsSection, allow_none=True)}


class TransferCredential(fields.Field):
    """A credential as a JSON object, or its compact ``XD1:`` text (credentials/compact.py)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, dict) and value:
            return value
        if isinstance(value, str) and value.startswith("XD1:") and len(value) <= 64 * 1024:
            return value
        raise ValidationError("A credential object or XD1: text.")


class TransferRequest(Strict):
    """``POST /api/v1/credits/transfers``: add another county's credential to a learner."""

    learner = Text(36, 1, required=True)
    credential = TransferCredential(required=True)


class TransferItem(Schema):
    """An accepted transfer (credits/transfer.py ``describe``)."""

    id = fields.Integer()
    credential = fields.String()
    issuer = fields.String()
    county = fields.String()
    title = fields.String()
    achievement = fields.String()
    creditHours = fields.Float()  # noqa: N815 (the wire's camelCase, as VC documents)
    credits = fields.Float()
    definition = fields.Integer(allow_none=True)
    ratio = fields.Float()
    status = fields.String()
    acceptedBy = fields.String()  # noqa: N815


class TransferAccepted(Schema):
    ok = fields.Boolean()
    transfer = fields.Nested(TransferItem)


class RecoveryCodeIssued(Schema):
    """The answer to ``account-recovery-code``: the code, shown once."""

    ok = fields.Boolean(required=True)
    learner = fields.String(required=True)
    short_number = fields.String(required=True)
    code = fields.String(required=True)


class AccountRecovered(Schema):
    """The answer to ``account-recover``: the learner now on this phone."""

    ok = fields.Boolean(required=True)
    learner = fields.String(required=True)
    short_number = fields.String(required=True)
    age_band = fields.String(allow_none=True)
    village = fields.String(allow_none=True)
