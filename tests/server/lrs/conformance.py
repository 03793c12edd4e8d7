"""Run ADL's xAPI LRS conformance suite against a live ``xuedian serve`` on loopback.

The suite (``../shared/conformance/lrs-conformance-test-suite`` beside the repository,
read-only) is copied to a temporary folder per run; its npm dependencies are installed
once into a cache folder keyed by the hash of its package.json and linked in, so repeated
runs start in seconds. Each run gets a throw-away instance (SQLite file, or a PostgreSQL
schema dropped afterwards) and an LRS client made with ``xuedian lrs client add``.

``python tests/server/lrs/conformance.py`` (``make conformance``) runs 2.0.0 and 1.0.3 on
both databases and prints the counts and every failing test.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

from support import wait_until
from support.processes import free_port
from support.shared import held, shared

ROOT = Path(__file__).resolve().parents[3]
SUITE = Path(
    os.environ.get("XUEDIAN_LRS_SUITE", shared("conformance", "lrs-conformance-test-suite"))
)
XUEDIAN = ROOT / ".venv" / "bin" / "xuedian"
PG_BASE = os.environ.get("XUEDIAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CACHE = Path(tempfile.gettempdir()) / "xuedian-lrs-suite-cache"


def node_modules() -> Path:
    """The suite's installed dependencies, installed once per package.json."""
    digest = hashlib.sha256((SUITE / "package.json").read_bytes()).hexdigest()[:16]
    folder = CACHE / digest
    marker = folder / ".installed"
    with held(CACHE):
        if not marker.exists():
            _install(folder)
    return folder / "node_modules"


def _install(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    # The whole suite: its package.json links packages of its own (local/) by path.
    shutil.copytree(SUITE, folder, ignore=shutil.ignore_patterns("node_modules", "logs"))
    for path in folder.rglob("*"):
        path.chmod(path.stat().st_mode | 0o200)
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund"],
        cwd=folder,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (folder / ".installed").touch()


@contextmanager
def database(backend: str):
    """A settings environment for a throw-away database of ``backend``."""
    if backend == "sqlite":
        yield {}
        return
    import sqlalchemy as sa

    schema = f"xd_lrs_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(PG_BASE)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield {"XUEDIAN_DATABASE_URL": f"{PG_BASE}?options=-csearch_path%3D{schema}"}
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def live_server(backend: str):
    """Yield (endpoint, key, secret) of a fresh server; stop it and drop its data after."""
    with tempfile.TemporaryDirectory(prefix="xuedian-lrs-") as tmp, database(backend) as extra:
        env = {**os.environ, "XUEDIAN_INSTANCE_PATH": str(Path(tmp) / "instance"), **extra}
        subprocess.run([XUEDIAN, "init"], env=env, check=True, stdout=subprocess.DEVNULL)
        made = subprocess.run(
            [XUEDIAN, "lrs", "client", "add", "conformance"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        fields = dict(line.split(": ", 1) for line in made.splitlines() if ": " in line)
        port = free_port()
        log = open(Path(tmp) / "serve.log", "wb")  # noqa: SIM115  (closed below)
        server = subprocess.Popen(
            [XUEDIAN, "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            endpoint = f"http://127.0.0.1:{port}/xapi"

            def answers() -> bool:
                if server.poll() is not None:
                    raise RuntimeError(f"xuedian serve exited; see {log.name}")
                try:
                    urllib.request.urlopen(f"{endpoint}/about", timeout=5).read()  # noqa: S310
                except OSError:
                    return False
                return True

            # A loaded 2-core machine can take most of a minute to import and bind.
            wait_until(answers, 180, "the LRS server to answer /xapi/about")
            yield endpoint, fields["key"], fields["secret"]
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()


def _failures(node: dict, path: list[str], out: list[tuple[str, str]]) -> None:
    children = node.get("tests") or []
    for child in children:
        _failures(child, [*path, child.get("title") or child.get("name") or ""], out)
    if not children and node.get("status") not in ("passed", None):
        out.append((" > ".join(p for p in path if p), (node.get("error") or "")[:300]))


def run_suite(version: str, backend: str = "sqlite", grep: str | None = None) -> dict:
    """Run the suite for ``version`` ("2.0.0" or "1.0.3"); return its summary and failures."""
    modules = node_modules()
    with tempfile.TemporaryDirectory(prefix="xuedian-lrs-suite-") as work:
        suite = Path(work) / "suite"
        shutil.copytree(SUITE, suite, ignore=shutil.ignore_patterns("node_modules", "logs"))
        (suite / "node_modules").symlink_to(modules)
        with live_server(backend) as (endpoint, key, secret):
            command = [
                "node",
                "bin/console_runner.js",
                "-e",
                endpoint,
                "-a",
                "-u",
                key,
                "-p",
                secret,
                "-x",
                version,
                "-z",
            ]
            if grep:
                command += ["-g", grep]
            done = subprocess.run(command, cwd=suite, capture_output=True, text=True, timeout=1800)
        found = re.search(r"log written to (\S+\.log)", done.stdout)
        if not found:
            raise RuntimeError(
                f"the suite wrote no log:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
            )
        result = json.loads(Path(found.group(1)).read_text())
    failures: list[tuple[str, str]] = []
    # -z keeps only failing tests in the log: no failures, no "log" at all.
    if "log" not in result and result.get("summary", {}).get("failed") != 0:
        raise RuntimeError(f"the suite did not run: {done.stdout[-3000:]}{done.stderr[-2000:]}")
    _failures(result.get("log") or {}, [], failures)
    return {"summary": result["summary"], "failures": failures}


def main() -> int:
    for backend in ("sqlite", "postgresql"):
        for version in ("2.0.0", "1.0.3"):
            outcome = run_suite(version, backend)
            s = outcome["summary"]
            counts = f"{s['passed']} passed, {s['failed']} failed of {s['total']}"
            print(f"{version} on {backend}: {counts}")
            for title, error in outcome["failures"]:
                print(f"  FAILED {title}\n    {error.splitlines()[0] if error else ''}")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
