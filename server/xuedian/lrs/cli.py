"""``xuedian lrs``: LRS clients (add, list, revoke) and the third-party activity table."""

from __future__ import annotations

import click

from ..core.cliapp import cli_app as _app


@click.group()
def lrs() -> None:
    """The xAPI Learning Record Store at /xapi/ (docs/lrs.md)."""


@lrs.group()
def client() -> None:
    """LRS clients: the Basic-auth key and secret third-party content signs in with."""


@client.command("add")
@click.argument("name")
def client_add(name: str) -> None:
    """Create client NAME and print its key and secret (the secret only this once)."""
    from .auth import add_client

    app = _app()
    with app.app_context():
        try:
            made, secret = add_client(name)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"name: {made.name}")
        click.echo(f"key: {made.key}")
        click.echo(f"secret: {secret}")
    click.echo("Keep the secret now: only its hash is stored.", err=True)


@client.command("list")
def client_list() -> None:
    """List every client: name, key, created and revoked (or -)."""
    from ..core.timeutil import iso
    from .auth import clients

    app = _app()
    with app.app_context():
        for item in clients():
            revoked = iso(item.revoked_at) if item.revoked_at else "-"
            click.echo(f"{item.name}\t{item.key}\t{iso(item.created_at)}\t{revoked}")


@client.command("revoke")
@click.argument("name")
def client_revoke(name: str) -> None:
    """End client NAME's access at once."""
    from ..core.timeutil import iso
    from .auth import revoke_client

    app = _app()
    with app.app_context():
        try:
            item = revoke_client(name)
        except LookupError:
            raise click.ClickException(f"No LRS client named {name}.") from None
        click.echo(f"{item.name}\trevoked {iso(item.revoked_at)}")


@lrs.command("activity")
def activity() -> None:
    """Print the third-party activity table: statements per verb and activity."""
    from .report import third_party_activity

    app = _app()
    with app.app_context():
        rows = third_party_activity()
        for row in rows:
            click.echo(f"{row.statements}\t{row.verb}\t{row.activity}\t{row.last_stored}")
        click.echo(f"{sum(r.statements for r in rows)} third-party statements", err=True)
