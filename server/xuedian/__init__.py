"""Xuedian (学点): the county server. ``create_app`` is the only place that knows every feature.

Imports are kept inside ``create_app`` so a gunicorn master, which never runs the app,
stays small.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from .core.paths import default_instance, default_pwa_dist

if TYPE_CHECKING:
    from flask import Flask

__version__ = "0.2.0"


def _sqlite_pragmas(busy_ms: int):
    def on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        cursor.close()

    return on_connect


def _secret_key(instance: Path, configured: str) -> str:
    if configured:
        return configured
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        # Made 0600 from the start: never readable by others, not even for a moment.
        with os.fdopen(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600), "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def create_app(config=None, *, migrations: bool = True) -> Flask:
    """Return the configured Flask app.

    ``config`` is a :class:`~xuedian.config.Settings`, a dict of setting overrides, or None
    for settings from the ``XUEDIAN_*`` environment. ``migrations=False`` leaves out
    Flask-Migrate: the app a gunicorn worker serves (``xuedian serve``) never migrates, and
    Alembic would cost each worker about 11 MB.
    """
    from flask import Flask
    from sqlalchemy import event

    from . import (
        credentials,
        credits,
        events,
        instructions,
        keys,
        learners,
        org,
        packs,
        points,
        province,
        push,
        reports,
    )
    from .audit import pages as audit_pages
    from .config import Settings
    from .core import bidi, htmlpage, ratelimit, timeutil
    from .core.dbrouting import REPLICA
    from .core.dbrouting import engine_options as replica_engine
    from .core.http import DbIdConverter
    from .core.instance import prepare as prepare_instance
    from .credentials import routes as credential_routes
    from .credentials import verifypage
    from .credits import accountpages as credit_account_pages
    from .credits import pages as credit_pages
    from .credits import routes as credit_routes
    from .credits import transferpages as credit_transfer_pages
    from .errors import register_error_handlers
    from .events import pages as event_pages
    from .extensions import db, init_migrations
    from .instructions import pages as instruction_pages
    from .jobs import pages as job_pages
    from .lrs import pages as lrs_pages
    from .lrs import routes as lrs_routes
    from .org import routes as staff_routes
    from .packs import routes as pack_routes
    from .points import pages as points_pages
    from .province import routes as province_routes
    from .push import routes as push_routes
    from .reports import views as report_views
    from .studio import pages as studio_pages
    from .sync import pages as volunteer_pages
    from .sync import routes as sync_routes
    from .web import openapi, plain
    from .web import routes as web_routes

    settings = config if isinstance(config, Settings) else Settings.from_env(**(config or {}))
    instance = settings.resolved_instance(default_instance())
    app = Flask(__name__, instance_path=str(instance), instance_relative_config=False)
    sqlite_file = None if settings.database_url else instance / "xuedian.sqlite3"
    prepare_instance(instance, sqlite_file)

    database_url = settings.database_url or f"sqlite:///{sqlite_file}"
    app.config.update(
        XUEDIAN=settings,
        SECRET_KEY=_secret_key(instance, settings.secret_key),
        SQLALCHEMY_DATABASE_URI=database_url,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        SQLALCHEMY_BINDS=(
            {REPLICA: replica_engine(settings.read_replica_url)}
            if settings.read_replica_url
            else {}
        ),
        MAX_CONTENT_LENGTH=None,  # bodies are capped after gzip decoding, in core.http
        JSON_SORT_KEYS=False,
    )
    db.init_app(app)
    if migrations:
        init_migrations(app)
    if database_url.startswith("sqlite"):
        with app.app_context():
            event.listen(db.engine, "connect", _sqlite_pragmas(settings.sqlite_busy_ms))

    ratelimit.init_app(app)
    # Each feature registers its hooks (core/hooks.py) on what sync receives; org enrols
    # before learners' profiles are kept, as before the hooks.
    for feature in (
        keys,
        packs,
        org,
        learners,
        reports,
        push,
        instructions,
        credentials,
        credits,
        points,
        province,
        events,
    ):
        feature.init_app(app)

    if settings.fault_ingest_delay_ms:
        app.logger.warning(
            "XUEDIAN_FAULT_INGEST_DELAY_MS=%d: every sync batch is held open on purpose "
            "(a fault drill); unset it in production",
            settings.fault_ingest_delay_ms,
        )
    if settings.proxy_hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Only the address and the scheme come from the proxies; the Host header is the
        # one the client sent to nginx (server_name), never a forwarded one it could set.
        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)
    app.url_map.converters["int"] = DbIdConverter
    register_error_handlers(app)
    timeutil.register_filters(app)
    bidi.init_app(app)
    htmlpage.init_app(app)
    app.register_blueprint(web_routes.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(pack_routes.bp)
    app.register_blueprint(sync_routes.bp)
    app.register_blueprint(volunteer_pages.bp)
    app.register_blueprint(plain.bp)
    staff_routes.init_app(app)
    app.register_blueprint(push_routes.bp)
    app.register_blueprint(job_pages.bp)
    app.register_blueprint(instruction_pages.bp)
    app.register_blueprint(audit_pages.bp)
    app.register_blueprint(studio_pages.bp)
    app.register_blueprint(report_views.bp)
    app.register_blueprint(report_views.assets)
    lrs_routes.init_app(app)
    app.register_blueprint(lrs_pages.bp)
    app.register_blueprint(credential_routes.bp)
    app.register_blueprint(verifypage.bp)
    app.register_blueprint(credit_pages.bp)
    app.register_blueprint(credit_transfer_pages.bp)
    app.register_blueprint(credit_account_pages.bp)
    app.register_blueprint(credit_routes.bp)
    app.register_blueprint(points_pages.bp)
    app.register_blueprint(province_routes.bp)
    if province.is_province(app):
        # Imported only here: a county (the usual server) never loads the province's pages.
        from .province import pages as province_pages

        app.register_blueprint(province_pages.bp)
    app.register_blueprint(event_pages.bp)
    dist = Path(settings.pwa_dist) if settings.pwa_dist else default_pwa_dist()
    web_routes.serve_pwa(app, dist)
    return app


def create_relay_app(config=None) -> Flask:
    """Return the Flask app of a village kiosk relay (docs/relay.md).

    It serves the LAN pages over the files in ``<instance>/relay/`` and has no database;
    ``config`` is as for :func:`create_app`. The mirror-and-forward thread is not started
    here: ``xuedian relay run`` starts it in the serving process.
    """
    from flask import Flask

    from .config import Settings
    from .core import bidi, htmlpage, timeutil
    from .core.http import DbIdConverter
    from .core.instance import prepare as prepare_instance
    from .errors import register_error_handlers
    from .relay import routes as relay_routes
    from .relay.service import Relay
    from .web import plain

    settings = config if isinstance(config, Settings) else Settings.from_env(**(config or {}))
    instance = settings.resolved_instance(default_instance())
    app = Flask(__name__, instance_path=str(instance), instance_relative_config=False)
    prepare_instance(instance)
    app.config.update(
        XUEDIAN=settings,
        SECRET_KEY=_secret_key(instance, settings.secret_key),
        MAX_CONTENT_LENGTH=None,  # the upload route sets its own cap
        JSON_SORT_KEYS=False,
    )
    app.extensions["xuedian.relay"] = Relay(instance / "relay", settings)
    app.url_map.converters["int"] = DbIdConverter
    register_error_handlers(app, database=False)
    timeutil.register_filters(app)
    bidi.init_app(app)
    htmlpage.init_app(app)
    app.register_blueprint(relay_routes.bp)
    app.register_blueprint(plain.bp)
    return app


__all__ = ["create_app", "create_relay_app", "__version__"]
