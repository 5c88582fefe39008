"""Flask extensions, created once and bound to the app in create_app()."""

from __future__ import annotations

from flask import has_request_context, request
from flask.globals import app_ctx
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
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
