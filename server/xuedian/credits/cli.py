"""``xuedian credits``: certify outcomes from every stored record and sign their
credentials (docs/credits.md)."""

from __future__ import annotations

import click

from ..core.cliapp import cli_app as _app


@click.group()
def credits() -> None:
    """The credit bank: outcome definitions, certification, credentials (docs/credits.md)."""


@credits.command("certify")
@click.option("--no-sign", is_flag=True, help="Certify only; sign credentials later.")
def certify(no_sign: bool) -> None:
    """Make the packs' default definitions, certify what the records meet and revoke what
    they no longer meet (idempotent), then sign the credentials outcomes lack."""
    from ..extensions import db
    from .certify import certify_all
    from .issuing import settle

    with _app().app_context():
        made, taken = certify_all()
        db.session.commit()
        issued, revoked = (0, 0) if no_sign else settle()
    click.echo(f"certified {made}, revoked {taken}, signed {issued}, status bits set {revoked}")
