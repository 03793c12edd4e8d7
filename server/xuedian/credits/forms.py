"""The staff forms of credits, as schemas (core/forms.py): a definition's edit (with its
crosswalk, one ``bank, code, ratio`` line each), an attestation, a revocation. Their
errors are word keys (core/words.py)."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate

from ..core.forms import FormSchema, word_errors
from .models import RULES


class Crosswalk(fields.Field):
    """Lines of ``bank, code, ratio`` (a comma or a Chinese comma between them)."""

    def _deserialize(self, value, attr, data, **kwargs) -> list[dict]:
        rows = []
        for line in str(value).replace("，", ",").splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(",")]
            try:
                ratio = float(parts[2]) if len(parts) == 3 else -1.0
            except ValueError:
                ratio = -1.0
            if len(parts) != 3 or not parts[0] or not parts[1] or not 0 < ratio <= 100:
                raise ValidationError("cr.err.crosswalk")
            rows.append({"bank": parts[0][:60], "code": parts[1][:60], "ratio": ratio})
        if len(rows) > 20:
            raise ValidationError("cr.err.crosswalk")
        return rows


def _number(key: str, low: float, high: float, integer: bool = False):
    kind = fields.Integer if integer else fields.Float
    return kind(
        load_default=None,
        validate=validate.Range(low, high),
        error_messages=word_errors(key),
    )


class DefinitionForm(FormSchema):
    STRIP = ("title", "level", "lessons", "min_score", "events", "credit_hours", "credits")

    title = fields.String(
        required=True, validate=validate.Length(1, 120), error_messages=word_errors("cr.err.title")
    )
    rule = fields.String(
        required=True, validate=validate.OneOf(RULES), error_messages=word_errors("cr.err.rule")
    )
    lessons = _number("cr.err.lessons", 1, 1000, integer=True)
    min_score = _number("cr.err.min_score", 0, 100)
    events = _number("cr.err.events", 1, 1000, integer=True)
    credit_hours = fields.Float(
        required=True, validate=validate.Range(0, 1000), error_messages=word_errors("cr.err.hours")
    )
    credits = fields.Float(
        required=True,
        validate=validate.Range(0, 1000),
        error_messages=word_errors("cr.err.credits"),
    )
    level = fields.String(load_default="", validate=validate.Length(max=20))
    crosswalk = Crosswalk(load_default=list)
    active = fields.Boolean(load_default=False)

    def model_values(self, data: dict) -> dict:
        """The definition's columns from a loaded form."""
        thresholds = {"lessons": data.pop("lessons")}
        for key in ("min_score", "events"):
            value = data.pop(key)
            if value is not None:
                thresholds[key] = value
        return {**data, "thresholds": thresholds}


class AttestationForm(FormSchema):
    STRIP = ("learner", "reason")

    learner = fields.String(
        required=True,
        validate=validate.Length(1, 36),
        error_messages=word_errors("cr.err.learner"),
    )
    definition = fields.Integer(required=True, error_messages=word_errors("cr.err.definition"))
    reason = fields.String(
        required=True, validate=validate.Length(4, 500), error_messages=word_errors("cr.err.reason")
    )


class RevokeForm(FormSchema):
    STRIP = ("reason",)

    reason = fields.String(
        required=True, validate=validate.Length(4, 200), error_messages=word_errors("cr.err.reason")
    )


class RealNameForm(FormSchema):
    """A volunteer's real-name check: the name on the ID card and its number (the number is
    checked by credits/realname.py and only its salted hash is kept)."""

    STRIP = ("name", "id_number")

    name = fields.String(
        required=True, validate=validate.Length(1, 60), error_messages=word_errors("cr.id.name")
    )
    id_number = fields.String(
        required=True, validate=validate.Length(1, 30), error_messages=word_errors("cr.id.shape")
    )
