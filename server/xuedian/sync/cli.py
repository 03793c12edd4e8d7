"""``xuedian devices list|revoke|kiosk-credential``, ``xuedian sync import-bundle|ack`` and
``xuedian quarantine purge``: phones, kiosks, sync files and refused records."""

from __future__ import annotations

from pathlib import Path

import click

from ..core.cliapp import cli_app as _app


@click.group()
def devices() -> None:
    """See and revoke the phones that sync with this server."""


@devices.command("list")
def devices_list() -> None:
    """List every device: id, created, last seen, app version, unsent, revoked."""
    from ..core.timeutil import iso
    from .devices import all_devices

    app = _app()
    with app.app_context():
        click.echo("device_id\tcreated\tlast_seen\tapp_version\tunsent\trevoked")
        for device in all_devices():
            unsent = (device.last_status or {}).get("unsent")
            click.echo(
                "\t".join(
                    [
                        device.id,
                        iso(device.created_at),
                        iso(device.last_seen_at) if device.last_seen_at else "-",
                        device.app_version or "-",
                        "-" if unsent is None else str(unsent),
                        iso(device.revoked_at) if device.revoked_at else "-",
                    ]
                )
            )


@devices.command("revoke")
@click.argument("device_id")
def devices_revoke(device_id: str) -> None:
    """Revoke a device: its batches and bundles are refused from now on."""
    from ..audit.service import record
    from ..core.timeutil import iso
    from ..extensions import db
    from ..org.models import LearningPoint
    from .devices import revoke

    app = _app()
    with app.app_context():
        try:
            device = revoke(device_id)
        except LookupError:
            raise click.ClickException(f"No single device matches {device_id}.") from None
        point = db.session.get(LearningPoint, device.learning_point_id or 0)
        record("device-revoke", device.id, area=point if point is not None else "")
        click.echo(f"{device.id}\trevoked\t{iso(device.revoked_at)}")


@devices.command("kiosk-credential")
@click.argument("name")
def devices_kiosk_credential(name: str) -> None:
    """Print the credential a village kiosk sends when it forwards bundles (set it there as
    XUEDIAN_RELAY_CREDENTIAL), so the county trusts when the kiosk says it received them."""
    from .kiosks import credential_for

    app = _app()
    with app.app_context():
        try:
            click.echo(credential_for(name))
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="NAME") from None


@click.group()
def sync() -> None:
    """Move learning records in by file, and acknowledgements back out."""


@sync.command("import-bundle")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--received-at",
    default=None,
    help="When a volunteer or kiosk received the files (RFC 3339); default now.",
)
def sync_import_bundle(files: tuple[str, ...], received_at: str | None) -> None:
    """Import .xdsync bundles exactly as the upload endpoint does; one line per file."""
    from ..core.timeutil import parse_iso
    from ..errors import XuedianError
    from ..extensions import db
    from .bundles import BundleTooLarge, import_bundle

    moment = None
    if received_at:
        try:
            moment = parse_iso(received_at)
        except ValueError:
            raise click.BadParameter("not an RFC 3339 time", param_hint="--received-at") from None
    app = _app()
    failed = 0
    with app.app_context():
        limit = app.config["XUEDIAN"].max_body_bytes
        for file in files:
            path = Path(file)
            try:
                with path.open("rb") as handle:
                    data = handle.read(limit + 1)
                if len(data) > limit:
                    raise BundleTooLarge(limit=limit)
                result = import_bundle(data, path.name, moment)
            except XuedianError as error:
                db.session.rollback()
                failed += 1
                click.echo(f"{path.name}\trefused\t{error.code}\t{error.message}")
                continue
            state = "already imported" if result["already_imported"] else "imported"
            click.echo(
                f"{path.name}\t{state}\t{result['device_id']}\t{result['records']} records"
                f"\t{result['accepted']} accepted\t{result['duplicate']} duplicate"
                f"\t{result['rejected']} rejected"
            )
    if failed:
        raise click.ClickException(f"{failed} of {len(files)} bundles refused.")


@sync.command("ack")
@click.argument("device_id")
@click.option(
    "--out",
    required=True,
    type=click.Path(),
    help="File to write, or a folder to write xuedian-<id>-<time>.xdack into.",
)
def sync_ack(device_id: str, out: str) -> None:
    """Write a county-signed .xdack for a device, to carry back to the phone."""
    from .acks import ack_file
    from .devices import DeviceRevoked, find_device

    app = _app()
    with app.app_context():
        try:
            device = find_device(device_id)
        except LookupError:
            raise click.ClickException(f"No single device matches {device_id}.") from None
        if device.revoked_at is not None:
            raise DeviceRevoked(device_id=device.id)
        name, body = ack_file(device)
        path = Path(out)
        if path.is_dir():
            path = path / name
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(body)
        tmp.replace(path)
        click.echo(f"{path}\t{device.id}\tmax_contiguous_seq {device.max_contiguous_seq}")


@click.group()
def quarantine() -> None:
    """Refused (quarantined) records kept as excerpts."""


@quarantine.command("purge")
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(min=1),
    default=None,
    help="Days; default XUEDIAN_QUARANTINE_WINDOW_DAYS (rows past the quota window).",
)
def quarantine_purge(days: int | None) -> None:
    """Delete quarantine rows received more than DAYS days ago."""
    from ..core.timeutil import utcnow
    from ..extensions import db
    from .quarantine import purge

    app = _app()
    with app.app_context():
        days = days or app.config["XUEDIAN"].quarantine_window_days
        deleted = purge(days, utcnow())
        db.session.commit()
    click.echo(f"deleted {deleted} quarantine rows older than {days} days")
