"""The ``xuedian`` command: one click group for every task (docs/cli.md lists them)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click

from .backup.cli import backup, restore
from .core.cliapp import cli_app as _app
from .core.paths import default_packs_dir
from .credentials.cli import credentials
from .credits.cli import credits
from .errors import XuedianError
from .instructions.cli import instructions
from .jobs.cli import jobs, scheduler
from .lrs.cli import lrs
from .org.cli import create_admin, org
from .packs.cli import blobs, build_with_progress, packs
from .points.cli import points
from .province.cli import province
from .push.cli import inbox
from .relay.cli import relay
from .reports.cli import reports
from .studio.cli import studio
from .sync.cli import devices, quarantine, sync


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
    """Create the instance folder, upgrade the database, make a signing key and the
    credential issuer key, and prepare the bytecode the server's workers run."""
    from flask_migrate import upgrade

    from .serving import compile_bytecode

    app = _app()
    with app.app_context():
        upgrade()
        key = app.extensions["xuedian.keyring"].ensure()
        # Made here, not by the first request, so two workers never race to make it.
        issuer = app.extensions["xuedian.issuer_keys"].active()
    # gunicorn started by hand (deploy/xuedian.service) runs `python -OO` as `serve` does.
    compile_bytecode()
    click.echo(f"instance: {app.instance_path}")
    click.echo(f"signing key: {key.key_id}")
    click.echo(f"issuer: {issuer.did}")


@main.command()
@click.option(
    "--host", default=None, help="Address to bind [default: XUEDIAN_BIND_HOST, 127.0.0.1]."
)
@click.option(
    "--port", type=int, default=None, help="Port to bind [default: XUEDIAN_BIND_PORT, 8000]."
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="gunicorn worker processes [default: XUEDIAN_WORKERS, 1].",
)
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the app and the PWA with gunicorn."""
    from .serving import exec_gunicorn

    given = {"bind_host": host, "bind_port": port, "workers": workers}
    exec_gunicorn(
        "xuedian.gunicorn_conf", "create_app", {k: v for k, v in given.items() if v is not None}
    )


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
    base = app.config["XUEDIAN"].public_url.strip().rstrip("/")
    if not base:
        raise click.ClickException(
            "Set XUEDIAN_PUBLIC_URL to the county's public address first: xAPI IRIs are "
            "built from it and must not change."
        )
    with app.app_context():
        count = 0
        for item in statements(base):
            out.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
    click.echo(f"exported {count} statements", err=True)


@main.command()
@click.option(
    "--packs-dir",
    default=str(default_packs_dir()),
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder of pack sources.",
)
@click.option(
    "--url",
    default=None,
    help="Where the demo will be served, for what it prints "
    "[default: http://XUEDIAN_BIND_HOST:XUEDIAN_BIND_PORT].",
)
def demo(packs_dir: str, url: str | None) -> None:
    """Initialise the instance, publish every demo pack not yet published and create the
    demo organisation (county qingshui, staff `admin` and `volunteer`); then print what to
    open and the demo accounts."""
    from flask_migrate import upgrade

    from .org.demo import demo_accounts, ensure_demo_org
    from .packs.builder import build
    from .packs.service import current_version, publish
    from .packs.source import read_source
    from .serving import SERVE, bind

    app = _app()
    with app.app_context():
        upgrade()
        app.extensions["xuedian.keyring"].ensure()
        app.extensions["xuedian.issuer_keys"].active()
        out = Path(app.instance_path) / "build"
        for source in sorted(p.parent for p in Path(packs_dir).glob("*/pack.yaml")):
            pack = read_source(source).pack
            if pack["version"] <= current_version(pack["id"]):
                click.echo(f"{pack['id']} v{pack['version']} already published")
                continue
            built = build_with_progress(build, source, out, app)
            publish(built.archive)
            click.echo(f"published {pack['id']} v{pack['version']}")
        made = ensure_demo_org()
        click.echo(f"demo organisation: {', '.join(made) if made else 'already there'}")
        accounts = demo_accounts()
    url = (url or f"http://{bind(app.config['XUEDIAN'], SERVE)}").rstrip("/")
    click.echo(f"\nOpen {url}/ for the resident's app (学点), {url}/staff/login for staff.")
    if accounts:
        click.echo("Demo accounts (change their passwords on a real server):")
    for username, password, role in accounts:
        click.echo(f"  {username} / {password}  ({role})")


@keys.command("vapid")
def keys_vapid() -> None:
    """Make the Web Push (VAPID) key pair if missing; print its public key."""
    from .push import vapid

    app = _app()
    click.echo(vapid.public_key_b64(vapid.ensure(Path(app.instance_path))))


for group in (
    packs,
    blobs,
    devices,
    sync,
    quarantine,
    inbox,
    relay,
    instructions,
    jobs,
    scheduler,
    org,
    create_admin,
    reports,
    lrs,
    backup,
    restore,
    credentials,
    credits,
    points,
    province,
    studio,
):
    main.add_command(group)
