"""Flask extensions, created once and bound to the app in create_app()."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, has_request_context, request
from flask.globals import app_ctx
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import Pool
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so Alembic migrations name the same thing on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def session_scope() -> int:
    """One database session per request, else per app context (CLI commands, scripts).

    In production each request has an app context of its own, so this is Flask-SQLAlchemy's default;
    it also holds when a caller keeps an app context open around requests (the tests do), so a request
    never sees another's uncommitted work. journeymail.http removes the session when the request ends.
    """
    if has_request_context():
        return id(request._get_current_object())  # type: ignore[attr-defined]
    return id(app_ctx._get_current_object())  # type: ignore[attr-defined]


db = SQLAlchemy(model_class=Base, session_options={"scopefunc": session_scope})
migrate = Migrate(render_as_batch=True)  # batch mode: SQLite cannot ALTER most things in place
csrf = CSRFProtect()


# --- SQLite: one writer at a time, from a writing request's first statement on --------------------
#
# SQLite (pysqlite) runs a request's reads outside any transaction and begins one only at its first
# INSERT/UPDATE/DELETE, so two requests could both read positions 0..3, both renumber, and the second
# overwrite the first with stale numbers. A request that may write (POST, PUT, PATCH, DELETE) therefore
# takes SQLite's write lock with BEGIN IMMEDIATE when it first uses the database: whatever it reads is
# what it writes over, and writers wait for each other (up to SQLITE_BUSY_TIMEOUT_MS, then 503 with
# Retry-After, journeymail.errors). GET requests, commands and scripts keep reading without the lock.
# On PostgreSQL the services lock the rows they renumber (SELECT ... FOR UPDATE) instead.

WRITING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
F = TypeVar("F", bound=Callable[..., Any])


def reads_only(view: F) -> F:
    """Mark a view that is sent by POST but writes nothing (a preview, a test send, a push to an ESP): it
    does not take SQLite's write lock, so its rendering or network talk never keeps other writes waiting."""
    view.reads_only = True  # type: ignore[attr-defined]
    return view


def takes_write_lock() -> bool:
    """Whether this request begins its transaction with SQLite's write lock."""
    if not has_request_context() or request.method not in WRITING_METHODS:
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    return not getattr(view, "reads_only", False)


# Within one process the writers queue on a lock of their own first: SQLite's busy handler polls with
# growing sleeps, so among many threads one can starve past the timeout while others come and go; a
# thread lock hands the turn on as soon as it is free. Across processes SQLite's lock still decides.
_writer = threading.Lock()
_HOLDS_WRITER = "journeymail.holds_writer"


@event.listens_for(Engine, "begin")
def _begin_immediate(connection: Connection) -> None:
    if connection.dialect.name != "sqlite" or not takes_write_lock():
        return
    busy_timeout_ms = int(current_app.config.get("SQLITE_BUSY_TIMEOUT_MS", 5000))
    if not _writer.acquire(timeout=busy_timeout_ms / 1000):
        raise OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))
    connection.info[_HOLDS_WRITER] = True
    try:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={busy_timeout_ms}")  # the app's setting, as it is now
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        _end_write(connection)
        raise


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _end_write(connection: Connection) -> None:
    if connection.info.pop(_HOLDS_WRITER, False):
        _writer.release()


@event.listens_for(Pool, "checkin")
def _end_write_on_return(_dbapi_connection: Any, record: Any) -> None:
    """However a request ends (even with its connection invalidated), its turn ends with it."""
    if record is not None and record.info.pop(_HOLDS_WRITER, False):
        _writer.release()
