"""gunicorn config module for ``xuedian serve``: the settings of :mod:`xuedian.serving`."""

from xuedian.serving import settings_from_env

globals().update(settings_from_env())
