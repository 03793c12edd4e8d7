"""gunicorn config module for ``xuedian relay run``: one worker that serves the LAN pages
and runs the relay's mirror-and-forward thread, stopped before the worker exits (SIGTERM
from systemd, Ctrl-C at a terminal)."""

import logging

from xuedian.serving import relay_settings_from_env

globals().update(relay_settings_from_env())


def post_worker_init(worker):
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("[%(asctime)s] [relay] %(levelname)s %(message)s"))
    log = logging.getLogger("xuedian.relay")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    worker.wsgi.extensions["xuedian.relay"].start()


def worker_exit(server, worker):
    app = getattr(worker, "wsgi", None)
    if app is not None:
        app.extensions["xuedian.relay"].stop()
