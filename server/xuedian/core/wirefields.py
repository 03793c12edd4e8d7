"""marshmallow fields for what a phone or a kiosk sends: text both databases can store,
bounded numbers, timestamps that are values with a range, UUIDs and device ids, and the
strict base every wire message schema derives from (:class:`Strict`).

Every wire schema builds its strings, integers and times from here, so one rule decides what
reaches the database: PostgreSQL cannot hold NUL (U+0000) in text and neither database can
encode a lone surrogate (U+D800..U+DFFF, which JSON's ``\\ud800`` escape can carry), a
PostgreSQL ``integer`` ends at 2**31-1 and JSON numbers are portable to 2**53, and a time
must survive conversion to UTC and to any county timezone (UTC-14..UTC+14).
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime

from marshmallow import RAISE, Schema, ValidationError, fields, validate

#: The messages that name a refusal's code (see :func:`refusal_code`).
NOT_STORABLE = "Text holds a character the county cannot store (NUL or a lone surrogate)."
OUT_OF_RANGE = "The time is outside 2000-01-01T00:00:00Z .. 2100-01-01T00:00:00Z."

TEXT_NOT_STORABLE = "text-not-storable"
TIME_OUT_OF_RANGE = "time-out-of-range"

#: Earliest and first-too-late instant a wire timestamp may name (docs/protocol.md, times).
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
#: Largest integer a PostgreSQL ``integer`` column holds.
INT32_MAX = 2**31 - 1
#: Largest integer that travels through JSON (a double) exactly.
JSON_INT_MAX = 2**53

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

#: A device id: the first 32 hex characters of sha256 of its public key (sync/devices.py).
DEVICE_ID = re.compile(r"^[0-9a-f]{32}\Z")


class Strict(Schema):
    """The base of every wire message a phone or a kiosk sends: a field this server does
    not know is refused (``unknown-field``), never silently dropped."""

    class Meta:
        unknown = RAISE


def storable(text: str) -> bool:
    """Whether ``text`` can be stored by SQLite and PostgreSQL alike (no NUL, no lone
    surrogate; a pair decoded from JSON is one code point and fine)."""
    return _UNSTORABLE.search(text) is None


def check_storable(text: str) -> None:
    """marshmallow validator: raise ``ValidationError(NOT_STORABLE)`` unless storable."""
    if not storable(text):
        raise ValidationError(NOT_STORABLE)


def printable_excerpt(text: str, limit: int) -> str:
    """Return at most ``limit`` characters of ``text`` with what cannot be stored replaced
    by U+FFFD (for reasons and logs that quote what a phone sent)."""
    return _UNSTORABLE.sub("\ufffd", text[:limit])


class Text(fields.String):
    """A string of at most ``max_length`` characters that both databases can store."""

    def __init__(self, max_length: int, min_length: int | None = None, **kwargs):
        # Storable is checked in _deserialize, before these run (not again here).
        checks = [validate.Length(min=min_length, max=max_length)]
        extra = kwargs.pop("validate", None)
        if extra is not None:
            checks += list(extra) if isinstance(extra, list | tuple) else [extra]
        super().__init__(validate=checks, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        # Checked before the pattern validators run, so a NUL is named as what it is.
        check_storable(text)
        return text


def device_id_field(**kwargs) -> Text:
    """A required device id (see :data:`DEVICE_ID`)."""
    return Text(
        32,
        required=True,
        validate=validate.Regexp(DEVICE_ID, error="Not a device id (32 lowercase hex)."),
        **kwargs,
    )


#: Canonical UUID text: what ``str(uuid.UUID(text)) == text`` accepts, without parsing.
_CANONICAL_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")


def uuid_text(version: int | None = None):
    """Return a validator for canonical lowercase UUID text, optionally of one version."""
    wanted = None if version is None else f"{version:x}"

    def check(value: str) -> None:
        # Every record carries two UUIDs: the common, canonical case skips uuid.UUID.
        if isinstance(value, str) and _CANONICAL_UUID.match(value):
            # uuid.UUID.version: the 13th hex digit, for the RFC 4122 variant (10xx) only.
            if wanted is None or (value[14] == wanted and value[19] in "89ab"):
                return
            raise ValidationError(f"Must be a UUID version {version}.")
        try:
            parsed = uuid.UUID(value)
        except (ValueError, AttributeError, TypeError) as exc:
            raise ValidationError("Not a UUID.") from exc
        if str(parsed) != value:
            raise ValidationError("UUIDs must be lowercase with hyphens.")
        if version is not None and parsed.version != version:
            raise ValidationError(f"Must be a UUID version {version}.")

    return check


class Int(fields.Integer):
    """A strict JSON integer in ``minimum..maximum`` (default 0..2**31-1, a database int)."""

    def __init__(self, minimum: int = 0, maximum: int = INT32_MAX, **kwargs):
        checks = [validate.Range(min=minimum, max=maximum)]
        super().__init__(strict=True, validate=checks, **kwargs)


class Timestamp(fields.AwareDateTime):
    """An RFC 3339 time with an offset, normalised to UTC and within EARLIEST..LATEST.

    A phone clock a year off is still a time (the county flags it); year 1 or 9999 is not:
    no database or timezone arithmetic needs to hold it.
    """

    def __init__(self, **kwargs):
        super().__init__(format="iso", **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and len(value) > 40:
            raise ValidationError("Not a valid RFC 3339 time.")
        moment = super()._deserialize(value, attr, data, **kwargs)
        return in_range(moment)


def in_range(moment: datetime) -> datetime:
    """Return ``moment`` in UTC. Raises ``ValidationError(OUT_OF_RANGE)`` outside the range."""
    try:
        moment = moment.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise ValidationError(OUT_OF_RANGE) from exc
    if not EARLIEST <= moment < LATEST:
        raise ValidationError(OUT_OF_RANGE)
    return moment


def db_id(text) -> int | None:
    """Return the positive id in ASCII decimal ``text`` if a database integer holds it,
    else None (``"²"`` and ``"99999999999999999999"`` are not ids; neither is NUL)."""
    if not isinstance(text, str) or not 0 < len(text) <= 10:
        return None
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 0 < value <= INT32_MAX else None


def date_in_range(text: str | None):
    """Return the date in ``YYYY-MM-DD`` text if it lies in the wire range, else None."""
    try:
        day = date.fromisoformat(text[:10]) if isinstance(text, str) and text else None
    except ValueError:
        return None
    if day is None or not EARLIEST.date() <= day < LATEST.date():
        return None
    return day


def _messages(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _messages(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _messages(value)
    else:
        yield node


def refusal_code(messages, default: str) -> str:
    """Return the code naming marshmallow ``messages``: text-not-storable,
    time-out-of-range, else ``default``."""
    found = set(_messages(messages))
    if NOT_STORABLE in found:
        return TEXT_NOT_STORABLE
    if OUT_OF_RANGE in found:
        return TIME_OUT_OF_RANGE
    return default
