"""Fuzz targets: every reader of untrusted bytes either reads its input or raises its own error.

``make test`` runs each target for a few hundred inputs, derandomised so a run is repeatable;
``make fuzz`` sets ``XUEDIAN_FUZZ_EXAMPLES`` (and ``XUEDIAN_FUZZ_RANDOM=1``) to run them at
length with fresh randomness. Either way the terminal summary says how many inputs each target
read and for how long, and the process's peak memory.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

VECTORS = Path(__file__).resolve().parents[1] / "vectors"
sys.path.insert(0, str(VECTORS))
try:
    import make_archive_vectors as kit  # noqa: F401  (re-exported for the targets)
finally:
    sys.path.remove(str(VECTORS))

EXAMPLES = int(os.environ.get("XUEDIAN_FUZZ_EXAMPLES", "200"))
RANDOM = os.environ.get("XUEDIAN_FUZZ_RANDOM") == "1"

#: Settings of every target. No deadline per input (the machine is shared); a hang still ends
#: in pytest-timeout's limit.
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not RANDOM,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
    ],
)

_RUNS: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])


@pytest.fixture
def fuzz_count(request):
    """Call once per input; the summary reports inputs and time per target."""
    started = time.monotonic()
    entry = _RUNS[request.node.name]

    def count():
        entry[0] += 1

    yield count
    entry[1] += time.monotonic() - started


def pytest_terminal_summary(terminalreporter):
    if not _RUNS:
        return
    terminalreporter.section("fuzz targets")
    total = 0
    for name, (inputs, seconds) in sorted(_RUNS.items()):
        total += inputs
        terminalreporter.write_line(f"{name}: {inputs} inputs in {seconds:.1f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    terminalreporter.write_line(
        f"{total} inputs; max_examples {EXAMPLES} per target, "
        f"{'random' if RANDOM else 'derandomised'}; peak RSS {peak:.0f} MB"
    )


@pytest.fixture(scope="module")
def reader_app(tmp_path_factory):
    """An app whose settings the readers consult; the readers touch no table."""
    from xuedian import create_app

    app = create_app({"instance_path": str(tmp_path_factory.mktemp("fuzz") / "instance")})
    with app.app_context():
        yield app
