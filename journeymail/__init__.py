"""Journeymail: plan email campaigns along the customer journey."""

from __future__ import annotations

import os
import secrets
from typing import Any

import click
from flask import Flask
from flask.helpers import get_debug_flag
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.serving import is_running_from_reloader

from .extensions import csrf, db, migrate


def create_app(config_class: Any = None) -> Flask:
    """Build the app: defaults from config.Config, then the instance folder, then test overrides."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        instance_path=os.path.join(root, "instance"),
        instance_relative_config=True,
        template_folder=os.path.join(root, "templates"),
        static_folder=os.path.join(root, "static"),
    )
    # 1. defaults and environment
    if config_class is None:
        from config import Config as config_class
    app.config.from_object(config_class)
    # 2. an optional instance/config.py for a local deployment, unless under test
    if not app.config.get("TESTING"):
        app.config.from_pyfile("config.py", silent=True)
    os.makedirs(app.instance_path, exist_ok=True)
    # 3. a database: the SQLite file in instance/ unless DATABASE_URL says otherwise
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "journeymail.db")
    _require_secret_key(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(root, "migrations"))
    csrf.init_app(app)
    _tune_sqlite(app.config.get("SQLITE_BUSY_TIMEOUT_MS", 5000))

    from . import cli, errors, http, i18n, pages, security
    from accounts import access as accounts_access, audit as accounts_audit, cli as accounts_cli, limits as accounts_limits
    from accounts.blueprint import bp as accounts_bp

    i18n.register(app, root)  # German and English
    http.register(app)  # the ID converter, and one commit per request
    errors.register_error_handlers(app)
    cli.register(app)
    pages.register(app)
    security.register(app)
    accounts_access.register(app)  # who is asking, in which workspace: before every feature's view
    accounts_cli.register(app)
    accounts_limits.register(app)  # sign-in, test-send and push limits; 429 with Retry-After
    accounts_audit.register(app)  # the audit log's flush hook: created, changed, deleted things of the plan
    app.register_blueprint(accounts_bp)

    # Background jobs: the queue (Huey) and its worker command, the jobs' pages and API. Beside accounts,
    # beneath the features, which start jobs.
    import jobs
    from jobs.blueprint import api_bp as jobs_api, bp as jobs_bp

    jobs.init_app(app)
    app.register_blueprint(jobs_bp)
    csrf.exempt(jobs_api)
    app.register_blueprint(jobs_api)

    # The features, each with its pages and its JSON API (under /api, JSON only: a browser cannot
    # send JSON cross-site without CORS, so the API needs no CSRF token).
    from campaigns.blueprint import api_bp as campaigns_api, bp as campaigns_bp
    from contacts.blueprint import api_bp as contacts_api, bp as contacts_bp
    from exports.blueprint import api_bp as exports_api, bp as exports_bp
    from previews.blueprint import api_bp as previews_api, bp as previews_bp
    from segments.blueprint import api_bp as segments_api, bp as segments_bp

    for pages_bp, api_bp in (
        (campaigns_bp, campaigns_api), (segments_bp, segments_api),
        (previews_bp, previews_api), (exports_bp, exports_api), (contacts_bp, contacts_api),
    ):
        app.register_blueprint(pages_bp)
        csrf.exempt(api_bp)
        app.register_blueprint(api_bp)
    security.trust_proxy(app)  # X-Forwarded-* from a reverse proxy, when PROXY_FIX_* say how many set them
    return app


def _require_secret_key(app: Flask) -> None:
    """Production refuses to start without SECRET_KEY; development gets a throwaway one and says so."""
    if app.config.get("SECRET_KEY"):
        return
    if not (app.debug or app.testing or app.config.get("JOURNEYMAIL_ENV") == "development"):
        raise RuntimeError(
            "SECRET_KEY is not set. Set it in the environment (e.g. "
            "SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')) before starting Journeymail."
        )
    app.config["SECRET_KEY"] = secrets.token_hex(32)
    global _throwaway_key_announced
    if not _throwaway_key_announced and _serves_requests():
        _throwaway_key_announced = True
        app.logger.warning("SECRET_KEY is not set: using a throwaway key; sessions end when the server restarts.")


# Said once per process: a process that builds several apps (a script, the test suite) needs to hear it once.
_throwaway_key_announced = False


def _serves_requests() -> bool:
    """Whether this process serves pages, the only place where a throwaway key matters (to sessions and forms).

    `make run` starts three processes (db upgrade, seed-demo, run), and `flask run --debug` a reloader that
    only watches files beside the server it restarts; before, each of them said so.
    """
    command = click.get_current_context(silent=True)
    if command is None:  # gunicorn, or a script or test that builds the app itself
        return True
    if command.command.name != "run":  # a command such as db upgrade, seed-demo, export: it signs nothing
        return False
    reload = command.params.get("reload")
    if reload is None:
        reload = get_debug_flag()
    return not reload or is_running_from_reloader()


_sqlite_tuned = False


def _tune_sqlite(busy_timeout_ms: int) -> None:
    """WAL mode, a busy timeout and foreign keys on every SQLite connection."""
    global _sqlite_tuned
    if _sqlite_tuned:
        return
    _sqlite_tuned = True

    @event.listens_for(Engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        import sqlite3

        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
