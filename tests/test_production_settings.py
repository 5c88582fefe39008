"""Production settings: HSTS over HTTPS (HSTS_SECONDS), and ProxyFix behind a reverse proxy (PROXY_FIX_*)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask, request
from flask.testing import FlaskClient

from accounts.models import User
from config import TestConfig
from conftest import TEST_PASSWORD
from journeymail import create_app
from journeymail.extensions import db
from test_limits_abuse import WRONG_PASSWORD, sign_in_form, signed_in

YEAR = 31_536_000


# --- HSTS ------------------------------------------------------------------------------------


def test_hsts_is_sent_over_https_when_set(app: Flask, anonymous_client: FlaskClient,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "HSTS_SECONDS", YEAR)

    page = anonymous_client.get("/login", base_url="https://localhost")
    api = anonymous_client.get("/api/campaigns", base_url="https://localhost")

    assert page.headers["Strict-Transport-Security"] == f"max-age={YEAR}; includeSubDomains"
    assert api.status_code == 401 and api.headers["Strict-Transport-Security"] == page.headers["Strict-Transport-Security"]


def test_hsts_is_never_sent_over_plain_http(app: Flask, anonymous_client: FlaskClient,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "HSTS_SECONDS", YEAR)

    assert "Strict-Transport-Security" not in anonymous_client.get("/login").headers


def test_hsts_is_off_by_default(anonymous_client: FlaskClient) -> None:
    assert "Strict-Transport-Security" not in anonymous_client.get("/login", base_url="https://localhost").headers


# --- behind a reverse proxy ------------------------------------------------------------------

PROXY = {"REMOTE_ADDR": "10.0.0.2"}  # every request arrives from the proxy


@pytest.fixture
def app_with(app: Flask) -> Iterator[Callable[..., Flask]]:
    """Another app on the test database, built with these settings (ProxyFix is applied in create_app)."""
    built: list[Flask] = []

    def build(**settings: Any) -> Flask:
        config = type("ProxiedConfig", (TestConfig,), {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], **settings})
        other = create_app(config)

        def client_seen() -> dict[str, Any]:
            return {"remote_addr": request.remote_addr, "scheme": request.scheme, "host": request.host}

        client_seen.public = True  # type: ignore[attr-defined]  # open without signing in (accounts.access)
        other.add_url_rule("/_client-seen", view_func=client_seen)
        built.append(other)
        return other

    yield build
    for other in built:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def test_proxyfix_makes_the_forwarded_client_the_remote_address(app_with: Callable[..., Flask]) -> None:
    proxied = app_with(PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1, PROXY_FIX_X_HOST=1).test_client()

    seen = proxied.get("/_client-seen", environ_base=PROXY, headers={
        "X-Forwarded-For": "198.51.100.23", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "plan.example.com"})

    assert seen.get_json() == {"remote_addr": "198.51.100.23", "scheme": "https", "host": "plan.example.com"}


def test_proxyfix_trusts_only_as_many_addresses_as_there_are_proxies(app_with: Callable[..., Flask]) -> None:
    proxied = app_with(PROXY_FIX_X_FOR=1).test_client()

    # A client that sends its own X-Forwarded-For: the proxy appends the address it saw, the one trusted.
    seen = proxied.get("/_client-seen", environ_base=PROXY, headers={"X-Forwarded-For": "1.2.3.4, 198.51.100.23"})

    assert seen.get_json()["remote_addr"] == "198.51.100.23"


def test_without_proxyfix_the_forwarded_headers_are_ignored(app_with: Callable[..., Flask]) -> None:
    direct = app_with(HSTS_SECONDS=YEAR).test_client()

    seen = direct.get("/_client-seen", environ_base=PROXY,
                      headers={"X-Forwarded-For": "198.51.100.23", "X-Forwarded-Proto": "https"})

    assert seen.get_json()["remote_addr"] == "10.0.0.2" and seen.get_json()["scheme"] == "http"
    assert "Strict-Transport-Security" not in seen.headers


def test_behind_a_tls_proxy_hsts_follows_the_forwarded_scheme(app_with: Callable[..., Flask]) -> None:
    proxied = app_with(PROXY_FIX_X_PROTO=1, HSTS_SECONDS=YEAR).test_client()

    over_https = proxied.get("/login", environ_base=PROXY, headers={"X-Forwarded-Proto": "https"})
    over_http = proxied.get("/login", environ_base=PROXY, headers={"X-Forwarded-Proto": "http"})

    assert over_https.headers["Strict-Transport-Security"] == f"max-age={YEAR}; includeSubDomains"
    assert "Strict-Transport-Security" not in over_http.headers


def test_behind_a_proxy_the_sign_in_limit_holds_one_client_not_everyone(
    app_with: Callable[..., Flask], owner: User, make_member: Callable[..., User]
) -> None:
    proxied = app_with(PROXY_FIX_X_FOR=1, SIGN_IN_LIMIT_PER_IP="3 per 15 minutes")
    editor = make_member("editor")
    attacker = {"environ_base": PROXY, "headers": {"X-Forwarded-For": "203.0.113.66"}}
    colleague = {"environ_base": PROXY, "headers": {"X-Forwarded-For": "198.51.100.23"}}
    for number in range(3):
        sign_in_form(proxied.test_client(), f"guess{number}@plannery.example", WRONG_PASSWORD, **attacker)

    assert sign_in_form(proxied.test_client(), editor.email, TEST_PASSWORD, **attacker).status_code == 429
    assert signed_in(sign_in_form(proxied.test_client(), owner.email, TEST_PASSWORD, **colleague))
