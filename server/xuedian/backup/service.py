"""Backing up an instance into one file and restoring it.

A backup holds the database snapshot (``database.py``), the instance's secret key and key
ring (``<instance>/secret_key``, ``<instance>/keys``: signing keys and the VAPID key), the
blobs and archives the snapshot's pack releases reference (content-addressed and never
changed, so copying them after the snapshot gives exactly what it references), and the
``XUEDIAN_*`` settings in effect, as ``settings.env``. ``build/`` (a cache) and ``relay/``
(a kiosk's folder, not a county's) are left out.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import Flask

from ..config import ENV_PREFIX, Settings, describe
from ..core.timeutil import iso, utcnow
from ..errors import XuedianError
from ..extensions import MIGRATIONS, db
from . import archive, database
from .archive import Member

SQLITE_MEMBER = "database/xuedian.sqlite3"
PG_MEMBER = "database/xuedian.pgdump"
#: Settings that name the old machine or are secret; a restore must not carry them over.
_NOT_CARRIED = {"instance_path", "database_url", "secret_key", "relay_credential"}


class BackupStoreDamaged(XuedianError):
    """A backup is refused rather than written without a blob the database names."""

    code = "backup-store-damaged"
    status = 500
    message = "A blob the database references is missing from the store or does not match its id."


class BackupSchemaNewer(XuedianError):
    """A restore never runs a newer schema's data through older code."""

    code = "backup-schema-newer"
    status = 409
    message = "The backup was made by a newer Xuedian (its schema is unknown here); upgrade first."


class RestoreTargetNotEmpty(XuedianError):
    """A restore never mixes two instances' rows; ``--force`` empties the target first."""

    code = "restore-target-not-empty"
    status = 409
    message = "This instance already holds data; restore with --force to replace it."


def _scripts(app: Flask) -> ScriptDirectory:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


def _settings_env(settings: Settings) -> str:
    """Return the settings that differ from their defaults, as an EnvironmentFile."""
    lines = ["# XUEDIAN_* settings in effect when the backup was made (defaults left out)."]
    for name, _type, default, _text in describe():
        key = name.removeprefix(ENV_PREFIX).lower()
        value = getattr(settings, key)
        if key not in _NOT_CARRIED and value != default:
            lines.append(f"{name}={value}")
    return "\n".join(lines) + "\n"


def _instance_members(instance: Path, keys_folder: Path) -> list[Member]:
    members = []
    if (instance / "secret_key").is_file():
        members.append(Member("instance/secret_key", instance / "secret_key"))
    if keys_folder.is_dir():
        # Dot files are a key being written (vapid.py links it into place).
        for path in sorted(keys_folder.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                members.append(Member(f"instance/keys/{path.name}", path))
    return members


def backup(app: Flask, out: Path) -> dict:
    """Write a backup of ``app``'s instance to ``out`` and return its manifest.

    Raises :class:`BackupStoreDamaged`, or a PostgreSQL client error.
    """
    instance = Path(app.instance_path)
    store = app.extensions["xuedian.blobs"]
    out = out.resolve()
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".xuedian-backup-") as work:
        with app.app_context():
            snap = database.snapshot(str(db.engine.url.render_as_string(False)), Path(work))
        members = [Member(SQLITE_MEMBER if snap.engine == "sqlite" else PG_MEMBER, snap.file)]
        members += _instance_members(instance, app.extensions["xuedian.keyring"].folder)
        for blob_id in sorted(snap.blobs):
            member = Member(f"instance/store/blobs/{blob_id[:2]}/{blob_id}", store.path(blob_id))
            if not member.source.is_file() or member.measure().sha256 != blob_id:
                raise BackupStoreDamaged(blob=blob_id)
            members.append(member)
        for name in sorted(snap.archives):
            path = store.root / "archives" / name
            if not path.is_file():
                raise BackupStoreDamaged(
                    "A pack archive the database references is missing.", archive=name
                )
            members.append(Member(f"instance/store/archives/{name}", path))
        settings = Path(work) / "settings.env"
        settings.write_text(_settings_env(app.config["XUEDIAN"]), "utf-8")
        members.append(Member("settings.env", settings))
        for member in members:
            if not member.sha256:
                member.measure()
        from .. import __version__

        manifest = {
            "format": archive.FORMAT,
            "format_version": archive.FORMAT_VERSION,
            "created": iso(utcnow()),
            "xuedian_version": __version__,
            "schema_revision": snap.revision,
            "database": {"engine": snap.engine, "member": members[0].name, "schema": snap.schema},
            "counts": {"blobs": len(snap.blobs), "archives": len(snap.archives)},
        }
        archive.write(out, manifest, members)
    return manifest


