"""One version: the server, its package metadata, the app it serves (the version a phone
sends when it registers) and the app's package.json all say the newest release in
CHANGELOG.md, so a county that installs a tag sees that tag's number everywhere."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import xuedian

ROOT = Path(__file__).resolve().parents[2]


def newest_release() -> str:
    """The version of CHANGELOG.md's first ``## vX.Y.Z`` heading."""
    found = re.search(r"^## v(\d+\.\d+\.\d+) ", (ROOT / "CHANGELOG.md").read_text(), re.M)
    assert found, "CHANGELOG.md has no release heading"
    return found.group(1)


def test_every_version_is_the_newest_release():
    version = newest_release()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    app = re.search(r"APP_VERSION = '([^']+)'", (ROOT / "pwa/src/lib/version.js").read_text())
    package = json.loads((ROOT / "pwa/package.json").read_text())
    lock = json.loads((ROOT / "pwa/package-lock.json").read_text())
    seen = {
        "xuedian.__version__": xuedian.__version__,
        "pyproject.toml": pyproject["project"]["version"],
        "pwa/src/lib/version.js": app and app.group(1),
        "pwa/package.json": package["version"],
        "pwa/package-lock.json": lock["version"],
        "pwa/package-lock.json root package": lock["packages"][""]["version"],
    }
    assert seen == dict.fromkeys(seen, version)
