"""Idle memory of one `xuedian serve` (master + one worker) after start-up and a first
visit. Budgets (DESIGN §8): 60 MB per worker, 80 MB for the whole embedded server.

Where the worker's memory goes (python -X importtime and RSS deltas per module, 2026-12-02):
Python with gunicorn about 22 MB (the master is that alone), Flask with Werkzeug and Jinja
about 10 MB, SQLAlchemy with its ORM about 20 MB (asyncio included), Xuedian's models,
schemas and modules about 14 MB. Imported on first use only, so not here: Flask-Migrate
(Alembic, Mako, Pygments: 11 MB), pyld with requests and lxml (11 MB), cryptography (9 MB),
the other database's dialect (2 MB), markdown-it, nh3, PyYAML, segno and apispec (3 MB);
tests/server/test_worker_imports.py keeps them out. The app is not preloaded into the
master: that measured higher in RSS and in PSS. Master and worker run with ``-OO``
(xuedian/serving.py): without docstrings the worker went from 63.9 to 58.5 MB (2026-12-03).
"""

from __future__ import annotations

import time
import urllib.request

from .common import children, demo_instance, figure, pss_kib, rss_kib, served, tree_kib

WORKER_BUDGET_MB = 60
SERVER_BUDGET_MB = 80


def main() -> None:
    with demo_instance() as env, served(env, workers=1) as (url, proc):
        # Warm the worker the way a first visitor would, then let it idle.
        for path in ("/", "/api/v1/catalog", "/trusted-keys.json"):
            with urllib.request.urlopen(url + path, timeout=5):  # noqa: S310
                pass
        time.sleep(2)
        workers = children(proc.pid)
        master = rss_kib(proc.pid) / 1024
        worker = sum(rss_kib(pid) for pid in workers) / 1024
        figure("server idle RSS, worker process", worker, "MB", WORKER_BUDGET_MB)
        figure("server idle RSS, gunicorn master", master, "MB")
        # A sum of RSS counts twice each page the worker shares with the master it forked
        # from; the whole server is measured with each page once (common.tree_kib).
        figure("server idle RSS sum, master + worker (shared pages twice)", master + worker, "MB")
        whole = tree_kib(proc.pid) / 1024
        figure(
            "server idle resident, master + worker, each page once", whole, "MB", SERVER_BUDGET_MB
        )
        # PSS splits every shared page among all the processes mapping it (libc with the
        # whole machine), so it is lower still: what the server's share of memory is.
        pss = sum(pss_kib(pid) for pid in [proc.pid, *workers]) / 1024
        figure("server idle PSS, master + worker", pss, "MB")


if __name__ == "__main__":
    main()
