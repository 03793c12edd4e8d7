"""What `xuedian restore` refuses, with its error code, changing nothing: a backup from a
newer schema, a tampered file, something that is not a backup; and `xuedian backup` on
PostgreSQL without the client tools."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from xuedian.backup import database
from xuedian.extensions import db

from .conftest import Site, run


def _made(site, tmp_path) -> tuple[Path, object]:
    source = site.app("county")
    with source.app_context():
        source.extensions["xuedian.keyring"].ensure()
    out = tmp_path / "county.xdbackup"
    result = run(source, "backup", "--out", str(out))
    assert result.exit_code == 0, result.output
    site.lose(source)
    return out, site.app("fresh", revision=None)


def _rewrite(path: Path, change) -> None:
    """Rewrite the tar at ``path``, passing each (name, bytes) through ``change``."""
    with tarfile.open(path) as tar:
        members = [(m.name, tar.extractfile(m).read()) for m in tar.getmembers()]
    with tarfile.open(path, "w") as tar:
        for name, data in members:
            data = change(name, data)
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def _unchanged(app) -> bool:
    keys = Path(app.instance_path) / "keys"
    with app.app_context():
        tables = sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
    return not keys.exists() and "learning_record" not in tables


def test_restore_refuses_a_backup_from_a_newer_schema(site, tmp_path):
    out, fresh = _made(site, tmp_path)

    def newer(name, data):
        if name != "manifest.json":
            return data
        return json.dumps({**json.loads(data), "schema_revision": "0099_from_the_future"}).encode()

    _rewrite(out, newer)
    result = run(fresh, "restore", str(out))
    assert result.exit_code == 1
    assert "backup-schema-newer" in result.output and "0099_from_the_future" in result.output
    assert _unchanged(fresh)


@pytest.mark.parametrize("member", ["instance/keys/keys.json", "database/"])
def test_restore_refuses_a_tampered_backup(site, tmp_path, member):
    out, fresh = _made(site, tmp_path)

    def flip(name, data):
        return data[:-1] + bytes([data[-1] ^ 1]) if name.startswith(member) else data

    _rewrite(out, flip)
    result = run(fresh, "restore", str(out))
    assert result.exit_code == 1
    assert "backup-tampered" in result.output and member in result.output
    assert _unchanged(fresh)


def test_restore_refuses_a_file_that_is_not_a_backup(site, tmp_path):
    _out, fresh = _made(site, tmp_path)
    other = tmp_path / "other.tar"
    with tarfile.open(other, "w") as tar:
        tar.add(__file__, arcname="../../etc/passwd")
    result = run(fresh, "restore", str(other))
    assert result.exit_code == 1 and "backup-invalid" in result.output
    assert _unchanged(fresh)


def test_backup_on_postgresql_refuses_clearly_without_pg_dump(tmp_path, request, monkeypatch):
    # Only PostgreSQL needs client tools, so this test runs there alone.
    site = Site("postgresql", tmp_path, request.getfixturevalue("pg_url").split("?")[0])
    request.addfinalizer(site.close)
    monkeypatch.setattr(database, "PG_LIB", tmp_path / "no-postgresql")
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    source = site.app("county")
    result = run(source, "backup", "--out", str(tmp_path / "b.xdbackup"))
    assert result.exit_code == 1
    assert "postgres-client-missing" in result.output and "pg_dump" in result.output
    assert not (tmp_path / "b.xdbackup").exists()
