"""Where the server looks for its folders when the settings leave them empty.

Run from a source checkout (``server/xuedian`` beside ``pyproject.toml``), that is the
checkout's ``instance/``, ``pwa/dist`` and ``content_packs/``. Installed from a wheel there is
no checkout: the instance folder follows Flask's convention for installed packages
(``<prefix>/var/xuedian-instance``), the built app must be named by ``XUEDIAN_PWA_DIST`` and
pack sources are looked for in the working directory.
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[3]

#: The source checkout this package runs from, or None when it is installed.
CHECKOUT: Path | None = (
    _ROOT
    if (_ROOT / "pyproject.toml").is_file() and (_ROOT / "server" / "xuedian").is_dir()
    else None
)


def default_instance() -> Path:
    """Return the instance folder used when ``XUEDIAN_INSTANCE_PATH`` is empty."""
    if CHECKOUT is not None:
        return CHECKOUT / "instance"
    return Path(sys.prefix) / "var" / "xuedian-instance"


def default_pwa_dist() -> Path:
    """Return the built PWA's folder used when ``XUEDIAN_PWA_DIST`` is empty (it may not
    exist: then ``/`` says the app is not built)."""
    return (CHECKOUT or Path.cwd()) / "pwa" / "dist"


def default_packs_dir() -> Path:
    """Return the folder of pack sources ``xuedian demo`` publishes by default."""
    return (CHECKOUT or Path.cwd()) / "content_packs"
