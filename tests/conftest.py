"""Fixtures: the app on a real database (SQLite file, or PostgreSQL via TEST_DATABASE_URL),
a clean database for every test, clients, and factories that build data through the services."""

from __future__ import annotations

import os
import smtplib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient, FlaskCliRunner
from werkzeug.security import generate_password_hash

from campaigns import services as campaign_services
from campaigns.models import Campaign, Touchpoint
from accounts import current
from accounts.limits import limiter
from accounts.models import Membership, User, Workspace
from api_support import TEST_PASSWORD, csrf_token_from, sign_in
from config import TestConfig
from journeymail import create_app
from journeymail.extensions import db
from segments import services as segment_services
from segments.models import Segment
from smtp_server import LoopbackSMTPServer

pytest_plugins = ["jobs_support"]  # background jobs: the queue, a worker, a second app (tests/jobs_support.py)


class RequestClient(FlaskClient):
    """A test client whose requests each run in a database session of their own, as in production.

    The test's own session (db.session in the test's app context) is another user: before each request
    it commits what the test arranged, which also expires what it holds, so whatever the test reads
    afterwards comes from the database, never from objects a request changed in memory. A request whose
    changes are not committed therefore leaves no trace a test could see.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            db.session.commit()
        # A request gets an app context of its own, as in production: what it keeps in flask.g (the
        # signed-in user, the workspace) never leaks into the test's context or the next request. The
        # response is read to its end inside it, so a streamed download runs in its own request too.
        kwargs.setdefault("buffered", True)
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app for the session; its schema is created once, its rows emptied after every test."""
    url = os.environ.get("TEST_DATABASE_URL") or "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        JOBS_URL = "sqlite:///" + str(tmp_path_factory.mktemp("jobs") / "queue.db")  # the session's own queue
        CONTACTS_UPLOAD_FOLDER = str(tmp_path_factory.mktemp("contact-uploads"))  # not the checkout's instance/

    app = create_app(Config)
    app.test_client_class = RequestClient
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(app: Flask) -> Iterator[None]:
    """Every test starts from an empty database. The app context lets tests use db.session directly;
    requests still get sessions of their own (journeymail.extensions.session_scope)."""
    with app.app_context():
        yield
        db.session.rollback()
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())


@pytest.fixture(autouse=True)
def _fresh_limits(app: Flask) -> None:
    """Every test starts with no sign-in, test-send or push counted against it (accounts.limits)."""
    limiter.reset()


# --- a workspace, its owner, and clients signed in as users ---------------------------------

@pytest.fixture(scope="session")
def password_hash() -> str:
    """TEST_PASSWORD hashed once: scrypt is slow on purpose, and most tests sign in without typing it."""
    return generate_password_hash(TEST_PASSWORD, method="scrypt")


@pytest.fixture(autouse=True)
def workspace(_clean_database: None, password_hash: str) -> Workspace:
    """The workspace every test works in, with its owner; the test's own code (factories) works in it too."""
    # Test sends may go to the members and to ada@example.com, where the test-send tests send.
    space = Workspace(name="Plannery team", test_send_allow_list=["ada@example.com"])
    owner = User(email="owner@plannery.example", name="Olga Owner", password_hash=password_hash)
    db.session.add_all([space, owner, Membership(user=owner, workspace=space, role="owner")])
    db.session.commit()
    current.use_workspace(space, "owner", owner)
    return space


@pytest.fixture
def owner(workspace: Workspace) -> User:
    return workspace.memberships[0].user


@pytest.fixture
def client(app: Flask, owner: User) -> FlaskClient:
    """A browser signed in as the workspace's owner."""
    signed_in = app.test_client()
    sign_in(signed_in, owner)
    return signed_in


@pytest.fixture
def anonymous_client(app: Flask) -> FlaskClient:
    """A browser nobody signed in with."""
    return app.test_client()


@pytest.fixture
def make_member(workspace: Workspace, password_hash: str) -> Callable[..., User]:
    """A user with `role` in `workspace` (default: the test's), whose password is TEST_PASSWORD."""
    counter = iter(range(1, 10_000))

    def make(role: str = "editor", space: Workspace | None = None, email: str | None = None) -> User:
        number = next(counter)
        user = User(email=email or f"{role}{number}@plannery.example", name=f"{role.title()} {number}",
                    password_hash=password_hash)
        db.session.add_all([user, Membership(user=user, workspace=space or workspace, role=role)])
        db.session.commit()
        return user

    return make


@pytest.fixture
def client_as(app: Flask, make_member: Callable[..., User]) -> Callable[..., FlaskClient]:
    """A new browser signed in as a new member with `role` (of `space`, default the test's workspace)."""

    def make(role: str, space: Workspace | None = None) -> FlaskClient:
        browser = app.test_client()
        sign_in(browser, make_member(role, space))
        return browser

    return make


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()




