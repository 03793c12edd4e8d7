"""learners' wire formats: the profiles a heartbeat names (for aggregate reports only;
names stay on the phone) and the progress and totals the changes feed sends back
(docs/protocol.md)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..core.wirefields import Strict, Text, uuid_text
from .models import AGE_BANDS

#: Most local profiles one heartbeat may name.
MAX_PROFILES = 20


class ProfileStatus(Strict):
    learner = Text(36, required=True, validate=uuid_text())
    age_band = Text(10, allow_none=True, validate=validate.OneOf(AGE_BANDS))
    village = Text(60, 1, allow_none=True)


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


def heartbeat_fields() -> dict:
    """learners' part of a heartbeat (hook ``heartbeat-fields``): the phone's profiles."""
    return {
        "profiles": fields.List(
            fields.Nested(ProfileStatus), validate=validate.Length(max=MAX_PROFILES)
        )
    }


def feed_fields() -> dict:
    """learners' part of a changes-feed page (hook ``feed-fields``)."""
    return {
        "progress": fields.List(fields.Nested(LessonProgressItem)),
        "totals": fields.List(fields.Nested(LearnerTotalsItem)),
    }
