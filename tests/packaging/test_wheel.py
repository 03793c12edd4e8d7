"""A wheel built from the source serves the staff pages, a report and the kiosk page.

The wheel is built from a copy of ``pyproject.toml``, ``README.md`` and ``server/`` (so no
checkout lies beside the installed package), installed with ``--no-deps`` into a fresh venv
that borrows this venv's dependencies through a ``.pth`` line (this venv's own ``.pth`` files,
among them the editable install, are not read through it). ``xuedian serve`` and
``xuedian relay run`` then run from that venv, in a folder with no checkout, on free ports.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import urllib.error
import urllib.parse
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest
from support import wait_until
from support.processes import answers, free_port

from xuedian.org.demo import ADMIN

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "server" / "xuedian"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Build the wheel from a clean copy of the source."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "server",
        source / "server",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
    )
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(base), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    (built,) = base.glob("xuedian-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed, returning its ``bin`` folder."""
    folder = tmp_path_factory.mktemp("venv") / "venv"
    venv.EnvBuilder(with_pip=False).create(folder)
    site = Path(
        subprocess.run(
            [
                str(folder / "bin" / "python"),
                "-c",
                "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    (site / "borrowed-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(folder / "bin" / "python"),
            "install",
            "-q",
            "--no-deps",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return folder / "bin"


def test_wheel_holds_every_template_and_static_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = {
        "xuedian/" + path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    }
    assert wanted and wanted - names == set()


class Server:
    """A process this test started, stopped by its PID."""

    def __init__(self, argv: list[str], env: dict, cwd: Path, log: Path) -> None:
        self.log = log
        self.proc = subprocess.Popen(
            argv, env=env, cwd=cwd, stdout=log.open("w"), stderr=subprocess.STDOUT
        )

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def test_installed_wheel_serves_staff_report_and_relay_pages(installed, tmp_path):
    workdir = tmp_path / "elsewhere"  # no checkout here or above the installed package
    workdir.mkdir()
    (workdir / "packs").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XUEDIAN_")}
    env.pop("VIRTUAL_ENV", None)
    county_env = {**env, "XUEDIAN_INSTANCE_PATH": str(tmp_path / "county")}
    demo = subprocess.run(
        [str(installed / "xuedian"), "demo", "--packs-dir", str(workdir / "packs")],
        env=county_env,
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert demo.returncode == 0, demo.stdout + demo.stderr
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    servers = [
        Server(
            [str(installed / "xuedian"), "serve", "--port", str(port)],
            county_env,
            workdir,
            tmp_path / "serve.log",
        )
    ]
    try:
        wait_until(lambda: answers(url + "/api/v1/health"), 60, "xuedian serve answers")
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with opener.open(url + "/staff/login", timeout=10) as response:
            page = response.read().decode()
        assert response.status == 200 and 'name="password"' in page
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = {"csrf_token": token, "next": "/staff/reports/", "username": ADMIN[0]}
        form["password"] = ADMIN[1]
        data = urllib.parse.urlencode(form).encode()
        with opener.open(url + "/staff/login", data=data, timeout=10) as response:
            report = response.read().decode()
        assert response.geturl() == url + "/staff/reports/"
        assert response.status == 200 and "报表总览" in report
        # The report's own stylesheet comes from the package too.
        sheet = re.search(r'href="([^"]+\.css)"', report)
        assert sheet and answers(url + sheet.group(1))

        keys = tmp_path / "trusted-keys.json"
        with urllib.request.urlopen(url + "/trusted-keys.json", timeout=10) as response:  # noqa: S310
            keys.write_bytes(response.read())
        relay_env = {**env, "XUEDIAN_INSTANCE_PATH": str(tmp_path / "kiosk")}
        init = subprocess.run(
            [str(installed / "xuedian"), "relay", "init", "--upstream", url, "--keys", str(keys)],
            env=relay_env,
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert init.returncode == 0, init.stdout + init.stderr
        relay_port = free_port()
        relay_url = f"http://127.0.0.1:{relay_port}"
        servers.append(
            Server(
                [
                    str(installed / "xuedian"),
                    "relay",
                    "run",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(relay_port),
                ],
                relay_env,
                workdir,
                tmp_path / "relay.log",
            )
        )
        wait_until(lambda: answers(relay_url + "/"), 60, "xuedian relay run answers")
        with urllib.request.urlopen(relay_url + "/", timeout=10) as response:  # noqa: S310
            kiosk = response.read().decode()
        assert response.status == 200 and 'name="bundles"' in kiosk
    finally:
        for server in reversed(servers):
            server.stop()
    # Both booted a worker, and neither used gunicorn's per-user control socket.
    for log in (tmp_path / "serve.log", tmp_path / "relay.log"):
        text = log.read_text()
        assert "Booting worker" in text
        assert "Control socket listening" not in text
