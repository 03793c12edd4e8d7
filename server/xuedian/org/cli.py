"""``xuedian create-admin`` and ``xuedian org …``: areas, learning points and staff accounts."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..core.cliapp import cli_app as _app


def _password(password_file: str | None, env_name: str) -> str:
    """The password from a file (first line), an environment variable, or a prompt."""
    if password_file:
        text = Path(password_file).read_text("utf-8").splitlines()
        return text[0] if text else ""
    if os.environ.get(env_name):
        return os.environ[env_name]
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _run(fn):
    """Run ``fn`` in an app context and commit, turning an OrgError into one line."""
    from ..extensions import db
    from .service import OrgError

    app = _app()
    with app.app_context():
        try:
            result = fn()
            db.session.commit()
            return result
        except OrgError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from None


def _audited(action: str, staff, details: dict | None = None) -> int:
    """Record an account change made from the command line (who: ``cli``); the change and
    its record are committed together by :func:`_run`. Returns the account id."""
    from ..audit.service import record

    record(action, staff.username, details, area=staff, commit=False)
    return staff.id


_PASSWORD_FILE = click.option(
    "--password-file",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="Read the password from the first line of this file.",
)


def add_account(
    username: str, password_file: str | None, env_name: str, role: str, **scope: str
) -> int:
    """Create a staff account of ``role`` scoped by ``scope`` (``area_code``, ``point_code``
    or ``publisher_code``) with the password from a file, ``env_name`` or a prompt, audited
    as made from the command line. Returns the account id."""
    from .service import check_password, create_staff

    password = _password(password_file, env_name)
    try:
        check_password(password)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    return _run(
        lambda: _audited(
            "account-add", create_staff(username, password, role, **scope), {"role": role}
        )
    )


@click.command("create-admin")
@click.option("--username", required=True, help="Login name (lower case).")
@click.option("--area", "area_code", required=True, help="Code of the area it may see.")
@_PASSWORD_FILE
def create_admin(username: str, area_code: str, password_file: str | None) -> None:
    """Create an administrator scoped to an area (password: --password-file,
    XUEDIAN_ADMIN_PASSWORD, or a prompt)."""
    staff_id = add_account(
        username, password_file, "XUEDIAN_ADMIN_PASSWORD", "admin", area_code=area_code
    )
    click.echo(f"admin {username.strip().lower()} (id {staff_id}) scoped to area {area_code}")


@click.group()
def org() -> None:
    """Areas, learning points and staff accounts."""


@org.group()
def area() -> None:
    """The area tree: county › township › village."""


@area.command("add")
@click.option("--level", type=click.Choice(["county", "township", "village"]), required=True)
@click.option("--code", required=True, help="Short stable code: letters, digits, hyphens.")
@click.option("--name", required=True, help="Chinese name.")
@click.option("--name-en", default="", help="English name.")
@click.option("--parent", "parent", default=None, help="Code of the parent area.")
def area_add(level: str, code: str, name: str, name_en: str, parent: str | None) -> None:
    """Add a county, a township (--parent county) or a village (--parent township)."""
    from .service import create_area

    path = _run(lambda: create_area(level, code, name, name_en, parent).path)
    click.echo(f"{level} {code}\t{path}")


@area.command("list")
def area_list() -> None:
    """List every area as an indented tree: code, level, name."""
    from .service import list_areas

    def lines():
        return [
            f"{'  ' * (a.path.count('/') - 2)}{a.code}\t{a.level}\t{a.name}\t{a.name_en}"
            for a in list_areas()
        ]

    for line in _run(lines):
        click.echo(line)


@org.group()
def point() -> None:
    """Learning points (in villages)."""


@point.command("add")
@click.option("--code", required=True, help="Enrolment code used in /?point=CODE.")
@click.option("--name", required=True, help="Chinese name.")
@click.option("--name-en", default="", help="English name.")
@click.option("--village", "village", required=True, help="Code of its village.")
def point_add(code: str, name: str, name_en: str, village: str) -> None:
    """Add a learning point in a village."""
    from .service import create_point

    _run(lambda: create_point(code, name, village, name_en).id)
    click.echo(f"point {code} in {village}")


@point.command("list")
def point_list() -> None:
    """List every learning point: code, village, name."""
    from .service import list_points

    rows = _run(lambda: [(p.code, a.code, p.name) for p, a in list_points()])
    click.echo("code\tvillage\tname")
    for row in rows:
        click.echo("\t".join(row))


@org.group()
def volunteer() -> None:
    """Volunteer accounts."""


@volunteer.command("add")
@click.option("--username", required=True, help="Login name (lower case).")
@click.option("--point", "point_code", required=True, help="Code of their learning point.")
@_PASSWORD_FILE
def volunteer_add(username: str, point_code: str, password_file: str | None) -> None:
    """Create a volunteer scoped to a learning point (password: --password-file,
    XUEDIAN_VOLUNTEER_PASSWORD, or a prompt)."""
    add_account(
        username, password_file, "XUEDIAN_VOLUNTEER_PASSWORD", "volunteer", point_code=point_code
    )
    click.echo(f"volunteer {username.strip().lower()} at point {point_code}")


@org.group()
def staff() -> None:
    """Every staff account."""


@staff.command("list")
def staff_list() -> None:
    """List staff accounts: username, role, scope, active, last login."""
    from ..core.timeutil import iso
    from .service import list_staff, scope_label

    def rows():
        return [
            (
                s.username,
                s.role,
                scope_label(s),
                "yes" if s.active else "no",
                iso(s.last_login_at) if s.last_login_at else "-",
            )
            for s in list_staff()
        ]

    click.echo("username\trole\tscope\tactive\tlast login")
    for row in _run(rows):
        click.echo("\t".join(row))


@staff.command("deactivate")
@click.argument("username")
def staff_deactivate(username: str) -> None:
    """Deactivate an account; it is signed out at its next request."""
    from .service import set_active

    _run(lambda: _audited("account-active", set_active(username, False), {"active": False}))
    click.echo(f"{username} deactivated")


@staff.command("activate")
@click.argument("username")
def staff_activate(username: str) -> None:
    """Let a deactivated account sign in again."""
    from .service import set_active

    _run(lambda: _audited("account-active", set_active(username, True), {"active": True}))
    click.echo(f"{username} activated")


@staff.command("password")
@click.argument("username")
@_PASSWORD_FILE
def staff_password(username: str, password_file: str | None) -> None:
    """Set a new password (--password-file, XUEDIAN_STAFF_PASSWORD, or a prompt)."""
    from .service import set_password

    password = _password(password_file, "XUEDIAN_STAFF_PASSWORD")
    _run(lambda: _audited("account-password", set_password(username, password)))
    click.echo(f"password of {username} changed")
