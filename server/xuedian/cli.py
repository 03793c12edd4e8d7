"""The ``xuedian`` command: one click group for every task (docs/cli.md lists them)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app, has_app_context

from . import CHECKOUT, create_app
from .errors import XuedianError
from .relay.cli import relay


def _app() -> Flask:
    """Return the app of the active app context (tests), else one made from the settings."""
    if has_app_context():
        return current_app._get_current_object()
    return create_app()


class _Group(click.Group):
    """A command group that reports a :class:`XuedianError` as one line, code first."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except XuedianError as exc:
            raise click.ClickException(f"{exc.code}: {exc.message}") from exc


@click.group(cls=_Group)
@click.version_option(package_name="xuedian")
def main() -> None:
    """Xuedian (学点) county server."""


@main.command()
def init() -> None:
    """Create the instance folder, upgrade the database and make a signing key."""
    from flask_migrate import upgrade

    app = _app()
    with app.app_context():
        upgrade()
        key = app.extensions["xuedian.keyring"].ensure()
    click.echo(f"instance: {app.instance_path}")
    click.echo(f"signing key: {key.key_id}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, help="Port to bind.")
@click.option("--workers", default=1, show_default=True, help="gunicorn worker processes.")
def serve(host: str, port: int, workers: int) -> None:
    """Serve the app and the PWA with gunicorn."""
    from .serving import exec_gunicorn

    exec_gunicorn(host, port, workers)


@main.group()
def keys() -> None:
    """Manage the county signing keys."""


@keys.command("list")
def keys_list() -> None:
    """List every signing key and its status."""
    app = _app()
    for key in app.extensions["xuedian.keyring"].all():
        expires = key.expires or "-"
        click.echo(f"{key.key_id}\t{key.status}\t{key.created}\t{expires}\t{key.public_key}")


@keys.command("create")
def keys_create() -> None:
    """Make a signing key if the instance has none."""
    key = _app().extensions["xuedian.keyring"].ensure()
    click.echo(key.key_id)


@keys.command("rotate")
@click.option(
    "--retire-after-days",
    type=click.IntRange(min=0),
    default=None,
    help="Let the previous key expire this many days from now (default: never).",
)
def keys_rotate(retire_after_days: int | None) -> None:
    """Make a new active key; earlier keys stay trusted as retired."""
    after = None if retire_after_days is None else timedelta(days=retire_after_days)
    key = _app().extensions["xuedian.keyring"].create(retire_after=after)
    click.echo(key.key_id)


@keys.command("revoke")
@click.argument("key_id")
def keys_revoke(key_id: str) -> None:
    """Make a retired key expire now, so phones refuse what it signed."""
    try:
        key = _app().extensions["xuedian.keyring"].revoke(key_id)
    except LookupError:
        raise click.ClickException(f"No key {key_id}.") from None
    except ValueError:
        raise click.ClickException("Rotate first: the active key cannot be revoked.") from None
    click.echo(f"{key.key_id}\t{key.status}\t{key.expires}")


@main.group()
def packs() -> None:
    """Build and publish content packs."""


@packs.command("build")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option(
    "--out",
    default="build/packs",
    show_default=True,
    type=click.Path(),
    help="Folder for the .xdpack archives.",
)
def packs_build(sources: tuple[str, ...], out: str) -> None:
    """Build pack source folders into signed .xdpack archives."""
    from .packs.builder import build

    app = _app()
    for source in sources:
        try:
            built = _build_with_progress(build, Path(source), Path(out), app)
        except XuedianError as exc:
            # Name the folder too: one command may build several packs.
            raise click.ClickException(f"{exc.code}: {source}: {exc.message}") from exc
        click.echo(
            f"{built.archive}\t{built.archive_size} bytes ({built.archive_size / 1e6:.2f} MB)"
            f"\t{built.audio_seconds / 60:.1f} min audio"
        )


def _build_with_progress(build, source: Path, out: Path, app: Flask):
    """Build one pack source, with a progress bar on standard error once the total is known."""
    import sys

    from .packs.media import default_cache_dir

    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(
                length=total,
                label=f"build {source.name}",
                file=sys.stderr,
                show_pos=True,
            )
            bar.__enter__()
        bar.update(1)

    cache = default_cache_dir(app.config["XUEDIAN"].build_cache)
    try:
        return build(source, out, app.extensions["xuedian.keyring"], progress, cache)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


@packs.command("publish")
@click.argument("archives", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def packs_publish(archives: tuple[str, ...]) -> None:
    """Publish built archives and re-sign the catalog."""
    from .packs.service import publish

    app = _app()
    with app.app_context():
        for archive in archives:
            release = publish(Path(archive))
            click.echo(f"published {release.pack_id} v{release.version}")


@packs.command("list")
def packs_list() -> None:
    """List the current release of every published pack."""
    from .packs.service import current_releases

    app = _app()
    with app.app_context():
        for release in current_releases():
            title = release.title.get("zh-CN", "")
            click.echo(f"{release.pack_id}\tv{release.version}\t{release.size} bytes\t{title}")


@packs.command("export")
@click.argument("pack_ids", nargs=-1)
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder to copy the archives to (an SD card, a kiosk folder).",
)
def packs_export(pack_ids: tuple[str, ...], out: str) -> None:
    """Copy the current .xdpack archive of each pack (all packs by default) to a folder."""
    from .packs.service import export_archives

    app = _app()
    with app.app_context():
        for path in export_archives(Path(out), list(pack_ids) or None):
            click.echo(f"{path}\t{path.stat().st_size} bytes")


@main.group()
def devices() -> None:
    """See and revoke the phones that sync with this server."""


@devices.command("list")
def devices_list() -> None:
    """List every device: id, created, last seen, app version, unsent, revoked."""
    from .core.timeutil import iso
    from .sync.devices import all_devices

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
    from .core.timeutil import iso
    from .sync.devices import revoke

    app = _app()
    with app.app_context():
        try:
            device = revoke(device_id)
        except LookupError:
            raise click.ClickException(f"No single device matches {device_id}.") from None
        click.echo(f"{device.id}\trevoked\t{iso(device.revoked_at)}")


@main.group()
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
    from .core.timeutil import parse_iso
    from .errors import XuedianError
    from .extensions import db
    from .sync.bundles import BundleTooLarge, import_bundle

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
    from .sync.acks import ack_file
    from .sync.devices import DeviceRevoked, find_device

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


@main.group()
def inbox() -> None:
    """Send messages to phones (they arrive with the next sync)."""


@inbox.command("send")
@click.option("--title-zh", required=True, help="Title in Chinese.")
@click.option("--title-en", required=True, help="Title in English.")
@click.option("--body-zh", required=True, help="Text in Chinese.")
@click.option("--body-en", required=True, help="Text in English.")
@click.option("--device", "device_id", default=None, help="Only this device (id or 8+ chars).")
def inbox_send(
    title_zh: str, title_en: str, body_zh: str, body_en: str, device_id: str | None
) -> None:
    """Send a message to one device, or to every device."""
    from .push.service import send
    from .sync.devices import find_device

    app = _app()
    with app.app_context():
        device = None
        if device_id:
            try:
                device = find_device(device_id)
            except LookupError:
                raise click.ClickException(f"No single device matches {device_id}.") from None
        message = send(
            {"zh-CN": title_zh, "en": title_en}, {"zh-CN": body_zh, "en": body_en}, device
        )
        click.echo(f"message {message.id}\tto {device.id if device else 'all devices'}")


@inbox.command("list")
def inbox_list() -> None:
    """List every message sent: id, created, to, zh-CN title."""
    from .core.timeutil import iso
    from .push.service import all_messages

    app = _app()
    with app.app_context():
        click.echo("id\tcreated\tto\ttitle")
        for message in all_messages():
            to = message.device_id or "all"
            click.echo(f"{message.id}\t{iso(message.created_at)}\t{to}\t{message.title['zh-CN']}")


@main.group()
def export() -> None:
    """Export stored data in standard formats."""


@export.command("xapi")
@click.option(
    "--out",
    type=click.File("w", encoding="utf-8"),
    default="-",
    show_default=True,
    help="File to write (JSON Lines), - for standard output.",
)
def export_xapi(out) -> None:
    """Write every learning record as an xAPI 1.0.3 statement, one JSON object a line."""
    import json

    from .sync.xapi import statements

    app = _app()
    with app.app_context():
        count = 0
        for item in statements(app.config["XUEDIAN"].public_url):
            out.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
    click.echo(f"exported {count} statements", err=True)


@main.command()
@click.option(
    "--packs-dir",
    default=str(CHECKOUT / "content_packs"),
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder of pack sources.",
)
def demo(packs_dir: str) -> None:
    """Initialise the instance and publish every demo pack not yet published."""
    from flask_migrate import upgrade

    from .packs.builder import build
    from .packs.service import current_version, publish
    from .packs.source import read_source

    app = _app()
    with app.app_context():
        upgrade()
        app.extensions["xuedian.keyring"].ensure()
        out = Path(app.instance_path) / "build"
        for source in sorted(p.parent for p in Path(packs_dir).glob("*/pack.yaml")):
            pack = read_source(source).pack
            if pack["version"] <= current_version(pack["id"]):
                click.echo(f"{pack['id']} v{pack['version']} already published")
                continue
            built = _build_with_progress(build, source, out, app)
            publish(built.archive)
            click.echo(f"published {pack['id']} v{pack['version']}")


main.add_command(relay)