@pytest.fixture
def post_form(client: FlaskClient) -> Callable[..., Any]:
    """Open the page a form lives on, then post the form with that page's CSRF token, as a browser would."""

    def post(page_url: str, data: dict[str, Any], action: str | None = None, **kwargs: Any) -> Any:
        page = client.get(page_url)
        assert page.status_code == 200, page.status_code
        token = csrf_token_from(page.get_data(as_text=True))
        return client.post(action or page_url, data={**data, "csrf_token": token}, **kwargs)

    return post


# --- no real email -----------------------------------------------------------------------------

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(autouse=True)
def _no_smtp_beyond_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test whose code opens an SMTP connection to a host other than loopback.

    A guard, not a mock: connections to the aiosmtpd servers tests start on 127.0.0.1 go through
    unchanged. SMTP_SSL and LMTP inherit SMTP.connect, so they are guarded as well.
    """
    connect = smtplib.SMTP.connect

    def guarded(self: smtplib.SMTP, host: str = "localhost", port: int = 0, source_address: Any = None) -> Any:
        name = host
        if not port and host.count(":") == 1:  # smtplib reads "host:port" the same way
            name = host.partition(":")[0]
        if name.strip("[]").lower() not in LOOPBACK_HOSTS:
            pytest.fail(
                f"This test tried to open an SMTP connection to {host!r} (port {port}). Tests may only reach "
                "SMTP servers they start on loopback (127.0.0.1), e.g. aiosmtpd; never a real mail server.",
                pytrace=False,
            )
        return connect(self, host, port, source_address)

    monkeypatch.setattr(smtplib.SMTP, "connect", guarded)


# --- an SMTP server on loopback, and the app pointed at it -------------------------------------

SMTP_KEYS = ("SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_TLS", "SMTP_TIMEOUT",
             "TEST_SEND_MAX_RECIPIENTS")


@pytest.fixture
def configure_smtp(app: Flask) -> Iterator[Callable[..., None]]:
    """Set SMTP_* on the session's app for one test; the settings before it come back afterwards."""
    saved = {key: app.config[key] for key in SMTP_KEYS}

    def configure(**settings: Any) -> None:
        app.config.update(settings)

    yield configure
    app.config.update(saved)


@pytest.fixture
def start_smtp_server(configure_smtp: Callable[..., None]) -> Iterator[Callable[..., LoopbackSMTPServer]]:
    """Start an aiosmtpd server on 127.0.0.1 and point the app at it (no TLS unless told); stopped after the test."""
    servers: list[LoopbackSMTPServer] = []

    def start(*, tls: str = "none", user: str | None = None, password: str | None = None,
              **options: Any) -> LoopbackSMTPServer:
        server = LoopbackSMTPServer(**options)
        server.start()
        servers.append(server)
        configure_smtp(SMTP_HOST=server.host, SMTP_PORT=server.port, SMTP_TLS=tls, SMTP_USER=user,
                       SMTP_PASSWORD=password, SMTP_TIMEOUT=5.0)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def smtp_server(start_smtp_server: Callable[..., LoopbackSMTPServer]) -> LoopbackSMTPServer:
    return start_smtp_server()


# --- factories: build data through the services, like a user would -------------------------


@pytest.fixture
def create_segment() -> Callable[..., Segment]:
    counter = iter(range(1, 10_000))

    def create(**overrides: Any) -> Segment:
        data = {
            "name": f"Segment {next(counter)}",
            "motivation": "Follows us actively as a resource",
            "action": "Clicks through for more information",
            "obstacle": "Does not know enough about us yet",
            "sample_data": {"firstname": "Ada"},
            **overrides,
        }
        segment = segment_services.create_segment(data)
        db.session.commit()
        return segment

    return create


@pytest.fixture
def create_campaign() -> Callable[..., Campaign]:
    def create(**overrides: Any) -> Campaign:
        data = {
            "name": "Trial journey",
            "goal": "Start a free trial",
            "framework": "five-stage",
            "sender_name": "Maya",
            "sender_email": "maya@example.com",
            **overrides,
        }
        campaign = campaign_services.create_campaign(data)
        db.session.commit()
        return campaign

    return create


@pytest.fixture
def create_touchpoint() -> Callable[..., Touchpoint]:
    def create(campaign: Campaign, phase_index: int = 0, **overrides: Any) -> Touchpoint:
        data = {"phase_id": campaign.phases[phase_index].id, "kind": "welcome", "name": "Welcome", **overrides}
        touchpoint = campaign_services.add_touchpoint(campaign, data)
        db.session.commit()
        return touchpoint

    return create
