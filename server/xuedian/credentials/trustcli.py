"""``xuedian credentials trust``: the province trust list (docs/credentials.md, "Moving
between counties"). A county exports its entry; the province (or a county it names) makes
a key, builds and signs the list from every county's entry; each county pins the province
key once and imports each new list, which is refused, changing nothing, unless the pinned
key signed it."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..core.cliapp import cli_app as _app
from .trustlist import TrustListInvalid


def _read_json(path: str) -> dict:
    try:
        return json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"{path}: not a JSON file ({exc})") from None


@click.group()
def trust() -> None:
    """The province trust list of county issuer keys."""


@trust.command("export")
@click.option("--name", required=True, help="The county's name, as other counties show it.")
@click.option("--url", default="", help="The county's public URL (default XUEDIAN_PUBLIC_URL).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File (default stdout).")
def trust_export(name: str, url: str, output: str | None) -> None:
    """Write this county's entry: every issuer key with its validity, name and URL."""
    from .trustlist import county_entries

    app = _app()
    url = url or app.config["XUEDIAN"].public_url
    keys = app.extensions["xuedian.issuer_keys"]
    keys.active()
    text = json.dumps(county_entries(keys.all(), name, url), ensure_ascii=False, indent=2)
    if output:
        Path(output).write_text(text + "\n", "utf-8")
    else:
        click.echo(text)


@trust.command("keygen")
@click.argument("key_file", type=click.Path(dir_okay=False))
def trust_keygen(key_file: str) -> None:
    """Make a province signing key in KEY_FILE (0600) and print its did:key to pin."""
    from .trustlist import new_key

    try:
        click.echo(new_key(Path(key_file)))
    except FileExistsError:
        raise click.ClickException(f"{key_file} exists; a key is never overwritten.") from None


@trust.command("build")
@click.argument("entries", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--key", "key_file", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--name", required=True, help="The province (or region) the list is of.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
def trust_build(entries: tuple[str, ...], key_file: str, name: str, output: str) -> None:
    """Build the trust list of the county ENTRIES (export files) and sign it with --key."""
    from .trustlist import build, load_key

    try:
        signed = build([_read_json(p) for p in entries], name, load_key(Path(key_file)))
    except (TrustListInvalid, ValueError) as exc:
        raise click.ClickException(f"trust list refused: {exc}") from None
    Path(output).write_text(json.dumps(signed, ensure_ascii=False, indent=2) + "\n", "utf-8")
    signer = signed["proof"]["verificationMethod"]
    click.echo(f"{output}\t{len(signed['counties'])} keys\tsigned by {signer}")


@trust.command("pin")
@click.argument("did")
def trust_pin(did: str) -> None:
    """Pin DID (did:key) as the province key whose signature every import must carry."""
    try:
        _app().extensions["xuedian.trust"].pin(did.strip())
    except TrustListInvalid as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"pinned\t{did.strip()}")


@trust.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def trust_import(file: str) -> None:
    """Install the trust list FILE after checking its signature against the pinned key."""
    store = _app().extensions["xuedian.trust"]
    try:
        counties = store.install(_read_json(file))
    except TrustListInvalid as exc:
        raise click.ClickException(f"trust list refused, nothing changed: {exc}") from None
    click.echo(f"installed\t{len(counties)} county keys")


@trust.command("show")
def trust_show() -> None:
    """Print the pinned province key, then each trusted key: did, name, URL, validity."""
    store = _app().extensions["xuedian.trust"]
    click.echo(store.province() or "(no province key pinned)")
    for c in store.counties():
        until = c.valid_until.isoformat() if c.valid_until else "-"
        start = c.valid_from.isoformat() if c.valid_from else "-"
        click.echo(f"{c.did}\t{c.name}\t{c.url or '-'}\t{start}\t{until}")
