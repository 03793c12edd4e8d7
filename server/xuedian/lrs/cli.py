"""``xuedian lrs``: LRS clients (add, list, revoke) and the third-party activity table."""

from __future__ import annotations

import click

from ..core.cliapp import cli_app as _app
from ..core.cliapp import secret_commands
from . import auth


@click.group()
def lrs() -> None:
    """The xAPI Learning Record Store at /xapi/ (docs/lrs.md)."""


@lrs.group()
def client() -> None:
    """LRS clients: the Basic-auth key and secret third-party content signs in with."""


secret_commands(
    client,
    noun="LRS client",
    add=auth.add_client,
    listing=auth.clients,
    revoke=auth.revoke_client,
    made_lines=lambda made, secret: [
        f"name: {made.name}",
        f"key: {made.key}",
        f"secret: {secret}",
    ],
    row_columns=lambda row: [row.name, row.key],
)


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