def _check_revision(app: Flask, revision: object) -> None:
    scripts = _scripts(app)
    head = scripts.get_current_head()
    known = isinstance(revision, str) and revision in {s.revision for s in scripts.walk_revisions()}
    if not known:
        raise BackupSchemaNewer(
            f"The backup's schema revision {revision!r} is unknown to this Xuedian (newest: "
            f"{head}): it was made by a newer version. Upgrade Xuedian, then restore.",
            backup_revision=revision,
            head=head,
        )


def _is_empty(app: Flask) -> bool:
    store_blobs = app.extensions["xuedian.blobs"].root / "blobs"
    if store_blobs.is_dir() and any(store_blobs.rglob("*")):
        return False
    with app.app_context():
        return database.is_empty(db.engine)


def restore(app: Flask, path: Path, force: bool = False) -> dict:
    """Restore the backup at ``path`` into ``app``'s instance, then migrate it up to this
    version's schema. Returns the manifest.

    Raises :class:`~.archive.BackupInvalid`, :class:`~.archive.BackupTampered`,
    :class:`BackupSchemaNewer`, :class:`RestoreTargetNotEmpty` (unless ``force``),
    :class:`~.database.BackupTargetMismatch`, or a PostgreSQL client error; the instance
    is unchanged when any of them is raised before the database is replaced.
    """
    from flask_migrate import upgrade

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Staged inside the instance: the service account can write there, wherever it lives.
    with tempfile.TemporaryDirectory(dir=instance, prefix=".restore-") as work:
        staged = Path(work)
        manifest = archive.extract(path, staged)
        _check_revision(app, manifest.get("schema_revision"))
        if not force and not _is_empty(app):
            raise RestoreTargetNotEmpty()
        described = manifest.get("database") or {}
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
            database.restore(
                db.engine,
                staged / str(described.get("member")),
                described.get("engine"),
                described.get("schema"),
            )
            db.engine.dispose()
        _restore_files(app, staged)
        with app.app_context():
            upgrade()
    return manifest


def _restore_files(app: Flask, staged: Path) -> None:
    instance = Path(app.instance_path)
    keys = app.extensions["xuedian.keyring"].folder
    if (staged / "instance" / "keys").is_dir():
        if keys.is_dir() and any(keys.iterdir()):
            # Never delete a key: the instance's own set is kept aside, named by the time.
            keys.rename(keys.with_name(f"keys.before-restore-{utcnow():%Y%m%dT%H%M%S}"))
        keys.mkdir(parents=True, exist_ok=True, mode=0o700)
        for item in (staged / "instance" / "keys").iterdir():
            shutil.copyfile(item, keys / item.name)
            (keys / item.name).chmod(0o600)
    if (staged / "instance" / "secret_key").is_file():
        shutil.copyfile(staged / "instance" / "secret_key", instance / "secret_key")
        (instance / "secret_key").chmod(0o600)
    store = app.extensions["xuedian.blobs"]
    blobs = staged / "instance" / "store" / "blobs"
    for path in sorted(blobs.glob("*/*")) if blobs.is_dir() else []:
        with open(path, "rb") as f:
            store.put_stream(path.name, f)
    archives = staged / "instance" / "store" / "archives"
    for path in sorted(archives.iterdir()) if archives.is_dir() else []:
        store.put_archive(path.name, path)
    if (staged / "settings.env").is_file():
        target = instance / "restored-settings.env"
        shutil.copyfile(staged / "settings.env", target)
        target.chmod(0o600)
