"""``xuedian backup --out FILE`` and ``xuedian restore FILE [--force]``."""

from __future__ import annotations

from pathlib import Path

import click

from ..core.cliapp import cli_app as _app


@click.command("backup")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="The backup file to write (a tar archive; replaced whole if it exists).",
)
def backup(out: Path) -> None:
    """Write the database, keys, blobs and settings to one file, while phones sync."""
    from .service import backup as make

    manifest = make(_app(), out)
    counts = manifest["counts"]
    click.echo(
        f"{out}\tschema {manifest['schema_revision']}\t{manifest['database']['engine']}\t"
        f"{counts['blobs']} blobs\t{counts['archives']} archives"
    )


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace an instance that already holds data.")
def restore(file: Path, force: bool) -> None:
    """Restore a backup into this instance (stop the server first), then migrate it up."""
    from .service import restore as put_back

    app = _app()
    manifest = put_back(app, file, force=force)
    click.echo(
        f"restored {file} (made {manifest['created']}, schema {manifest['schema_revision']})"
    )
    click.echo(
        f"settings in effect at backup time: {Path(app.instance_path) / 'restored-settings.env'}"
    )
