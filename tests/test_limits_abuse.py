"""Abuse limits: brute force on the sign-in form, and test sends and pushes per user per hour.

Each limit answers 429 with the reason, when to try again and a Retry-After header; what it guards
(a sign-in, an email, a request to Mailjet) does not happen. conftest resets the counters before each test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from accounts.models import User
from api_support import csrf_token_from, error_of
from campaigns import services as campaign_services
from campaigns.demo import create_demo
from campaigns.models import Campaign, Touchpoint
from config import TestConfig
from conftest import TEST_PASSWORD
from journeymail import create_app
from jobs.models import Job
from journeymail.extensions import db
from mailjet_standin import MailjetStandIn
from segments.models import Segment
from smtp_server import LoopbackSMTPServer

WRONG_PASSWORD = "not the password at all"


def sign_in_form(browser: FlaskClient, email: str, password: str, **kwargs: Any) -> Any:
    """Open the sign-in page and send its form, as a person would."""
    token = csrf_token_from(browser.get("/login", **kwargs).get_data(as_text=True))
    return browser.post("/login", data={"email": email, "password": password, "csrf_token": token}, **kwargs)


def signed_in(response: Any) -> bool:
    return response.status_code == 302 and not response.headers["Location"].startswith("/login")


# --- brute force on the sign-in form --------------------------------------------------------


def test_the_eleventh_wrong_password_for_an_address_is_a_429_even_with_the_right_password(
    anonymous_client: FlaskClient, owner: User
) -> None:
    for _ in range(10):
        assert sign_in_form(anonymous_client, owner.email, WRONG_PASSWORD).status_code == 401

    response = sign_in_form(anonymous_client, owner.email, TEST_PASSWORD)

    assert response.status_code == 429
    assert 850 <= int(response.headers["Retry-After"]) <= 900  # the first failure leaves the window in 15 minutes
    page = response.get_data(as_text=True)
    assert "too many failed sign-ins for this email address (10 in 15 minutes)" in page
    assert "Try again in 15 minutes." in page
    assert not signed_in(response)
    assert anonymous_client.get("/campaigns").status_code == 302  # still sent to the sign-in page


def test_the_address_is_counted_however_it_is_typed(anonymous_client: FlaskClient, owner: User) -> None:
    for typed in ["OWNER@plannery.example", " owner@Plannery.Example "] * 5:
        assert sign_in_form(anonymous_client, typed, WRONG_PASSWORD).status_code == 401

    assert sign_in_form(anonymous_client, owner.email, TEST_PASSWORD).status_code == 429


def test_signing_in_right_does_not_count(anonymous_client: FlaskClient, owner: User) -> None:
    for _ in range(9):
        sign_in_form(anonymous_client, owner.email, WRONG_PASSWORD)
    for _ in range(3):
        assert signed_in(sign_in_form(anonymous_client, owner.email, TEST_PASSWORD))

    assert sign_in_form(anonymous_client, owner.email, WRONG_PASSWORD).status_code == 401  # the 10th failure
    assert sign_in_form(anonymous_client, owner.email, TEST_PASSWORD).status_code == 429


def test_another_address_still_signs_in_until_the_limit_for_the_ip_address(
    app: Flask, anonymous_client: FlaskClient, owner: User, make_member: Callable[..., User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT_PER_IP", "15 per 15 minutes")
    editor = make_member("editor")
    for _ in range(10):
        sign_in_form(anonymous_client, owner.email, WRONG_PASSWORD)
    assert sign_in_form(anonymous_client, owner.email, TEST_PASSWORD).status_code == 429

    assert signed_in(sign_in_form(app.test_client(), editor.email, TEST_PASSWORD))
    for number in range(5):  # failures 11 to 15 from this IP address, each for an address of its own
        assert sign_in_form(anonymous_client, f"guess{number}@plannery.example", WRONG_PASSWORD).status_code == 401

    response = sign_in_form(app.test_client(), editor.email, TEST_PASSWORD)
    assert response.status_code == 429
    assert "too many failed sign-ins from your network (15 in 15 minutes)" in response.get_data(as_text=True)
    assert "Retry-After" in response.headers

    elsewhere = {"REMOTE_ADDR": "198.51.100.7"}  # another client's IP address is not held up
    assert signed_in(sign_in_form(app.test_client(), editor.email, TEST_PASSWORD, environ_base=elsewhere))


# --- test sends ----------------------------------------------------------------------------


@pytest.fixture
def email(create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint],
          create_segment: Callable[..., Segment]) -> Touchpoint:
    campaign = create_campaign()
    segment = create_segment(name="Busy founders")
    campaign_services.set_segments(campaign, {"segment_ids": [segment.id]})
    touchpoint = create_touchpoint(campaign, subject="Welcome")
    db.session.commit()
    return touchpoint


def send_test(browser: FlaskClient, email: Touchpoint, to: str = "ada@example.com") -> Any:
    return browser.post(f"/api/campaigns/{email.campaign_id}/test-send",
                        json={"touchpoint_id": email.id, "recipients": [to]})


def test_test_sends_beyond_the_limit_are_a_429_and_send_nothing(
    app: Flask, client: FlaskClient, smtp_server: LoopbackSMTPServer, email: Touchpoint,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "TEST_SEND_LIMIT", "3 per hour")
    assert [send_test(client, email).status_code for _ in range(3)] == [200, 200, 200]

    response = send_test(client, email)

    assert response.status_code == 429
    error = error_of(response)
    assert error["message"].startswith(
        "You have made 3 test sends in the last hour, the most allowed per person. Try again in "
    )
    assert 3500 <= int(response.headers["Retry-After"]) <= 3600
    assert len(smtp_server.received) == 3


def test_a_refused_test_send_costs_nothing_and_the_limit_is_per_person(
    app: Flask, client: FlaskClient, client_as: Callable[..., FlaskClient], smtp_server: LoopbackSMTPServer,
    email: Touchpoint, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "TEST_SEND_LIMIT", "2 per hour")
    assert send_test(client, email, "stranger@elsewhere.example").status_code == 422  # not on the allow-list
    assert [send_test(client, email).status_code for _ in range(3)] == [200, 200, 429]

    copywriter = client_as("copywriter")
    assert send_test(copywriter, email).status_code == 200
    assert len(smtp_server.received) == 3


def test_the_test_send_form_beyond_the_limit_shows_a_page_saying_when_to_try_again(
    app: Flask, client: FlaskClient, post_form: Callable[..., Any], smtp_server: LoopbackSMTPServer,
    email: Touchpoint, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "TEST_SEND_LIMIT", "1 per hour")
    page = f"/campaigns/{email.campaign_id}"
    form = {"touchpoint_id": email.id, "recipients": "ada@example.com", "next": page}
    assert post_form(page, form, action=f"/campaigns/{email.campaign_id}/test-send").status_code == 302

    response = post_form(page, form, action=f"/campaigns/{email.campaign_id}/test-send")

    assert response.status_code == 429
    assert response.mimetype == "text/html"
    assert "You have made 1 test send in the last hour" in response.get_data(as_text=True)
    assert "Try again in 60 minutes." in response.get_data(as_text=True)
    assert "Retry-After" in response.headers
    assert len(smtp_server.received) == 1


# --- pushes to Mailjet ---------------------------------------------------------------------

KEY, SECRET, LIST_ID = "public-key", "secret", 4242


@pytest.fixture
def standin(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[MailjetStandIn]:
    server = MailjetStandIn(api_key=KEY, api_secret=SECRET, lists={LIST_ID}).start()
    monkeypatch.setitem(app.config, "MAILJET_API_URL", server.url)
    monkeypatch.setitem(app.config, "MAILJET_API_KEY", KEY)
    monkeypatch.setitem(app.config, "MAILJET_API_SECRET", SECRET)
    yield server
    server.stop()


def test_pushes_beyond_the_limit_are_a_429_and_reach_mailjet_no_more(
    app: Flask, client: FlaskClient, post_form: Callable[..., Any], standin: MailjetStandIn,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "PUSH_LIMIT", "2 per hour")
    campaign = create_demo()
    db.session.commit()

    def push() -> Any:
        return post_form(f"/campaigns/{campaign.id}", {"list_id": str(LIST_ID)},
                         action=f"/campaigns/{campaign.id}/push/mailjet")

    assert "/jobs/" in push().headers["Location"]
    assert "/jobs/" in push().headers["Location"]  # the second starts a push too

    response = push()

    assert response.status_code == 429
    assert "You have made 2 pushes in the last hour, the most allowed per person." in response.get_data(as_text=True)
    assert "Retry-After" in response.headers
    assert db.session.scalar(db.select(db.func.count()).select_from(Job)) == 2  # the third started nothing


# --- the settings ----------------------------------------------------------------------------


def test_a_limit_setting_that_does_not_read_as_a_limit_stops_the_start_naming_it() -> None:
    config = type("TypoConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": "sqlite://", "PUSH_LIMIT": "ten an hour"})

    with pytest.raises(RuntimeError, match='PUSH_LIMIT is "ten an hour"; write a limit such as "10 per 15 minutes"'):
        create_app(config)
