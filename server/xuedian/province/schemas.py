"""Wire formats of the province tier: ``AggregatesDocument``, the signed body a county
sends (document.py builds it, intake.py checks it with this same schema).

Strict: a field the province does not know is refused, so a county that starts sending
something new (a learner id, say) is refused rather than stored unread.
"""

from __future__ import annotations

from marshmallow import fields, validate

from ..core.wirefields import Int, Strict, Text, Timestamp

_NAME = 400
#: Pack titles have no length limit of their own; this only stops a runaway document.
_TITLE = 4000
_BIG = 2**62


def _count(**kwargs):
    return Int(maximum=_BIG, required=True, **kwargs)


def _maybe_count():
    return Int(maximum=_BIG, required=True, allow_none=True)


def _counts(size: int | None = None):
    check = validate.Length(equal=size) if size else None
    return fields.List(Int(maximum=_BIG), required=True, validate=check)


class Place(Strict):
    code = Text(32, required=True)
    name = Text(_NAME, required=True)
    name_en = Text(_NAME, required=True)


class Period(Strict):
    start = fields.Date(required=True)
    end = fields.Date(required=True)


class GroupRow(Strict):
    """A dashboard group's counts (province/groups.py): a village or the whole county."""

    kind = Text(12, required=True, validate=validate.OneOf(("county", "area", "unenrolled")))
    key = Text(32, required=True)
    name = Text(_NAME, required=True)
    name_en = Text(_NAME, required=True)
    points = _count()
    devices = _count()
    rejected = _count()
    stale = _count()
    records = _count()
    lessons = _count()
    unverified = _count()
    seconds = _count()
    asked = _count()
    backlog = _maybe_count()
    phone_quarantined = _maybe_count()
    active7 = _count()
    active30 = _count()
    learners = _count()
    last_sync = Timestamp(required=True, allow_none=True)
    silent = _counts(3)
    fresh_devices = _counts(6)
    fresh_points = _counts(6)


class FunnelRow(Strict):
    pack = Text(64, required=True)
    title = Text(_TITLE, required=True)
    title_en = Text(_TITLE, required=True)
    lessons = _count()
    stages = _counts(4)


class Week(Strict):
    week = fields.Date(required=True)
    active = _maybe_count()
    lessons = _maybe_count()
    unverified = _maybe_count()


class Month(Strict):
    month = Text(7, required=True, validate=validate.Regexp(r"^\d{4}-\d{2}\Z"))
    learners = _count()
    lessons = _count()
    records = _count()


class Credits(Strict):
    issued = _count()
    waiting = _count()
    courses = fields.List(
        fields.Tuple((Text(_NAME, allow_none=True), Int(maximum=_BIG), fields.Float()))
    )
    villages = fields.List(
        fields.Tuple((Text(_NAME, allow_none=True), Int(maximum=_BIG), fields.Float()))
    )
    ages = fields.List(
        fields.Tuple((Text(_NAME, allow_none=True), Int(maximum=_BIG), fields.Float()))
    )


class AggregatesDocument(Strict):
    """The signed body of a county's aggregates (``type`` province-aggregates)."""

    type = Text(32, required=True, validate=validate.Equal("province-aggregates"))
    version = Int(minimum=1, maximum=1, required=True)
    key_id = Text(64, required=True)
    seq = Int(minimum=1, required=True)
    generated_at = Timestamp(required=True)
    period = fields.Nested(Period, required=True)
    county = fields.Nested(Place, required=True, allow_none=True)
    total = fields.Nested(GroupRow, required=True, allow_none=True)
    villages = fields.List(fields.Nested(GroupRow), required=True)
    funnel = fields.List(fields.Nested(FunnelRow), required=True)
    ages = fields.List(fields.Tuple((Text(16), Int(maximum=_BIG))))
    trend = fields.List(fields.Nested(Week))
    months = fields.List(fields.Nested(Month))
    credits = fields.Nested(Credits)


class AggregatesEnvelope(Strict):
    """What a county pushes and a pull answers: the document and the county key's
    signature over its canonical JSON."""

    signed = fields.Nested(AggregatesDocument, required=True)
    signature = Text(200, required=True)


class AggregatesReceived(Strict):
    """The province's answer to a push: the county it came from and whether it changed
    anything (the same document twice changes nothing)."""

    ok = fields.Boolean(required=True)
    county = Text(_NAME, required=True)
    changed = fields.Boolean(required=True)
