"""Times: UTC on the wire and in the database, the county's own timezone for people.

Owns two conversions and nothing else. Every stored moment is UTC, and its one text form
on the wire is RFC 3339 with milliseconds and ``Z`` (:func:`iso`). Everything a person
reads (staff pages, reports, exports, a kiosk's pages) and every local day (report day
boundaries, job schedules) is in the county's timezone, the setting ``XUEDIAN_TIMEZONE``
(default ``Asia/Shanghai``): :func:`local`, :func:`local_day`, :func:`day_start` and the
Jinja filter ``local_time`` (:func:`register_filters`, called by both app factories) are
the only places that convert, so no page can show another clock than the others.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: Flask's app context variable, imported on the first :func:`county_zone`: the gunicorn
#: master checks the settings (:func:`zone_named`) and would otherwise load Flask for nothing.
_cv_app = None

#: The county's timezone when no app is configured (tools and scripts outside an app).
DEFAULT_TIMEZONE = "Asia/Shanghai"
#: How a time is shown to people: ``2026-11-24 09:04``.
SHOWN = "%Y-%m-%d %H:%M"


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """Return ``moment`` as ``2026-11-24T08:00:00.000Z``."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def parse_iso(text: str) -> datetime:
    """Parse an RFC 3339 timestamp; naive values are taken as UTC. Raises ``ValueError``."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def zone_named(name: str) -> ZoneInfo:
    """The IANA timezone ``name``. Raises ``ValueError`` for a name that is not one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not an IANA timezone (like Asia/Shanghai)") from None


def county_zone() -> ZoneInfo:
    """The county's timezone: the app's ``XUEDIAN_TIMEZONE``, else the default."""
    # Ingest converts every record's day: the app context variable itself is read, not the
    # ``current_app`` proxy, which costs several times the conversion.
    global _cv_app
    if _cv_app is None:
        from flask.globals import _cv_app
    ctx = _cv_app.get(None)
    return ZoneInfo(ctx.app.config["XUEDIAN"].timezone if ctx else DEFAULT_TIMEZONE)


def local(moment: datetime, zone: ZoneInfo | None = None) -> datetime:
    """``moment`` in the county's timezone (a naive moment is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone or county_zone())


def local_day(moment: datetime, zone: ZoneInfo | None = None) -> date:
    """The county's calendar day ``moment`` falls on."""
    return local(moment, zone).date()


def day_start(day: date, zone: ZoneInfo | None = None) -> datetime:
    """The UTC moment the county's ``day`` begins; the day ends where ``day + 1`` begins
    (23 or 25 hours later across a daylight-saving change)."""
    return datetime.combine(day, time.min, zone or county_zone()).astimezone(UTC)


def day_span(first: date, last: date, zone: ZoneInfo | None = None) -> tuple[datetime, datetime]:
    """``(start, end)`` in UTC of the local days ``first`` to ``last``, both included; a
    moment is in them when ``start <= moment < end``."""
    zone = zone or county_zone()
    return day_start(first, zone), day_start(last + timedelta(days=1), zone)


def local_text(value: datetime | str | None, empty: str = "—") -> str:
    """A moment (or its ISO text) as people read it, ``2026-11-24 09:04`` in the county's
    timezone; ``empty`` when there is none."""
    if not value:
        return empty
    moment = parse_iso(value) if isinstance(value, str) else value
    return local(moment).strftime(SHOWN)


def local_iso(moment: datetime) -> str:
    """``moment`` as RFC 3339 in the county's timezone: ``2026-11-24T09:04:00+08:00``
    (exports: a person reads the county's clock, a program still gets the offset)."""
    return local(moment).isoformat(timespec="seconds")


def register_filters(app) -> None:
    """Register the Jinja filter ``local_time`` (``{{ moment | local_time }}``, or
    ``| local_time("never")`` for what to show when there is no moment) on ``app``."""
    app.add_template_filter(local_text, "local_time")
