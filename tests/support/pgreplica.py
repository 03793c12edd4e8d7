"""A throw-away PostgreSQL primary and its streaming replica for tests.

``initdb`` makes the primary in a temporary folder and ``pg_basebackup -R`` its replica; each
runs as its own ``postgres`` process on a free loopback port, is stopped by PID and its
folder removed. PostgreSQL refuses to run as root, so under root (CI) both run as the
``postgres`` system user that Debian's package creates.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import wait_until
from .processes import free_port, stop


def bin_dir() -> Path:
    """Return the newest installed PostgreSQL's binaries (Debian: /usr/lib/postgresql/N/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    assert found, "PostgreSQL is needed: scripts/ensure-system.sh installs it"
    return Path(found[-1])


def _user() -> dict:
    """Popen arguments that run a server command as a user PostgreSQL accepts."""
    if os.geteuid() != 0:
        return {}
    account = pwd.getpwnam("postgres")
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


@dataclass
class Cluster:
    folder: Path
    port: int
    proc: subprocess.Popen | None = None

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"


@dataclass
class Pair:
    root: Path
    primary: Cluster
    replica: Cluster
    logs: list[Path] = field(default_factory=list)


def _run(args: list, log: Path) -> None:
    with log.open("a") as out:
        subprocess.run(args, check=True, stdout=out, stderr=out, **_user())


def _ready(cluster: Cluster, bins: Path) -> bool:
    if cluster.proc.poll() is not None:
        raise AssertionError(f"postgres in {cluster.folder} exited with {cluster.proc.returncode}")
    args = [str(bins / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(cluster.port)]
    return subprocess.run(args, check=False).returncode == 0


def _serve(cluster: Cluster, bins: Path, sockets: Path, log: Path) -> None:
    cluster.proc = subprocess.Popen(
        [
            str(bins / "postgres"),
            "-D",
            str(cluster.folder),
            "-p",
            str(cluster.port),
            "-k",
            str(sockets),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "fsync=off",  # a test cluster: speed over crash safety
        ],
        stdout=subprocess.DEVNULL,
        stderr=log.open("a"),
        **_user(),
    )
    wait_until(lambda: _ready(cluster, bins), 120, f"postgres on port {cluster.port}", interval=0.2)


def start() -> Pair:
    """Make, start and return a primary and its streaming replica."""
    bins = bin_dir()
    root = Path(tempfile.mkdtemp(prefix="xd-replica-"))
    if os.geteuid() == 0:
        os.chown(root, pwd.getpwnam("postgres").pw_uid, pwd.getpwnam("postgres").pw_gid)
    pair = Pair(root, Cluster(root / "primary", free_port()), Cluster(root / "replica", 0))
    log = root / "postgres.log"
    try:
        _run(
            [str(bins / "initdb"), "-D", str(pair.primary.folder), "-U", "postgres"]
            + ["--auth=trust", "--no-sync", "--encoding=UTF8", "--locale=C.UTF-8"],
            log,
        )
        _serve(pair.primary, bins, root, log)
        pair.replica.port = free_port()
        _run(
            [str(bins / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(pair.primary.port)]
            + ["-U", "postgres", "-D", str(pair.replica.folder), "-R", "-X", "stream"],
            log,
        )
        _serve(pair.replica, bins, root, log)
    except BaseException:
        finish(pair)
        raise
    return pair


def finish(pair: Pair) -> None:
    """Stop both servers (replica first) by PID and remove their folder."""
    for cluster in (pair.replica, pair.primary):
        if cluster.proc is not None and cluster.proc.poll() is None:
            # SIGINT is PostgreSQL's fast shutdown: it ends open sessions instead of
            # waiting for them (SIGTERM, in stop(), would wait).
            cluster.proc.send_signal(signal.SIGINT)
            try:
                cluster.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                stop(cluster.proc)
    shutil.rmtree(pair.root, ignore_errors=True)
