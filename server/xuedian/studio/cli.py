"""``xuedian studio …``: the publishing institutions of the studio and their author accounts
(the same as the administrators' forms on /staff/studio, and audited the same way)."""

from __future__ import annotations

import click

from ..org.cli import _PASSWORD_FILE, _run, add_account
from ..org.models import PUBLISHER_KINDS


@click.group()
def studio() -> None:
    """The studio's publishing institutions and authors (docs/studio.md)."""


@studio.group()
def publisher() -> None:
    """Publishing institutions: schools, libraries, cultural centres, enterprises, village
    committees."""


@publisher.command("add")
@click.option("--code", required=True, help="Code of the institution (letters, digits, hyphens).")
@click.option("--name", required=True, help="Its name in Chinese, as the phone shows it.")
@click.option("--name-en", default="", help="Its name in English.")
@click.option("--kind", required=True, type=click.Choice(PUBLISHER_KINDS), help="What it is.")
@click.option("--area", "area_code", required=True, help="Code of the area it is registered in.")
def add_publisher(code: str, name: str, name_en: str, kind: str, area_code: str) -> None:
    """Register a publishing institution in an area."""
    from ..audit.service import record
    from ..org.service import area_by_code, create_publisher

    def run():
        area = area_by_code(area_code)
        found = create_publisher(code, name, name_en, kind, area)
        record("publisher-add", found.code, {"kind": found.kind}, area=area, commit=False)
        return found.id, found.code

    publisher_id, made = _run(run)
    click.echo(f"publisher {made} (id {publisher_id}) in area {area_code}")


@publisher.command("list")
def list_publishers() -> None:
    """List the institutions: id, code, kind, area code, name, English name (tab-separated,
    one header line)."""
    from sqlalchemy import select

    from ..extensions import db
    from ..org.models import Area, Publisher

    def run():
        query = select(Publisher, Area.code).join(Area, Area.id == Publisher.area_id)
        return [
            (p.id, p.code, p.kind, area, p.name, p.name_en or "")
            for p, area in db.session.execute(query.order_by(Publisher.code))
        ]

    click.echo("id\tcode\tkind\tarea\tname\tname_en")
    for row in _run(run):
        click.echo("\t".join(str(v) for v in row))


@studio.group()
def author() -> None:
    """Author accounts, each scoped to one institution."""


@author.command("add")
@click.option("--username", required=True, help="Login name (lower case).")
@click.option("--publisher", "publisher_code", required=True, help="Code of its institution.")
@_PASSWORD_FILE
def add_author(username: str, publisher_code: str, password_file: str | None) -> None:
    """Create an author of one institution (password: --password-file,
    XUEDIAN_AUTHOR_PASSWORD, or a prompt)."""
    staff_id = add_account(
        username,
        password_file,
        "XUEDIAN_AUTHOR_PASSWORD",
        "author",
        publisher_code=publisher_code,
    )
    click.echo(f"author {username.strip().lower()} (id {staff_id}) of {publisher_code}")
