"""gunicorn settings for the county tier: `gunicorn -c deploy/gunicorn.conf.py`.

The values come from ``xuedian.serving`` so `xuedian serve` and this file never drift.
Override with environment variables: XUEDIAN_BIND_HOST, XUEDIAN_BIND_PORT, XUEDIAN_WORKERS
(default here: two per core).
"""

import os

os.environ.setdefault("XUEDIAN_WORKERS", str(2 * (os.cpu_count() or 1)))

from xuedian.serving import settings_from_env  # noqa: E402

globals().update(settings_from_env())
