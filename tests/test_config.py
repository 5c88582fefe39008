"""Configuration: the secret key rule, SQLite's connection settings and DATABASE_URL as hosts hand it out."""

from __future__ import annotations

import importlib
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

import config
import journeymail
from accounts.access import public
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


ROOT = Path(__file__).resolve().parent.parent
THROWAWAY_KEY_WARNING = "SECRET_KEY is not set: using a throwaway key"


@pytest.fixture
def fresh_process(monkeypatch):
    """As in a process that has not built an app yet: the warning is said once per process."""
    monkeypatch.setattr(journeymail, "_throwaway_key_announced", False)


def test_development_without_a_secret_key_gets_a_throwaway_one_and_a_warning(caplog, fresh_process):
    with caplog.at_level(logging.WARNING, logger="journeymail"):
        app = create_app(config_class(JOURNEYMAIL_ENV="development"))

    assert len(app.config["SECRET_KEY"]) >= 32
    assert "SECRET_KEY is not set: using a throwaway key" in caplog.text


def test_each_development_start_gets_a_different_throwaway_key():
    first = create_app(config_class(JOURNEYMAIL_ENV="development"))
    second = create_app(config_class(JOURNEYMAIL_ENV="development"))

    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"]


def test_a_process_that_builds_several_apps_warns_about_the_throwaway_key_once(caplog, fresh_process):
    with caplog.at_level(logging.WARNING, logger="journeymail"):
        for _ in range(3):
            create_app(config_class(JOURNEYMAIL_ENV="development"))

    assert caplog.text.count(THROWAWAY_KEY_WARNING) == 1


def flask_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "wsgi", *args]


def development_environment(database: Path) -> dict[str, str]:
    """What `make run` gives its commands: development, no SECRET_KEY; here with a database of the test's own."""
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FLASK_DEBUG")}
    return {**environment, "JOURNEYMAIL_ENV": "development", "DATABASE_URL": f"sqlite:///{database}"}


def server_start_output(args: list[str], environment: dict[str, str]) -> str:
    """What the development server prints on standard error up to its "Running on" line; then it is stopped."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [*args, "--port", str(port)], cwd=ROOT, env=environment, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
        text=True,
    )
    lines = []
    try:
        for line in server.stderr:  # type: ignore[union-attr]
            lines.append(line)
            if "Debugger is active" in line or ("Running on" in line and "--debug" not in args):
                break
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()  # type: ignore[union-attr]
    return "".join(lines)


def test_make_run_says_once_that_the_secret_key_is_a_throwaway_one(tmp_path):
    """`make run` migrates, seeds and serves: three processes, one warning, from the one that serves."""
    environment = development_environment(tmp_path / "journeymail.db")
    said = []
    for command in (["db", "upgrade"], ["seed-demo", "--if-empty"]):
        done = subprocess.run(flask_command(*command), cwd=ROOT, env=environment,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        said.append(done.stdout + done.stderr)
    said.append(server_start_output(flask_command("run"), environment))

    assert [THROWAWAY_KEY_WARNING in output for output in said] == [False, False, True], said
    assert "Sign in as demo@journeymail.example with the password " in said[1]  # what `make run` prints


def test_the_debug_server_and_its_reloader_say_it_once(tmp_path):
    environment = development_environment(tmp_path / "journeymail.db")

    output = server_start_output(flask_command("run", "--debug"), environment)

    assert output.count(THROWAWAY_KEY_WARNING) == 1, output


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
    touch = public(lambda: (__import__("flask").session.update(seen=1), "")[1])
    app.add_url_rule("/_touch_session", "touch", touch)

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
            assert client.get("/login", base_url="http://plan.example.com").status_code == 200
            assert client.get(path, base_url="http://plan.example.com").status_code in (302, 401)  # sign in first
            assert client.get(path, base_url="http://team.example.org").status_code in (302, 401)
            refused = client.get(path, base_url="http://evil.example.net")
        finally:
            db.session.remove()
            db.engine.dispose()  # the in-memory database's connection
    assert refused.status_code == 400
    assert "evil.example.net" not in refused.get_data(as_text=True)
