"""``xuedian credentials``: the county issuer key (show, rotate), issuing tokens for
machine clients (add, list, revoke) and revoking an issued credential."""

from __future__ import annotations

import click

from ..core.cliapp import cli_app as _app
from ..core.cliapp import secret_commands
from . import auth
from .trustcli import trust


@click.group()
def credentials() -> None:
    """Verifiable credentials: issuer key, issuing tokens, revocation (docs/credentials.md)."""


@credentials.group()
def issuer() -> None:
    """The county issuer key (did:key), kept apart from the pack signing key."""


@issuer.command("show")
def issuer_show() -> None:
    """Print the active issuer DID (made on first use), then every key and its status."""
    keys = _app().extensions["xuedian.issuer_keys"]
    active = keys.active()
    click.echo(active.did)
    for key in keys.all():
        click.echo(f"{key.did}\t{key.status}\t{key.created}", err=True)


@issuer.command("rotate")
def issuer_rotate() -> None:
    """Make a new active issuer key; earlier keys stay known so what they signed verifies."""
    click.echo(_app().extensions["xuedian.issuer_keys"].rotate().did)


@credentials.group()
def token() -> None:
    """Bearer tokens that let a machine client call POST /credentials/issue."""


secret_commands(
    token,
    noun="issuing token",
    add=auth.add_token,
    listing=auth.tokens,
    revoke=auth.revoke_token,
    made_lines=lambda _made, text: [text],
    row_columns=lambda row: [row.name],
)


@credentials.command("revoke")
@click.argument("credential_id")
def revoke(credential_id: str) -> None:
    """Revoke the credential CREDENTIAL_ID: set its status-list bit and re-sign the list."""
    from .statuslist import revoke as revoke_credential

    app = _app()
    with app.app_context():
        revoke_credential(credential_id)
        click.echo(f"{credential_id}\trevoked")


credentials.add_command(trust)
