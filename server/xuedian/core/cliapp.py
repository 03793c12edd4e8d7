"""The app a CLI command works on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, has_app_context


def cli_app() -> Flask:
    """Return the app of the active app context (tests), else one made from the settings."""
    if has_app_context():
        return current_app._get_current_object()
    from .. import create_app

    return create_app()


def secret_commands(
    group,
    *,
    noun: str,
    add: Callable[[str], tuple[Any, str]],
    listing: Callable[[], list],
    revoke: Callable[[str], Any],
    made_lines: Callable[[Any, str], list[str]],
    row_columns: Callable[[Any], list[str]],
) -> None:
    """Give the click ``group`` the commands ``add NAME``, ``list`` and ``revoke NAME`` over
    named machine credentials (core/namedsecrets.py): the secret is printed only once."""
    import click

    from .timeutil import iso

    @group.command("add", help=f"Create {noun} NAME and print its secret (only this once).")
    @click.argument("name")
    def add_command(name: str) -> None:
        with cli_app().app_context():
            try:
                made, secret = add(name)
            except ValueError as exc:
                raise click.ClickException(str(exc)) from None
            for line in made_lines(made, secret):
                click.echo(line)
        click.echo("Keep the secret now: only its hash is stored.", err=True)

    @group.command("list", help=f"List every {noun}: name, created and revoked (or -).")
    def list_command() -> None:
        with cli_app().app_context():
            for row in listing():
                revoked = iso(row.revoked_at) if row.revoked_at else "-"
                click.echo("\t".join([*row_columns(row), iso(row.created_at), revoked]))

    @group.command("revoke", help=f"End {noun} NAME's access at once.")
    @click.argument("name")
    def revoke_command(name: str) -> None:
        with cli_app().app_context():
            try:
                row = revoke(name)
            except LookupError:
                raise click.ClickException(f"No {noun} named {name}.") from None
            click.echo(f"{row.name}\trevoked {iso(row.revoked_at)}")
