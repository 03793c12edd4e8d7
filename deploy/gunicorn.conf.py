"""gunicorn settings for the county tier: `python -OO -m gunicorn -c deploy/gunicorn.conf.py`.

The values come from ``xuedian.serving`` so `xuedian serve` and this file never drift.
Override with the settings XUEDIAN_BIND_HOST, XUEDIAN_BIND_PORT and XUEDIAN_WORKERS
(default here: two per core).
"""

import os

from xuedian.serving import settings_from_env

globals().update(settings_from_env(default_workers=2 * (os.cpu_count() or 1)))
