"""The import contracts of pyproject.toml ([tool.importlinter]) hold for the code, and break
when a module crosses a layer: each case writes one offending module into a copy of the
package and runs ``lint-imports`` on the copy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "server" / "xuedian"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

LAYERS = "The factory and CLI on top, features in the middle, core at the bottom"
NO_FOREIGN_ROUTES = "No feature imports another feature's routes or pages"
CORE = "core imports no feature"
TRANSPORT = "sync knows none of the features that read what it stores"
WIRE = "Each feature owns its wire formats; sync's schemas are the transport's alone"


def lint_imports(source_root: Path, cwd: Path) -> subprocess.CompletedProcess:
    """Run the project's contracts over the ``xuedian`` package found in ``source_root``."""
    env = {**os.environ, "PYTHONPATH": str(source_root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_layers_contracts_kept():
    result = lint_imports(ROOT / "server", ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in (LAYERS, NO_FOREIGN_ROUTES, CORE, TRANSPORT, WIRE):
        assert f"{name} KEPT" in result.stdout


@pytest.mark.parametrize(
    ("path", "line", "broken"),
    [
        ("push/leak.py", "from ..sync import routes", {NO_FOREIGN_ROUTES}),
        ("reports/leak.py", "from ..org.pages import staff_uploads", {NO_FOREIGN_ROUTES}),
        ("core/leak.py", "from ..reports import aggregates", {CORE, LAYERS}),
        ("sync/leak.py", "from ..reports.aggregates import record_new", {TRANSPORT}),
        ("sync/leak.py", "from ..learners.schemas import ProfileStatus", {TRANSPORT}),
        ("push/leak.py", "from ..sync.schemas import SignedEnvelope", {WIRE}),
    ],
)
def test_layers_contract_breaks_on_a_wrong_import(tmp_path, path, line, broken):
    copy = tmp_path / "src" / "xuedian"
    shutil.copytree(
        PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "templates", "static")
    )
    (copy / path).write_text(f'"""A wrong import."""\n\n{line}\n')
    result = lint_imports(tmp_path / "src", tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    for name in (LAYERS, NO_FOREIGN_ROUTES, CORE, TRANSPORT, WIRE):
        state = "BROKEN" if name in broken else "KEPT"
        assert f"{name} {state}" in result.stdout, result.stdout
    assert f"xuedian.{path[:-3].replace('/', '.')}" in result.stdout
