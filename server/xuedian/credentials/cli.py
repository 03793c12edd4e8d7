"""``xuedian credentials``: the county issuer key (show, rotate), issuing tokens for
machine clients (add, list, revoke) and revoking an issued credential."""

from __future__ import annotations

import click

from ..core.cliapp import cli_app as _app
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


@token.command("add")
@click.argument("name")
def token_add(name: str) -> None:
    """Create token NAME and print it (only this once: only its hash is stored)."""
    from .auth import add_token

    app = _app()
    with app.app_context():
        try:
            _made, text = add_token(name)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(text)
    click.echo("Keep the token now: only its hash is stored.", err=True)


@token.command("list")
def token_list() -> None:
    """List every token: name, created and revoked (or -)."""
    from ..core.timeutil import iso
    from .auth import tokens

    app = _app()
    with app.app_context():
        for item in tokens():
            revoked = iso(item.revoked_at) if item.revoked_at else "-"
            click.echo(f"{item.name}\t{iso(item.created_at)}\t{revoked}")


@token.command("revoke")
@click.argument("name")
def token_revoke(name: str) -> None:
    """End token NAME's access at once."""
    from .auth import revoke_token

    app = _app()
    with app.app_context():
        try:
            revoke_token(name)
        except LookupError:
            raise click.ClickException(f"No issuing token named {name}.") from None
        click.echo(f"{name}\trevoked")


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
