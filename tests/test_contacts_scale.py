"""The contacts page at scale: a page asks as many SQL statements for 20,000 contacts as for 20, and each of
its queries reads an index (so it stays fast at a million; EXPLAIN QUERY PLAN on SQLite says which)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, insert

from accounts import current
from contacts import services
from contacts.importing import property_values
from contacts.models import Contact, ContactProperty, utcnow
from journeymail.extensions import db


def seed(count: int) -> None:
    """`count` contacts with a property each, written in bulk as an import would."""
    now = utcnow()
    statuses = ["subscribed", "subscribed", "subscribed", "unsubscribed", "bounced"]
    rows = [{"workspace_id": current.workspace_id(), "email": f"reader{n:06}@example.com",
             "email_key": f"reader{n:06}@example.com", "name": f"Reader {n:06}", "name_key": f"reader {n:06}",
             "status": statuses[n % 5], "opens": n % 7, "clicks": n % 3, "consent_source": "", "created_at": now,
             "updated_at": now} for n in range(count)]
    ids = list(db.session.scalars(insert(Contact).returning(Contact.id, sort_by_parameter_order=True), rows))
    db.session.execute(insert(ContactProperty), [property_values(i, "plan", "string", "pro") for i in ids])
    db.session.commit()


@contextmanager
def counted(app: Flask) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


PAGES = ["/contacts", "/contacts?page=7", "/contacts?q=reader0001", "/contacts?status=bounced&page=3",
         "/api/contacts?q=Reader%2000&per_page=100", "/api/contacts?page=40&status=subscribed"]


def statements_per_page(app: Flask, client: FlaskClient) -> list[int]:
    found = []
    for url in PAGES:
        db.session.commit()
        with counted(app) as statements:
            response = client.get(url)
        assert response.status_code == 200, url
        found.append(len(statements))
    return found


def test_a_page_of_contacts_asks_as_many_statements_for_20000_as_for_4000(app: Flask, client: FlaskClient) -> None:
    seed(4_000)  # enough for every page asked to have rows
    small = statements_per_page(app, client)
    db.session.execute(db.delete(Contact))
    db.session.commit()
    seed(20_000)
    large = statements_per_page(app, client)

    assert large == small
    assert max(large) <= 12
    assert client.get("/api/contacts?page=40&status=subscribed").get_json()["total"] == 12_000


def plans(query: Any) -> str:
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    rows = db.session.execute(db.text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    return "\n".join(str(row[-1]) for row in rows)


def test_the_pages_queries_read_indexes(app: Flask) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL's plans: docs/architecture.md, \"Contacts at scale\"")
    seed(2_000)
    db.session.execute(db.text("ANALYZE"))
    queries = {}
    for q, status in [("", ""), ("reader00", ""), ("", "bounced"), ("reader 00", "subscribed")]:
        captured: list[Any] = []
        original = db.session.scalars, db.session.scalar

        def keep_scalars(query: Any, *a: Any, **k: Any) -> Any:
            captured.append(query)
            return original[0](query, *a, **k)

        def keep_scalar(query: Any, *a: Any, **k: Any) -> Any:
            captured.append(query)
            return original[1](query, *a, **k)

        db.session.scalars, db.session.scalar = keep_scalars, keep_scalar  # type: ignore[method-assign]
        try:
            services.search_contacts(q, status)
        finally:
            db.session.scalars, db.session.scalar = original  # type: ignore[method-assign]
        queries[(q, status)] = [plans(query) for query in captured]
    for key, found in queries.items():
        for plan in found:
            assert "SCAN contacts" not in plan or "USING" in plan, (key, plan)
            assert "contacts" not in plan or "INDEX" in plan, (key, plan)
