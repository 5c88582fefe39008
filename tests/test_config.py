"""Configuration: the secret key rule, SQLite's connection settings and DATABASE_URL as hosts hand it out."""

from __future__ import annotations

import importlib
import logging
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

import config
from journeymail import create_app
from journeymail.extensions import db


def config_class(**settings: Any) -> type:
    """A Config as an operator would run it (not TESTING), with an in-memory database."""
    defaults = {"SECRET_KEY": None, "JOURNEYMAIL_ENV": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    return type("OperatorConfig", (config.Config,), {**defaults, **settings})


def sqlite_only() -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip(f"SQLite connection setting; this run uses {db.engine.dialect.name}")


# --- SECRET_KEY ----------------------------------------------------------------------------


def test_production_refuses_to_start_without_a_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app(config_class())


def test_production_starts_with_the_secret_key_it_is_given():
    app = create_app(config_class(SECRET_KEY="a-long-random-production-key"))

    assert app.config["SECRET_KEY"] == "a-long-random-production-key"


def test_development_without_a_secret_key_gets_a_throwaway_one_and_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="journeymail"):
        app = create_app(config_class(JOURNEYMAIL_ENV="development"))

    assert len(app.config["SECRET_KEY"]) >= 32
    assert "SECRET_KEY is not set: using a throwaway key" in caplog.text


def test_each_development_start_gets_a_different_throwaway_key():
    first = create_app(config_class(JOURNEYMAIL_ENV="development"))
    second = create_app(config_class(JOURNEYMAIL_ENV="development"))

    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"]


# --- SQLite connections --------------------------------------------------------------------


def test_sqlite_database_runs_in_wal_mode(app):
    sqlite_only()

    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_sqlite_waits_for_a_busy_database_instead_of_failing(app):
    sqlite_only()

    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == app.config["SQLITE_BUSY_TIMEOUT_MS"]


def test_the_database_refuses_a_row_that_points_at_nothing(app):
    """Foreign keys are enforced (SQLite needs them switched on per connection)."""
    with pytest.raises(IntegrityError):
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO phases (campaign_id, position, name, description, emotion, pain_points, opportunities) "
                "VALUES (2147483000, 0, 'Orphan', '', 0, '', '')"
            )


# --- DATABASE_URL --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://maya:secret@db.example:5432/jm", "postgresql+psycopg://maya:secret@db.example:5432/jm"),
        ("postgresql://maya@db.example/journeymail", "postgresql+psycopg://maya@db.example/journeymail"),
        ("postgresql+psycopg://maya@db.example/journeymail", "postgresql+psycopg://maya@db.example/journeymail"),
        ("sqlite:////var/lib/journeymail/journeymail.db", "sqlite:////var/lib/journeymail/journeymail.db"),
    ],
)
def test_database_url_is_spelled_with_the_psycopg_driver(monkeypatch, given, used):
    monkeypatch.setenv("DATABASE_URL", given)

    assert config._database_url() == used


def test_without_database_url_the_app_uses_its_own_sqlite_file(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)

    assert config._database_url() is None


# --- the session cookie and trusted hosts --------------------------------------------------------


def test_the_session_cookie_is_same_site_lax_and_secure_in_production():
    app = create_app(config_class(SECRET_KEY="k", SESSION_COOKIE_SECURE=config.Config.SESSION_COOKIE_SECURE))
    app.add_url_rule("/_touch_session", "touch", lambda: (__import__("flask").session.update(seen=1), "")[1])

    cookie = app.test_client().get("/_touch_session", base_url="https://plan.example.com").headers["Set-Cookie"]

    assert "SameSite=Lax" in cookie
    assert "Secure" in cookie


@pytest.mark.parametrize(("environment", "secure"), [
    ({"JOURNEYMAIL_ENV": "production"}, True),
    ({"JOURNEYMAIL_ENV": "development"}, False),
    ({"JOURNEYMAIL_ENV": "production", "SESSION_COOKIE_SECURE": "0"}, False),
])
def test_secure_cookies_are_decided_by_the_environment(monkeypatch, environment, secure):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    reloaded = importlib.reload(config)
    try:
        assert reloaded.Config.SESSION_COOKIE_SECURE is secure
        assert reloaded.Config.SESSION_COOKIE_SAMESITE == "Lax"
    finally:
        monkeypatch.undo()
        importlib.reload(config)


def test_trusted_hosts_come_from_the_environment_comma_separated(monkeypatch):
    monkeypatch.setenv("TRUSTED_HOSTS", "plan.example.com, .example.org,")
    try:
        assert importlib.reload(config).Config.TRUSTED_HOSTS == ["plan.example.com", ".example.org"]
    finally:
        monkeypatch.undo()
        importlib.reload(config)


@pytest.mark.parametrize("path", ["/campaigns", "/api/campaigns"])
def test_a_request_for_another_host_is_a_400(path):
    app = create_app(config_class(SECRET_KEY="k", SESSION_COOKIE_SECURE=False,
                                  TRUSTED_HOSTS=["plan.example.com", ".example.org"]))
    client = app.test_client()
    with app.app_context():
        db.create_all()
        try:
            assert client.get(path, base_url="http://plan.example.com").status_code == 200
            assert client.get(path, base_url="http://team.example.org").status_code == 200
            refused = client.get(path, base_url="http://evil.example.net")
        finally:
            db.session.remove()
            db.engine.dispose()  # the in-memory database's connection
    assert refused.status_code == 400
    assert "evil.example.net" not in refused.get_data(as_text=True)
