"""XML Schema ``dateTimeStamp`` text, as VC 2.0 writes ``validFrom`` and ``validUntil``.

Owns no data: it reads such text into an aware datetime, or refuses it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

_STAMP = re.compile(
    r"(-?\d{4,})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):([0-5]\d):([0-5]\d)"
    r"(\.\d+)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)"
)


def parse_datetime(text) -> datetime | None:
    """Return the UTC moment of a dateTimeStamp (a zone is required), or None."""
    if not isinstance(text, str) or not _STAMP.fullmatch(text):
        return None
    fraction = _STAMP.fullmatch(text).group(7) or ""
    # datetime takes at most microseconds; a longer fraction only loses precision.
    clean = _STAMP.sub(lambda m: m.group(0).replace(fraction, fraction[:7]), text, count=1)
    try:
        moment = datetime.fromisoformat(clean.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC)


def stamp(moment: datetime) -> str:
    """Return ``moment`` as ``2026-12-02T06:41:49Z`` (seconds, UTC)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
