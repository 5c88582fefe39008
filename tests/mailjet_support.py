"""What the Mailjet push tests share: a stand-in on loopback, the app pointed at it, the demo campaign, and
the push through the engine as the command does it (imported by the test modules, fixtures included)."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from campaigns.demo import create_demo
from campaigns.models import Campaign
from exports import esp
from exports.esp import replay
from exports.esp.base import Credentials, PushResult
from exports.ledger import MemoryLedger
from journeymail.extensions import db
from jobs_support import wait_until
from mailjet_standin import MailjetStandIn

KEY, SECRET = "public-key", "s3cret:with-colon"
LIST_ID = 9_876_543
SENDER = "hello@plannery.example"  # the demo campaign's sender


@pytest.fixture
def standin() -> Iterator[MailjetStandIn]:
    server = MailjetStandIn(api_key=KEY, api_secret=SECRET, lists={LIST_ID}).start()
    yield server
    server.stop()


@pytest.fixture
def start_standin() -> Iterator[Callable[..., MailjetStandIn]]:
    """Start a stand-in with other settings (senders, fail_at, fail_times, drop_after); stopped afterwards."""
    started: list[MailjetStandIn] = []

    def start(**settings: Any) -> MailjetStandIn:
        server = MailjetStandIn(**{"api_key": KEY, "api_secret": SECRET, "lists": {LIST_ID}, **settings}).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def mailjet_config(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Point the app at an API (the stand-in) with these credentials, for this test only."""

    def configure(url: str, key: str | None = KEY, secret: str | None = SECRET) -> None:
        monkeypatch.setitem(app.config, "MAILJET_API_URL", url)
        monkeypatch.setitem(app.config, "MAILJET_API_KEY", key)
        monkeypatch.setitem(app.config, "MAILJET_API_SECRET", secret)

    return configure


@pytest.fixture
def demo() -> Campaign:
    campaign = create_demo()
    db.session.commit()
    return campaign


def closed_port() -> int:
    """A loopback port nothing listens on: bound by us, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def push(bundle: dict[str, Any], url: str, *, key: str = KEY, secret: str = SECRET, ledger: Any = None,
         inputs: dict[str, int] | None = None, **options: Any) -> PushResult:
    """Push a bundle through the engine with the Mailjet adapter; a ledger for this run only unless given."""
    return replay.push(
        esp.adapter("mailjet"), bundle, credentials=Credentials(url, key, secret, 10.0),
        inputs={"contactslist": LIST_ID} if inputs is None else inputs,
        ledger=MemoryLedger() if ledger is None else ledger, **{"sleep": lambda seconds: None, **options},
    )


def creating(bundle: dict[str, Any], resource: str) -> int:
    """How many objects of a resource the bundle creates."""
    return sum(1 for r in bundle["requests"] if r["path"] == resource and "ref" in r)


RESOURCES = ("contactmetadata", "contactfilter", "template", "campaigndraft")


def created_once(standin: MailjetStandIn, bundle: dict[str, Any]) -> bool:
    """Whether the account holds each object of the bundle exactly once (and no more were ever created)."""
    return all(len(standin.ids(r)) == len(standin.objects(r)) == creating(bundle, r) for r in RESOURCES)


def flashes(client: FlaskClient) -> list[tuple[str, str]]:
    with client.session_transaction() as session:
        return list(session.get("_flashes", []))


def outcome(client: FlaskClient, response: Any) -> list[tuple[str, str]]:
    """What the user is told after pressing the button: the export page's messages when the push was not
    started; else, once its job has finished on the worker, ("success", the job's summary) or ("error",
    its first error), as the job's page shows them."""
    said = flashes(client)
    location = response.headers.get("Location", "")
    if response.status_code != 302 or "/jobs/" not in location:
        return said
    job_url = "/api" + location[location.index("/jobs/"):]
    job = wait_until(lambda: (found := client.get(job_url).get_json())["state"] in ("done", "failed") and found,
                     seconds=60)
    if job["state"] == "done":
        return [*said, ("success", job["result"]["summary"])]
    return [*said, *(("error", message) for message in job["errors"])]


def push_button(post_form: Callable[..., Any], campaign: Campaign, list_id: str = str(LIST_ID)) -> Any:
    """Press "Push to Mailjet" with a list ID, as the export page's form does."""
    return post_form(
        f"/campaigns/{campaign.id}", {"list_id": list_id}, action=f"/campaigns/{campaign.id}/push/mailjet",
    )
