"""The database part of a backup: one consistent snapshot out, and back in.

SQLite: the online backup API copies every page inside one read transaction, so phones keep
syncing (WAL lets them write meanwhile) and the copy is the database at one moment.
PostgreSQL: a REPEATABLE READ transaction exports its snapshot and ``pg_dump --snapshot``
dumps exactly that; the schema revision and the pack releases are read in the same
transaction, so the blobs copied are the ones the dump references.

A PostgreSQL dump holds one schema (the one the database URL's search_path leads to,
normally ``public``) and is restored into a schema of the same name.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from ..errors import XuedianError
from ..packs.service import stored_files

#: Where Debian installs the PostgreSQL client tools, one folder per major version.
PG_LIB = Path("/usr/lib/postgresql")


class PostgresClientMissing(XuedianError):
    code = "postgres-client-missing"
    status = 500
    message = (
        "pg_dump and pg_restore were not found on PATH or under /usr/lib/postgresql/*/bin; "
        "install the PostgreSQL client tools (Debian: postgresql-client)."
    )


class PostgresClientFailed(XuedianError):
    code = "postgres-client-failed"
    status = 500
    message = "pg_dump or pg_restore failed; details.stderr says why."


class BackupTargetMismatch(XuedianError):
    code = "backup-target-mismatch"
    status = 409
    message = "This backup cannot be restored into this server's database."


@dataclass
class Snapshot:
    """What a snapshot holds: its file, engine, schema revision and the store's files."""

    engine: str
    file: Path
    revision: str | None
    schema: str | None = None
    blobs: set[str] = field(default_factory=set)
    archives: set[str] = field(default_factory=set)


def engine_name(url: str) -> str:
    """Return ``sqlite`` or ``postgresql`` for a SQLAlchemy URL."""
    return make_url(url).get_backend_name()


def _revision(conn) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def snapshot(url: str, folder: Path) -> Snapshot:
    """Write the database at ``url`` into ``folder`` as one consistent snapshot."""
    if engine_name(url) == "sqlite":
        return _sqlite_snapshot(Path(make_url(url).database), folder / "xuedian.sqlite3")
    return _pg_snapshot(url, folder / "xuedian.pgdump")


