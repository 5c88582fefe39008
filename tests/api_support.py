"""Helpers for the API and page tests: read an error document, and see what a request saved.

What a request saved is read on a connection of its own, never through the test's session: a later
request would see exactly that, whatever objects the test holds in memory.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Row, Table

from werkzeug.test import TestResponse

from journeymail.extensions import db

ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
TOO_BIG_ID = 2**31  # one past the largest INTEGER primary key
NOT_FOUND = "There is nothing at this address. It may have been deleted."
TEST_PASSWORD = "correct horse battery staple"  # the password of every user the fixtures make


def error_of(response: TestResponse) -> dict[str, Any]:
    """The API's error document, checked for the shape DESIGN.md promises."""
    assert response.is_json, response.get_data(as_text=True)[:200]
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"message", "fields"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def database_rows() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, read on a connection of its own: what a later request would see."""
    with db.engine.connect() as connection:
        return {
            table.name: sorted((tuple(row) for row in connection.execute(table.select())), key=repr)
            for table in db.metadata.sorted_tables
        }


def saved(model: type, id: int) -> Row[Any] | None:
    """The row of `model` with this ID as the database holds it (columns as attributes), or None when there
    is none: what a later request would read."""
    table = model.__table__  # type: ignore[attr-defined]
    with db.engine.connect() as connection:
        return connection.execute(table.select().where(table.c.id == id)).one_or_none()


def saved_rows(source: type | Table, **where: Any) -> list[Row[Any]]:
    """The rows of a model's table (or of an association table) whose columns hold `where`, by primary key,
    read on a connection of their own."""
    table = source if isinstance(source, Table) else source.__table__  # type: ignore[attr-defined]
    query = table.select().where(*(table.c[name] == value for name, value in where.items()))
    with db.engine.connect() as connection:
        return list(connection.execute(query.order_by(*table.primary_key.columns)))


def unknown_id(model: type) -> int:
    """An ID no row of `model` has (IDs need not start at 1: PostgreSQL sequences keep counting)."""
    return (db.session.scalar(db.select(db.func.max(model.id))) or 0) + 1000


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "the page has no CSRF token field"
    return match.group(1)


def sign_in(client: Any, user: Any) -> None:
    """Sign `client` in as `user` the way Flask-Login's session does, without typing the password (the
    sign-in form itself has its own tests): the session holds the user's ID and key, and the identifier
    of this client's address and browser that strong session protection checks."""
    from flask_login.utils import _create_identifier

    with client.application.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["_id"] = identifier
        if user.memberships:
            session["workspace_id"] = user.memberships[0].workspace_id


def auth_headers(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
