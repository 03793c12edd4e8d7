"""The app a CLI command works on."""

from __future__ import annotations

from flask import Flask, current_app, has_app_context


def cli_app() -> Flask:
    """Return the app of the active app context (tests), else one made from the settings."""
    if has_app_context():
        return current_app._get_current_object()
    from .. import create_app

    return create_app()
