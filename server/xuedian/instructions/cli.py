"""``xuedian instructions send|list``: remote instructions delivered at a phone's next sync."""

from __future__ import annotations

from datetime import date

import click

from ..core.cliapp import cli_app as _app


@click.group()
def instructions() -> None:
    """Send instructions to phones (they act on them at their next sync)."""


@instructions.command("send")
@click.option(
    "--kind", type=click.Choice(["resync", "update-pack"]), required=True, help="What to do."
)
@click.option("--device", "device_id", default=None, help="One device (id or 8+ chars).")
@click.option(
    "--point", "point_code", default=None, help="Every phone at this learning point (code)."
)
@click.option("--pack", default=None, help="update-pack: the id of a published pack.")
@click.option(
    "--version",
    "version",
    type=click.IntRange(min=1),
    default=None,
    help="update-pack: the version (default: newest).",
)
@click.option(
    "--by",
    "by_date",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="update-pack: have it by this date (YYYY-MM-DD).",
)
def instructions_send(kind, device_id, point_code, pack, version, by_date) -> None:
    """Send an instruction to one device or every phone at a learning point."""
    from sqlalchemy import select

    from ..audit.service import record
    from ..org.models import LearningPoint
    from ..sync.devices import find_device
    from .service import devices_at, send

    if bool(device_id) == bool(point_code):
        raise click.UsageError("Give exactly one of --device or --point.")
    app = _app()
    with app.app_context():
        point = None
        if device_id:
            try:
                devices = [find_device(device_id)]
            except LookupError:
                raise click.ClickException(f"No single device matches {device_id}.") from None
        else:
            from ..extensions import db

            point = db.session.scalar(select(LearningPoint).where(LearningPoint.code == point_code))
            if point is None:
                raise click.ClickException(f"No learning point {point_code}.")
            devices = devices_at(point)
        day: date | None = by_date.date() if by_date else None
        rows = send(kind, devices, point, pack, version, day)
        target = point.code if point is not None else devices[0].id
        details = {"kind": kind, "pack": pack, "devices": len(rows)}
        record("instruction", target, details, area=point)
        click.echo(f"{kind}: {len(rows)} instruction(s) queued")


@instructions.command("list")
@click.option("--limit", default=50, show_default=True, help="How many to show.")
def instructions_list(limit: int) -> None:
    """List the latest instructions: id, device, kind, pack, created, delivered."""
    from ..core.timeutil import iso
    from .service import recent

    app = _app()
    with app.app_context():
        click.echo("id\tdevice\tkind\tpack\tcreated\tdelivered")
        for row in recent(None, limit):
            pack = f"{row.pack} v{row.version or '*'} by {row.by_date or '-'}" if row.pack else "-"
            delivered = iso(row.delivered_at) if row.delivered_at else "-"
            click.echo(
                f"{row.id}\t{row.device_id}\t{row.kind}\t{pack}\t{iso(row.created_at)}\t{delivered}"
            )
