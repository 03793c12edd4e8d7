"""``xuedian reports rebuild``: recount the report aggregates from every stored record."""

from __future__ import annotations

import click

from ..core.cliapp import cli_app as _app


@click.group()
def reports() -> None:
    """Report aggregates."""


@reports.command("rebuild")
def reports_rebuild() -> None:
    """Recount the aggregates from every stored record, in one transaction."""
    from ..extensions import db
    from .aggregates import rebuild

    app = _app()
    with app.app_context():
        count = rebuild()
        db.session.commit()
    click.echo(f"recounted {count} records")
