"""Running the app under gunicorn: the one set of production settings.

``xuedian serve`` replaces itself with ``gunicorn -c python:xuedian.gunicorn_conf`` so the master
process imports only gunicorn, this module and the settings (the app loads in the workers), and
``deploy/gunicorn.conf.py`` reads the same settings. Address, port and workers are the
``bind_host``, ``bind_port`` and ``workers`` settings (:class:`~xuedian.config.Settings`); a
command's options reach gunicorn as its own command-line options and as the arguments of the
app factory, never by rewriting the environment.

The master and its workers run with Python's ``-OO``: docstrings and asserts are left out
of every module they load. A server never reads a docstring, and the required stack's
(SQLAlchemy's above all) cost each worker about 5 MB (bench server_rss: 63.9 -> 58.5 MB).
Python keeps that bytecode apart (``*.opt-2.pyc``) and pip writes only the plain kind, so
:func:`compile_bytecode` prepares it before the master starts; without it each worker would
compile every module from source at each start.
"""

from __future__ import annotations

import compileall
import gc
import os
import re
import sys
import sysconfig
import warnings
from pathlib import Path
from typing import NoReturn

from .config import Settings

#: Python's option for the master and its workers: no docstrings, no asserts.
OPTIMIZE = "-OO"

SERVE = {"host": "127.0.0.1", "port": 8000}
#: A kiosk serves the phones on the learning point's Wi-Fi.
RELAY = {"host": "0.0.0.0", "port": 8080}  # noqa: S104


def bind(settings: Settings, defaults: dict) -> str:
    """Return ``host:port`` from the settings, ``defaults`` filling what is unset."""
    host = settings.bind_host or defaults["host"]
    return f"{host}:{settings.bind_port or defaults['port']}"


def _master_freezes(server, worker) -> None:
    """gunicorn's ``pre_fork``: move the master's objects out of the collector's sight.

    A worker's garbage collector writes to the header of every object it walks, and each
    write copies a page the worker still shared with its master. Frozen objects are never
    walked, so the interpreter and gunicorn the worker was forked with stay shared (the
    Python documentation's advice for fork without exec)."""
    gc.freeze()


def _worker_collects(server, worker) -> None:
    """gunicorn's ``post_fork``: the worker collects its own garbage again."""
    gc.enable()


def gunicorn_settings(settings: Settings, default_workers: int = 1) -> dict:
    """Return gunicorn settings for the county app as ``settings`` say."""
    return {
        "bind": bind(settings, SERVE),
        "workers": settings.workers or default_workers,
        # Threads keep a slow 2G upload from holding a whole worker.
        "threads": 4,
        "worker_class": "gthread",
        "timeout": 60,
        "graceful_timeout": 20,
        "keepalive": 5,
        "max_requests": 2000,
        "max_requests_jitter": 200,
        "accesslog": "-",
        "errorlog": "-",
        "forwarded_allow_ips": "127.0.0.1",
        # gunicorn's control socket is one path per user (~/.gunicorn); two servers of one
        # user would take each other's, and nothing here uses it.
        "control_socket_disable": True,
        # Workers never migrate (`xuedian init` does), so they leave Alembic out.
        "wsgi_app": "xuedian:create_app(migrations=False)",
        "pre_fork": _master_freezes,
        "post_fork": _worker_collects,
    }


def settings_from_env(default_workers: int = 1) -> dict:
    """Return :func:`gunicorn_settings` for the ``XUEDIAN_*`` environment."""
    return gunicorn_settings(Settings.from_env(), default_workers)


def relay_settings_from_env() -> dict:
    """Return the gunicorn settings of ``xuedian relay run``: one worker serving the LAN
    pages, whose background thread mirrors and forwards (so there must be exactly one)."""
    settings = Settings.from_env()
    config = gunicorn_settings(settings)
    # Recycling the worker would only interrupt a forward under way; a kiosk has no leak
    # budget to protect. Phones on weak Wi-Fi upload slowly, hence more threads.
    config.update(
        bind=bind(settings, RELAY),
        workers=1,
        threads=8,
        max_requests=0,
        max_requests_jitter=0,
        wsgi_app="xuedian:create_relay_app()",
    )
    return config


class _TestsBelow:
    """compileall's ``rx``: the test suites shipped inside ``root`` (no worker imports
    them), judged on the path below ``root`` so a checkout under a ``tests`` folder counts."""

    TESTS = re.compile(r"[/\\]tests?[/\\]")

    def __init__(self, root: Path):
        self.skip = len(str(root))

    def search(self, path: str):
        return self.TESTS.search(path[self.skip :])


def compile_bytecode(folders: list[Path] | None = None) -> bool:
    """Write the ``-OO`` bytecode of the installed packages and of Xuedian where it is
    missing or stale, and return whether every file compiled.

    By default the folders are the environment's site-packages, this package (outside them
    in an editable install) and Python's own library: Debian's python3 writes only the plain
    kind there too, and a worker compiling the standard library in memory measured 5 MB more
    for the whole server (bench server_rss, 72.3 -> 67.2 MB). A folder this user cannot
    write is skipped, as Python itself does; the workers then compile those modules in
    memory. Up to date, it only reads the file headers (0.3 s for 4,000 modules).
    """
    if folders is None:
        paths = sysconfig.get_paths()
        folders = [
            Path(paths["purelib"]),
            Path(paths["platlib"]),
            Path(__file__).parent,
            Path(paths["stdlib"]),
        ]
    done, ok = set(), True
    with warnings.catch_warnings():
        # Old syntax in files no worker imports (lib2to3's test data) warns at compile time.
        warnings.simplefilter("ignore")
        for folder in folders:
            folder = folder.resolve()
            if folder in done or not os.access(folder, os.W_OK):
                continue
            done.add(folder)
            rx = _TestsBelow(folder)
            ok = compileall.compile_dir(folder, optimize=2, quiet=2, rx=rx) and ok
    return bool(ok)


def exec_gunicorn(
    config_module: str, factory: str, overrides: dict, defaults: dict = SERVE
) -> NoReturn:
    """Replace this process with a gunicorn master configured by ``config_module``.

    ``overrides`` are settings given on the command line: they win over the environment,
    reach the master as gunicorn's ``--bind`` and ``--workers``, and reach the app as the
    argument of ``factory`` (``create_app`` or ``create_relay_app``). Does not return.
    """
    settings = Settings.from_env(**overrides)
    compile_bytecode()
    argv = [sys.executable, OPTIMIZE, "-m", "gunicorn", "-c", f"python:{config_module}"]
    argv += ["--bind", bind(settings, defaults)]
    if "workers" in overrides:
        argv += ["--workers", str(settings.workers)]
    # The county app a worker serves leaves out migrations (create_app); a relay has none.
    served = ", migrations=False" if factory == "create_app" else ""
    argv.append(f"xuedian:{factory}({overrides!r}{served})")
    os.execv(sys.executable, argv)  # noqa: S606 - a fixed argv, no shell
