"""scripts/ensure-system.sh --dry-run: on a machine without PostgreSQL and Redis it would
install both, give the cluster it made trust auth for 127.0.0.1 and a `test` database, and
start them; on a machine that has them running it does nothing, and never touches an
existing cluster's auth."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "ensure-system.sh"
HIDDEN = {"pg_isready", "redis-cli", "psql", "redis-server"}


def dry_run(path: str) -> str:
    result = subprocess.run(
        ["bash", str(SCRIPT), "--dry-run"],
        env={**os.environ, "PATH": path},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def path_without_services(tmp_path: Path) -> str:
    """A PATH with every command of this machine but the PostgreSQL and Redis ones."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for source in (Path("/usr/local/bin"), Path("/usr/bin"), Path("/bin")):
        if not source.is_dir():
            continue
        for tool in source.iterdir():
            target = folder / tool.name
            if tool.name not in HIDDEN and not target.exists():
                target.symlink_to(tool)
    return str(folder)


def test_a_machine_without_postgresql_and_redis_gets_both_and_a_test_database(tmp_path):
    steps = dry_run(path_without_services(tmp_path))
    installs = [line for line in steps.splitlines() if "apt-get install" in line]
    assert len(installs) == 1
    assert "postgresql" in installs[0].split() and "redis-server" in installs[0].split()
    assert "host all all 127.0.0.1/32 trust" in steps
    assert "create database test" in steps
    assert "main start" in steps
    assert "redis-server --bind 127.0.0.1 --port 6379 --daemonize yes" in steps


def test_a_machine_with_them_running_is_left_alone():
    steps = dry_run(os.environ["PATH"])
    assert "postgresql" not in steps
    assert "pg_hba" not in steps and "trust" not in steps
    assert "create database" not in steps
    assert "redis-server" not in steps
