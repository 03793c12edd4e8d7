"""``xuedian province``: a county's pull tokens, a province's counties, push and pull now."""

from __future__ import annotations

import json

import click

from ..core.cliapp import cli_app as _app


@click.group()
def province() -> None:
    """The province tier: aggregates a county sends its province (docs/deploy.md)."""


@province.group()
def token() -> None:
    """County: tokens a province pulls this county's aggregates with."""


@token.command("issue")
@click.argument("name", default="province")
def token_issue(name: str) -> None:
    """Issue pull token NAME and print it once, with this county's URL and key."""
    from ..keys.service import keyring
    from .tokens import issue

    app = _app()
    with app.app_context():
        try:
            made = issue(name)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        key = keyring().ensure()
        click.echo(f"token: {made}")
        click.echo(f"key: {key.key_id} {key.public_key}")
    click.echo("Keep the token now: only its hash is stored.", err=True)


@token.command("list")
def token_list() -> None:
    """List tokens: name, created, last used and revoked (or -)."""
    from ..core.timeutil import iso
    from .tokens import listed

    with _app().app_context():
        for row in listed():
            used = iso(row.last_used_at) if row.last_used_at else "-"
            revoked = iso(row.revoked_at) if row.revoked_at else "-"
            click.echo(f"{row.name}\t{iso(row.created_at)}\t{used}\t{revoked}")


@token.command("revoke")
@click.argument("name")
def token_revoke(name: str) -> None:
    """End token NAME's pulls at once."""
    from .tokens import revoke

    with _app().app_context():
        try:
            revoke(name)
        except LookupError:
            raise click.ClickException(f"no token named {name!r}") from None
    click.echo(f"revoked {name}")


@province.group()
def county() -> None:
    """Province: the counties whose aggregates this province keeps."""


_KEY = click.option(
    "--key",
    "pinned",
    multiple=True,
    metavar="KEY_ID:PUBLIC_KEY",
    help="The county's key as `token issue` printed it; without it, its "
    "/trusted-keys.json is fetched from URL.",
)


def _keys(url: str, pinned: tuple[str, ...]) -> list[dict]:
    from .transfer import fetch_keys

    if not pinned:
        try:
            return fetch_keys(url)
        except (OSError, ValueError) as exc:
            raise click.ClickException(f"could not read {url}/trusted-keys.json: {exc}") from None
    keys = []
    for item in pinned:
        key_id, _, public = item.replace(" ", ":", 1).partition(":")
        if not key_id or not public:
            raise click.ClickException(f"--key {item!r} is not KEY_ID:PUBLIC_KEY")
        keys.append({"key_id": key_id, "alg": "Ed25519", "public_key": public})
    return keys


@county.command("add")
@click.argument("name")
@click.argument("url")
@click.argument("pull_token", metavar="TOKEN")
@_KEY
def county_add(name: str, url: str, pull_token: str, pinned: tuple[str, ...]) -> None:
    """Register county NAME at URL, pulled with TOKEN (issued by the county)."""
    from .intake import add_county

    keys = _keys(url, pinned)
    with _app().app_context():
        try:
            made = add_county(name, url, pull_token, keys)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"county {made.name} (id {made.id}) at {made.url}, {len(keys)} key(s)")


@county.command("keys")
@click.argument("name")
@_KEY
def county_keys(name: str, pinned: tuple[str, ...]) -> None:
    """Read county NAME's keys again (after it rotated its key), or pin them with --key."""
    from .intake import counties, set_keys

    with _app().app_context():
        found = [c for c in counties() if c.name == name]
        if not found:
            raise click.ClickException(f"no county named {name!r}")
        keys = _keys(found[0].url, pinned)
        try:
            set_keys(name, keys)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"county {name}: {len(keys)} key(s)")


@county.command("list")
def county_list() -> None:
    """List counties: name, URL, latest sequence number and when it was received."""
    from ..core.timeutil import iso
    from .intake import latest

    with _app().app_context():
        for row, agg in latest():
            seen = f"{agg.seq}\t{iso(agg.received_at)}\t{agg.via}" if agg else "-\t-\t-"
            click.echo(f"{row.name}\t{row.url}\t{seen}")


@province.command("push")
def push_now() -> None:
    """County: build, sign and push the aggregates to XUEDIAN_PROVINCE_URL now."""
    from flask import current_app

    from .transfer import push

    with _app().app_context():
        if not current_app.config["XUEDIAN"].province_url:
            raise click.ClickException("set XUEDIAN_PROVINCE_URL first")
        out = push()
    click.echo(json.dumps(out))
    if out["status"] != "sent":
        raise SystemExit(1)


@province.command("pull")
@click.argument("name", required=False)
def pull_now(name: str | None) -> None:
    """Province: pull county NAME (every county without one) now."""
    from .intake import counties
    from .transfer import pull, pull_all

    with _app().app_context():
        if name is None:
            click.echo(json.dumps(pull_all()))
            return
        found = [c for c in counties() if c.name == name]
        if not found:
            raise click.ClickException(f"no county named {name!r}")
        click.echo("changed" if pull(found[0]) else "same")


@province.command("document")
def show_document() -> None:
    """County: print the aggregates document as it would be sent (unsigned, unnumbered)."""
    from .document import build

    with _app().app_context():
        click.echo(json.dumps(build(), ensure_ascii=False, indent=1))
