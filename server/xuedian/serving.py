"""Running the app under gunicorn: the one set of production defaults.

``xuedian serve`` and ``deploy/gunicorn.conf.py`` both read :func:`gunicorn_settings`.
"""

from __future__ import annotations

from gunicorn.app.base import BaseApplication


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
    }


class XuedianGunicorn(BaseApplication):
    """gunicorn running ``create_app()`` with settings from :func:`gunicorn_settings`."""

    def __init__(self, settings: dict):
        self.settings = settings
        super().__init__()

    def load_config(self):
        for key, value in self.settings.items():
            self.cfg.set(key, value)

    def load(self):
        from . import create_app

        return create_app()
