"""``xuedian relay init|run|status|sync``: set up and run a village kiosk relay."""

from __future__ import annotations

import logging
from pathlib import Path

import click

#: https://…/trusted-keys.json is a small document; anything bigger is not one.
MAX_KEYS_BYTES = 1 << 20


def _relay():
    from .. import create_relay_app

    return create_relay_app().extensions["xuedian.relay"]


@click.group()
def relay() -> None:
    """Run a village kiosk relay (docs/relay.md)."""


@relay.command("init")
@click.option("--upstream", required=True, help="The county server's base URL.")
@click.option(
    "--keys",
    "keys_file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="A copy of the county's /trusted-keys.json to pin instead of fetching it.",
)
@click.option("--replace", is_flag=True, help="Replace keys pinned before (after a rotation).")
def relay_init(upstream: str, keys_file: str | None, replace: bool) -> None:
    """Pin the county's signing keys for this relay (trust on first use, or from a file)."""
    from .keys import parse_keys
    from .upstream import Upstream

    current = _relay()
    upstream = upstream.rstrip("/")
    if keys_file:
        data = Path(keys_file).read_bytes()[:MAX_KEYS_BYTES]
        source = f"file {Path(keys_file).name}"
    else:
        data = Upstream(upstream).request("GET", "/trusted-keys.json", limit=MAX_KEYS_BYTES).body
        source = f"trust on first use: {upstream}/trusted-keys.json"
    document = current.keys.pin(upstream, parse_keys(data), source, replace=replace)
    click.echo(f"relay folder: {current.root}")
    click.echo(f"upstream: {document['upstream']}")
    click.echo(f"pinned from {source}:")
    for key in document["keys"]:
        expires = f"\texpires {key['expires']}" if key.get("expires") else ""
        click.echo(f"  {key['key_id']}\t{key['public_key']}{expires}")
    click.echo("Compare these key ids with `xuedian keys list` on the county server.")


@relay.command("run")
@click.option("--upstream", default=None, help="County URL; default: the one pinned by init.")
@click.option("--host", default=None, help="Address to bind [default: XUEDIAN_BIND_HOST, 0.0.0.0].")
@click.option(
    "--port", type=int, default=None, help="Port to bind [default: XUEDIAN_BIND_PORT, 8080]."
)
@click.option(
    "--interval",
    type=click.IntRange(min=1),
    default=None,
    help="Seconds between passes (default: XUEDIAN_RELAY_INTERVAL, 60).",
)
def relay_run(
    upstream: str | None, host: str | None, port: int | None, interval: int | None
) -> None:
    """Serve the LAN pages and mirror and forward in the background until stopped."""
    from ..serving import RELAY, exec_gunicorn

    current = _relay()
    current.keys.trusted()  # refuses to start before `relay init`
    given = {
        "relay_upstream": upstream,
        "relay_interval": interval,
        "bind_host": host,
        "bind_port": port,
    }
    click.echo(f"relay {current.root} → {upstream or current.upstream_url}", err=True)
    exec_gunicorn(
        "xuedian.relay.gunicorn_conf",
        "create_relay_app",
        {k: v for k, v in given.items() if v is not None},
        RELAY,
    )


@relay.command("status")
def relay_status() -> None:
    """Show the upstream, last contact, the outbox and the mirrored packs."""
    current = _relay()
    status = current.status()
    cursor = status["cursor"] or {}
    error = cursor.get("last_error") or {}
    click.echo(f"folder\t{current.root}")
    click.echo(f"upstream\t{status['upstream'] or '-'}")
    click.echo(f"keys pinned\t{'yes' if status['initialised'] else 'no'}")
    click.echo(f"last contact\t{cursor.get('last_contact') or '-'}")
    click.echo(f"last forward\t{cursor.get('last_forward') or '-'}")
    click.echo(f"next attempt\t{cursor.get('next_attempt') or 'now'}")
    click.echo(f"last error\t{error.get('code', '-')}\t{error.get('message', '')}".rstrip())
    for folder, count in status["counts"].items():
        click.echo(f"{folder}\t{count} files")
    for pack in status["packs"]:
        click.echo(f"pack\t{pack['file']}\t{pack['archive_size']} bytes")


@relay.command("sync")
def relay_sync() -> None:
    """Run one mirror-and-forward pass now, whatever the backoff; exit 1 if the county
    could not be reached."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    current = _relay()
    current.keys.trusted()
    current.run_pass(force=True)
    status = current.status()
    cursor = status["cursor"] or {}
    counts = status["counts"]
    click.echo(
        f"outbox {counts['outbox']}\tforwarded {counts['forwarded']}\trefused {counts['refused']}"
        f"\tpacks {len(status['packs'])}"
    )
    if cursor.get("failures"):
        raise click.ClickException(
            f"the county could not be reached: {(cursor.get('last_error') or {}).get('message')}"
        )
