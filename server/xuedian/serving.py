"""Running the app under gunicorn: the one set of production settings.

``xuedian serve`` replaces itself with ``gunicorn -c python:xuedian.gunicorn_conf`` so the master
process imports only gunicorn and this module (the app loads in the workers), and
``deploy/gunicorn.conf.py`` reads the same settings. Environment: XUEDIAN_BIND_HOST,
XUEDIAN_BIND_PORT, XUEDIAN_WORKERS.
"""

from __future__ import annotations

import os
import sys


def gunicorn_settings(host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> dict:
    """Return gunicorn settings for ``workers`` processes bound to ``host:port``."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
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
        "wsgi_app": "xuedian:create_app()",
    }


def settings_from_env() -> dict:
    """Return :func:`gunicorn_settings` for the XUEDIAN_BIND_* and XUEDIAN_WORKERS variables."""
    return gunicorn_settings(
        host=os.environ.get("XUEDIAN_BIND_HOST", "127.0.0.1"),
        port=int(os.environ.get("XUEDIAN_BIND_PORT", "8000")),
        workers=int(os.environ.get("XUEDIAN_WORKERS", "1")),
    )


def relay_settings_from_env() -> dict:
    """Return the gunicorn settings of ``xuedian relay run``: one worker serving the LAN
    pages, whose background thread mirrors and forwards (so there must be exactly one)."""
    settings = gunicorn_settings(
        host=os.environ.get("XUEDIAN_BIND_HOST", "0.0.0.0"),  # noqa: S104 - a LAN kiosk
        port=int(os.environ.get("XUEDIAN_BIND_PORT", "8080")),
        workers=1,
    )
    # Recycling the worker would only interrupt a forward under way; a kiosk has no leak
    # budget to protect. Phones on weak Wi-Fi upload slowly, hence more threads.
    settings.update(
        threads=8,
        max_requests=0,
        max_requests_jitter=0,
        # gunicorn's control socket is one path per user (~/.gunicorn); a kiosk needs none.
        control_socket_disable=True,
        wsgi_app="xuedian:create_relay_app()",
    )
    return settings


def exec_gunicorn(
    host: str, port: int, workers: int, config_module: str = "xuedian.gunicorn_conf"
) -> None:
    """Replace this process with a gunicorn master configured by ``config_module``.

    Does not return.
    """
    os.environ.update(
        XUEDIAN_BIND_HOST=host, XUEDIAN_BIND_PORT=str(port), XUEDIAN_WORKERS=str(workers)
    )
    os.execv(  # noqa: S606 - a fixed argv, no shell
        sys.executable, [sys.executable, "-m", "gunicorn", "-c", f"python:{config_module}"]
    )
