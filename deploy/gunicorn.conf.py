"""gunicorn settings for the county tier: `gunicorn -c deploy/gunicorn.conf.py 'xuedian:create_app()'`.

The values come from ``xuedian.serving`` so `xuedian serve` and this file never drift.
Override with environment variables: XUEDIAN_BIND_HOST, XUEDIAN_BIND_PORT, XUEDIAN_WORKERS.
"""

import os

from xuedian.serving import gunicorn_settings

globals().update(
    gunicorn_settings(
        host=os.environ.get("XUEDIAN_BIND_HOST", "127.0.0.1"),
        port=int(os.environ.get("XUEDIAN_BIND_PORT", "8000")),
        workers=int(os.environ.get("XUEDIAN_WORKERS", str(2 * (os.cpu_count() or 1)))),
    )
)
