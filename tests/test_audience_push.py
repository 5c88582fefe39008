"""The push's audience step: the campaign's contacts into the Mailjet list (DATA upload, csvimport, its status
polled), resumable through the ledger, so a second push uploads nothing."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import mailjet_support
from campaigns.models import Campaign
from contacts_support import api_import, csv_text
from jobs_support import wait_until
from mailjet_standin import MailjetStandIn
from mailjet_support import LIST_ID

standin, start_standin, mailjet_config, demo = (
    mailjet_support.standin, mailjet_support.start_standin, mailjet_support.mailjet_config, mailjet_support.demo
)

PEOPLE = [["E-Mail", "Name", "Status", "Angemeldet am", "Tarif", "Stadt"],
          ["anna@example.com", "Anna Adler", "abonniert", "01.02.2024", "pro", "Köln"],
          ["jürgen@example.de", "Jürgen Jäger", "abonniert", "03.03.2024", "pro", "=1+1"],
          ["dieter@example.com", "Dieter Dorn", "abgemeldet", "01.01.2024", "pro", "Wien"],
          ["carla@example.com", "Carla Cramer", "abonniert", "", "pro", "Graz"]]


@pytest.fixture
def audience(client: FlaskClient, demo: Campaign, app: Flask, monkeypatch: pytest.MonkeyPatch) -> Campaign:
    monkeypatch.setitem(app.config, "MAILJET_IMPORT_POLL_SECONDS", 0)
    assert api_import(client, csv_text(PEOPLE).encode("cp1252"), policy="skip").status_code == 201
    rule = {"all": [{"field": "property:tarif", "op": "eq", "value": "pro"}]}
    assert client.put(f"/api/segments/{demo.segments[0].id}/rule", json={"rule": rule}).status_code == 200
    return demo


def finished(client: FlaskClient, job_id: int) -> dict[str, Any]:
    return wait_until(lambda: (job := client.get(f"/api/jobs/{job_id}").get_json())["state"] in ("done", "failed")
                      and job, seconds=60)


def push(client: FlaskClient, campaign: Campaign, **body: Any) -> dict[str, Any]:
    response = client.post(f"/api/campaigns/{campaign.id}/push/mailjet", json={"list_id": LIST_ID, **body})
    assert response.status_code == 202, response.get_json()
    return finished(client, response.get_json()["job_id"])


@pytest.mark.usefixtures("worker")
def test_a_push_with_contacts_imports_them_into_the_list(client: FlaskClient, audience: Campaign,
                                                         standin: MailjetStandIn, mailjet_config: Callable[..., None]) -> None:
    mailjet_config(standin.url)
    job = push(client, audience, contacts=True)
    assert job["state"] == "done", job["errors"]
    assert job["result"]["contacts"] == {"contacts": 2, "uploaded": True, "imported": True, "errors": 0}
    assert "Contacts: 2 imported into Mailjet (0 refused)." in job["result"]["summary"]

    [upload] = [r for r in standin.requests if r.path.startswith("/v3/DATA/")]
    assert upload.method == "POST" and upload.path == f"/v3/DATA/contactslist/{LIST_ID}/CSVData/text:plain"
    assert upload.content_type == "text/plain" and upload.authorization and upload.authorization.startswith("Basic ")
    [csvimport] = [r for r in standin.requests if r.path == "csvimport" and r.method == "POST"]
    options = json.loads(csvimport.body["ImportOptions"])
    assert csvimport.body["ContactsListID"] == LIST_ID and csvimport.body["Method"] == "addnoforce"
    assert csvimport.body["DataID"] == upload.answer["ID"]
    assert options["FieldNames"][:3] == ["email", "segment", "journey_phase"]
    rows = list(csv.reader(io.StringIO(upload.body.decode("utf-8"))))
    assert [r[0] for r in rows] == ["anna@example.com", "jürgen@example.de"]  # no header row: FieldNames says it
    assert any(r.path.startswith("csvimport/") and r.method == "GET" for r in standin.requests)  # polled

    contacts = standin.contacts(LIST_ID)
    assert set(contacts) == {"anna@example.com", "jürgen@example.de"}  # dieter unsubscribed, carla no consent
    slug = contacts["anna@example.com"]["segment"]
    assert slug and all(c["segment"] == slug for c in contacts.values())


@pytest.mark.usefixtures("worker")
def test_a_second_push_of_the_same_contacts_uploads_nothing(client: FlaskClient, audience: Campaign,
                                                            standin: MailjetStandIn,
                                                            mailjet_config: Callable[..., None]) -> None:
    mailjet_config(standin.url)
    assert push(client, audience, contacts=True)["state"] == "done"
    again = push(client, audience, contacts=True)
    assert again["state"] == "done", again["errors"]
    assert again["result"]["contacts"]["uploaded"] is False and again["result"]["contacts"]["imported"] is False
    assert len(standin.uploads()) == 1
    assert len([r for r in standin.requests if r.path == "csvimport" and r.method == "POST"]) == 1


@pytest.mark.usefixtures("worker")
def test_a_push_stopped_after_the_upload_imports_the_uploaded_data(client: FlaskClient, audience: Campaign,
                                                                   start_standin: Callable[..., MailjetStandIn],
                                                                   mailjet_config: Callable[..., None]) -> None:
    from exports.mailjet import bundle as mailjet

    writes = len(mailjet.build_bundle(audience)["requests"]) + 1  # the bundle, then the upload
    server = start_standin(fail_at=writes + 1)  # the csvimport is refused once
    mailjet_config(server.url)
    first = push(client, audience, contacts=True)
    assert first["state"] == "failed"
    server.state.fail_at = None
    again = push(client, audience, contacts=True)
    assert again["state"] == "done", again["errors"]
    assert len(server.uploads()) == 1  # the saved DataID was used
    assert set(server.contacts(LIST_ID)) == {"anna@example.com", "jürgen@example.de"}


@pytest.mark.usefixtures("worker")
def test_a_push_without_contacts_leaves_the_list_alone(client: FlaskClient, audience: Campaign,
                                                       standin: MailjetStandIn,
                                                       mailjet_config: Callable[..., None]) -> None:
    mailjet_config(standin.url)
    assert push(client, audience)["state"] == "done"
    assert standin.uploads() == [] and standin.contacts(LIST_ID) == {}


def test_the_push_button_with_the_box_ticked_pushes_the_contacts_too(
        client: FlaskClient, post_form: Callable[..., Any], audience: Campaign, standin: MailjetStandIn,
        mailjet_config: Callable[..., None], worker: Any) -> None:
    mailjet_config(standin.url)
    page = client.get(f"/campaigns/{audience.id}/export").get_data(as_text=True)
    assert 'name="contacts" value="1"' in page
    response = post_form(f"/campaigns/{audience.id}/export", {"list_id": str(LIST_ID), "contacts": "1"},
                         action=f"/campaigns/{audience.id}/push/mailjet")
    assert response.status_code == 302
    job = finished(client, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert job["state"] == "done", job["errors"]
    assert set(standin.contacts(LIST_ID)) == {"anna@example.com", "jürgen@example.de"}