def _sqlite_snapshot(source: Path, out: Path) -> Snapshot:
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(out)
    try:
        src.backup(dst)  # every page in one step: one read transaction, one moment
        # A single file, whatever the source's journal mode: no -wal to carry beside it.
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()
    engine = sa.create_engine(f"sqlite:///{out}", poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            snap = Snapshot("sqlite", out, _revision(conn))
            snap.blobs, snap.archives = stored_files(conn)
    finally:
        engine.dispose()
    return snap


def _client(name: str) -> str:
    """Return the path of a PostgreSQL client program: the newest under
    /usr/lib/postgresql (a newer pg_dump reads older servers), else the one on PATH."""
    versions = sorted(
        PG_LIB.glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
        reverse=True,
    )
    found = str(versions[0]) if versions else shutil.which(name)
    if not found:
        raise PostgresClientMissing(
            f"{name} was not found on PATH or under {PG_LIB}/*/bin; "
            "install the PostgreSQL client tools (Debian: postgresql-client).",
            program=name,
        )
    return found


def _libpq(url: str) -> tuple[dict, str]:
    """Return (environment, database name) for libpq programs to reach ``url``; the password
    travels in the environment, never on a command line others can read."""
    parts = make_url(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    for key, value in (
        ("PGHOST", parts.host),
        ("PGPORT", parts.port),
        ("PGUSER", parts.username),
        ("PGPASSWORD", parts.password),
        ("PGOPTIONS", parts.query.get("options")),
    ):
        if value is not None:
            env[key] = str(value)
    return env, parts.database or ""


def _run(argv: list[str], env: dict) -> str:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise PostgresClientFailed(
            f"{Path(argv[0]).name} failed (exit {done.returncode}).",
            stderr=done.stderr.strip()[-2000:],
        )
    return done.stdout


def _pg_snapshot(url: str, out: Path) -> Snapshot:
    dump = _client("pg_dump")
    env, dbname = _libpq(url)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as conn:
            exported = conn.execute(sa.text("SELECT pg_export_snapshot()")).scalar()
            schema = conn.execute(sa.text("SELECT current_schema()")).scalar()
            argv = [dump, "--format=custom", f"--schema={schema}", f"--snapshot={exported}"]
            _run([*argv, f"--file={out}", f"--dbname={dbname}"], env)
            snap = Snapshot("postgresql", out, _revision(conn), schema)
            snap.blobs, snap.archives = stored_files(conn)
            conn.rollback()
    finally:
        engine.dispose()
    return snap


def is_empty(engine) -> bool:
    """Return True when no table but ``alembic_version`` holds a row."""
    with engine.connect() as conn:
        for table in sa.inspect(conn).get_table_names():
            if table == "alembic_version":
                continue
            quoted = conn.dialect.identifier_preparer.quote(table)
            if conn.execute(sa.text(f"SELECT 1 FROM {quoted} LIMIT 1")).first():  # noqa: S608
                return False
    return True


def restore(engine, dump: Path, engine_of_dump: str, schema: str | None) -> None:
    """Replace the database of ``engine`` with ``dump`` (its engine and, for PostgreSQL, the
    schema it was dumped from). The caller has checked that overwriting is allowed.

    Raises :class:`BackupTargetMismatch` when the engines or schemas differ.
    """
    if engine.dialect.name != engine_of_dump:
        raise BackupTargetMismatch(
            f"The backup holds a {engine_of_dump} database and this server uses "
            f"{engine.dialect.name}; restore it into a server on {engine_of_dump}.",
            backup=engine_of_dump,
            server=engine.dialect.name,
        )
    if engine_of_dump == "sqlite":
        _sqlite_restore(Path(engine.url.database), dump)
    else:
        _pg_restore(engine, dump, schema)


def _sqlite_restore(target: Path, dump: Path) -> None:
    src = sqlite3.connect(dump)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)  # through SQLite, so a -wal beside the target is handled too
        dst.execute("PRAGMA journal_mode=WAL")
    finally:
        dst.close()
        src.close()


def _target_schema(conn) -> str | None:
    current = conn.execute(sa.text("SELECT current_schema()")).scalar()
    if current:
        return current
    # The search_path names a schema that does not exist yet: its first entry.
    path = conn.execute(sa.text("SHOW search_path")).scalar() or ""
    names = [p.strip().strip('"') for p in path.split(",") if p.strip() != '"$user"']
    return names[0] if names else None


def _pg_restore(engine, dump: Path, schema: str | None) -> None:
    program = _client("pg_restore")
    env, dbname = _libpq(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        target = _target_schema(conn)
        if target != schema:
            raise BackupTargetMismatch(
                f"The backup holds PostgreSQL schema {schema!r} and this server's database "
                f"URL leads to {target!r}; point XUEDIAN_DATABASE_URL at a database whose "
                f"search_path is {schema!r} (a new database's public, say).",
                backup=schema,
                server=target,
            )
        exists = conn.execute(
            sa.text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": schema}
        ).first()
        if exists:
            # Only reached with --force or an empty schema (the caller checked): the old
            # tables go, so a newer schema's leftovers cannot block the migrations after.
            prep = conn.dialect.identifier_preparer
            where = prep.quote_schema(schema)
            for table in sa.inspect(conn).get_table_names(schema=schema):
                conn.execute(sa.text(f"DROP TABLE IF EXISTS {where}.{prep.quote(table)} CASCADE"))
    listing = _run([program, "--list", str(dump)], env)
    if exists:
        # The schema is there already (public always is): restore what is inside it.
        entry = re.compile(rf"^\d+; \d+ \d+ (SCHEMA|COMMENT) - (SCHEMA )?{re.escape(schema)} ")
        listing = "\n".join(line for line in listing.splitlines() if not entry.match(line))
    chosen = dump.with_suffix(".list")
    chosen.write_text(listing + "\n")
    argv = [program, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    _run([*argv, f"--use-list={chosen}", f"--dbname={dbname}", str(dump)], env)
