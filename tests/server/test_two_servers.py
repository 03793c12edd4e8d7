"""Two ``xuedian serve`` of one user on one machine both answer, and neither takes
gunicorn's per-user control socket ($XDG_RUNTIME_DIR/gunicorn.ctl, else
~/.gunicorn/gunicorn.ctl), which the second would take from the first."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from support import wait_until
from support.processes import free_port, stop

XUEDIAN = str(Path(sys.executable).with_name("xuedian"))


def _answers(port: int, proc: subprocess.Popen) -> bool:
    assert proc.poll() is None, "xuedian serve exited"
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=5) as r:  # noqa: S310
            return r.status == 200
    except OSError:
        return False


def _unix_paths(pid: int) -> set[str]:
    """Return the paths of the Unix sockets process ``pid`` holds open."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        target = os.readlink(fd) if fd.is_symlink() else ""
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    lines = Path("/proc/net/unix").read_text().splitlines()[1:]
    return {p[7] for p in (line.split() for line in lines) if len(p) > 7 and p[6] in inodes}


def test_two_servers_both_answer_and_neither_takes_the_shared_control_socket(tmp_path):
    home, runtime = tmp_path / "home", tmp_path / "run"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    base = {k: v for k, v in os.environ.items() if not k.startswith("XUEDIAN_")}
    base.update(HOME=str(home), XDG_RUNTIME_DIR=str(runtime))
    servers = []
    try:
        for name in ("county-a", "county-b"):
            env = {**base, "XUEDIAN_INSTANCE_PATH": str(tmp_path / name)}
            subprocess.run([XUEDIAN, "init"], env=env, check=True, capture_output=True)
            port = free_port()
            proc = subprocess.Popen(
                [XUEDIAN, "serve", "--port", str(port), "--workers", "1"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            servers.append((port, proc))
            wait_until(lambda p=port, s=proc: _answers(p, s), 60, f"{name} answers")
        # Both still answer once the second has started (it took nothing from the first).
        assert all(_answers(port, proc) for port, proc in servers)
        assert not (runtime / "gunicorn.ctl").exists()
        assert not (home / ".gunicorn").exists()
        for _port, proc in servers:
            assert not any("gunicorn" in path for path in _unix_paths(proc.pid))
    finally:
        for _port, proc in servers:
            stop(proc)
