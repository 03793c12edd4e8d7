"""org's wire formats: the learning point a phone names (its code and the enrolment token of
its QR code) and the point it is enrolled at, as registrations, heartbeats and the changes
feed carry them (docs/protocol.md)."""

from __future__ import annotations

import re

from marshmallow import Schema, fields, validate

from ..core.wirefields import Text

POINT_CODE = re.compile(r"^[A-Za-z0-9-]{1,32}\Z")
#: A learning point's enrolment token as its QR code carries it (org/enrolment.py).
ENROLMENT_TOKEN = re.compile(r"^[A-Za-z0-9-]{1,40}\.[A-Za-z0-9_-]{86}\Z")


def point_field() -> Text:
    return Text(32, validate=validate.Regexp(POINT_CODE, error="Not a learning-point code."))


def enrolment_field() -> Text:
    return Text(128, validate=validate.Regexp(ENROLMENT_TOKEN, error="Not an enrolment token."))


class EnrolledPoint(Schema):
    """The learning point a phone is enrolled at, with its names to show."""

    code = fields.String()
    name = fields.String()
    name_en = fields.String()


def heartbeat_fields() -> dict:
    """What a heartbeat (sync's DeviceStatus) carries for org (hook ``heartbeat-fields``):
    the code and enrolment token of the point QR code the phone was opened with; only a
    valid token enrols (the code alone is kept for reports)."""
    return {"point": point_field(), "enrolment": enrolment_field()}


def feed_fields() -> dict:
    """org's part of a changes-feed page (hook ``feed-fields``): where the phone is
    enrolled now (None: unenrolled)."""
    return {"point": fields.Nested(EnrolledPoint, allow_none=True)}
