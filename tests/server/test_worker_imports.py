"""What a serving process loads: a gunicorn worker's app, warmed by a first visit, leaves the
heavy libraries a feature needs only on first use (bench server_rss counts every MB of it),
and the gunicorn master does not load Flask at all.

Each check runs in a fresh interpreter: this test process has imported everything already.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

#: Loaded on first use only (JSON-LD credentials, signatures, pack building, QR codes, the
#: OpenAPI document, LRS attachments, status list fetches, migrations, the province's pages).
DEFERRED = (
    "pyld",
    "requests",
    "lxml",
    "cryptography",
    "markdown_it",
    "nh3",
    "yaml",
    "segno",
    "apispec",
    "email.policy",
    "urllib.request",
    "flask_migrate",
    "alembic",
    "xuedian.province.pages",
)

WORKER = """
import json, sys
from xuedian import create_app
app = create_app(migrations=False)
client = app.test_client()
codes = [client.get(p).status_code for p in ("/", "/api/v1/catalog", "/trusted-keys.json")]
print(json.dumps({"codes": codes, "modules": sorted(sys.modules)}))
"""


def _loaded(script: str, env: dict) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _tops(modules: list[str], names) -> list[str]:
    return sorted(n for n in names if any(m == n or m.startswith(n + ".") for m in modules))


def _served(app, backend) -> dict:
    """The environment of a worker serving ``app``'s instance, whose catalog is signed
    already (as on any county that has published: the worker only reads it)."""
    from xuedian.packs.service import catalog

    with app.app_context():
        catalog()
    env = {"XUEDIAN_INSTANCE_PATH": app.instance_path}
    if backend == "postgresql":
        env["XUEDIAN_DATABASE_URL"] = app.config["SQLALCHEMY_DATABASE_URI"]
    return env


def test_worker_app_leaves_heavy_libraries_to_first_use(app, backend):
    seen = _loaded(WORKER, _served(app, backend))
    assert seen["codes"][1:] == [200, 200]
    assert _tops(seen["modules"], DEFERRED) == []
    # Only the dialect the database speaks is loaded (core/dbtypes.dialect_insert).
    other = "sqlite" if backend == "postgresql" else "postgresql"
    assert _tops(seen["modules"], [f"sqlalchemy.dialects.{other}"]) == []


def test_worker_loads_a_deferred_library_when_a_feature_needs_it(app, backend):
    """The deferral is to first use, not away: checking a phone's signature loads it."""
    env = _served(app, backend)
    script = WORKER.replace(
        "codes = [",
        "from xuedian.keys.service import ed25519_verify\n"
        # RFC 8032's first test key: a valid public key, and not this signature's signer.
        "key = '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo'\n"
        "assert not ed25519_verify(key, bytes(64), b'x')\n"
        "codes = [",
    )
    assert _tops(_loaded(script, env)["modules"], ["cryptography"]) == ["cryptography"]


def test_gunicorn_master_settings_do_not_load_flask():
    seen = _loaded(
        "import json, sys; import xuedian.gunicorn_conf; "
        "print(json.dumps({'modules': sorted(sys.modules)}))",
        {},
    )
    assert _tops(seen["modules"], ["flask", "werkzeug", "jinja2", "sqlalchemy"]) == []


def test_relay_app_loads_no_database_library(tmp_path):
    """A kiosk relay has no database: its worker leaves SQLAlchemy out (bench relay_rss)."""
    seen = _loaded(
        "import json, sys\n"
        "from xuedian import create_relay_app\n"
        f"app = create_relay_app({{'instance_path': {str(tmp_path)!r}}})\n"
        "code = app.test_client().get('/').status_code\n"
        "print(json.dumps({'codes': [code], 'modules': sorted(sys.modules)}))",
        {},
    )
    assert seen["codes"] == [200]
    # The relay's own upstream client speaks urllib.request; the rest stays out.
    deferred = [n for n in DEFERRED if n != "urllib.request"]
    assert _tops(seen["modules"], ["sqlalchemy", "flask_sqlalchemy", *deferred]) == []
