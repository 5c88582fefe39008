"""Pushing runs in the background: the button and POST /api/campaigns/<id>/push/<esp> start a job and answer at
once; the job's page and GET /api/jobs/<id> show its progress while it runs, and its outcome after."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

import mailjet_support
from accounts.models import AuditEntry
from campaigns.models import Campaign
from exports.mailjet import bundle as mailjet
from jobs.models import Job
from jobs_support import running_worker, wait_until
from journeymail.extensions import db
from mailjet_standin import MailjetStandIn
from mailjet_support import LIST_ID, created_once, push_button

standin, start_standin, mailjet_config, demo = (
    mailjet_support.standin, mailjet_support.start_standin, mailjet_support.mailjet_config, mailjet_support.demo
)


def finished(client: FlaskClient, job_id: int) -> dict[str, Any]:
    return wait_until(lambda: (job := client.get(f"/api/jobs/{job_id}").get_json())["state"] in ("done", "failed")
                      and job, seconds=60)


def test_the_button_answers_at_once_and_the_push_happens_on_the_worker(
    app: Any, client: FlaskClient, post_form: Callable[..., Any], demo: Campaign, standin: MailjetStandIn,
    mailjet_config: Callable[..., None], queue: Any,
) -> None:
    mailjet_config(standin.url)

    response = push_button(post_form, demo)  # no worker yet: nothing can have been pushed by the request

    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    assert standin.requests == []
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert f"<h1>Push “{demo.name}” to Mailjet</h1>" in page and ">Waiting</span>" in page
    with running_worker(app):
        job = finished(client, job_id)
    assert job["state"] == "done" and job["kind"] == "push" and job["campaign_id"] == demo.id
    assert job["result"]["created"] == 2 + 3 + 12 + 9
    assert created_once(standin, mailjet.build_bundle(demo))
    export_page = client.get(f"/campaigns/{demo.id}/export").get_data(as_text=True)
    assert "Last push:" in export_page and f'href="/jobs/{job_id}"' in export_page and ">Done</span>" in export_page
    entry = db.session.scalars(db.select(AuditEntry).filter_by(action="pushed")).one()
    assert entry.detail == {"to": "Mailjet", "contactslist": LIST_ID, "job": job_id}


def test_progress_shows_while_the_push_runs(
    client: FlaskClient, post_form: Callable[..., Any], demo: Campaign, start_standin: Callable[..., MailjetStandIn],
    mailjet_config: Callable[..., None], worker: Any,
) -> None:
    server = start_standin(hold_after=10)
    mailjet_config(server.url)
    total = len(mailjet.build_bundle(demo)["requests"])

    job_id = int(push_button(post_form, demo).headers["Location"].rsplit("/", 1)[1])

    running = wait_until(lambda: (job := client.get(f"/api/jobs/{job_id}").get_json())["done"] >= 10 and job)
    assert running["state"] == "running" and running["total"] == total and running["done"] < total
    assert running["step"]
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert f'max="{total}"' in page and ">Running</span>" in page
    server.release()
    assert finished(client, job_id)["state"] == "done"


@pytest.mark.usefixtures("worker")
def test_the_api_starts_a_push_job_and_reports_it(
    client: FlaskClient, demo: Campaign, standin: MailjetStandIn, mailjet_config: Callable[..., None],
) -> None:
    mailjet_config(standin.url)

    response = client.post(f"/api/campaigns/{demo.id}/push/mailjet", json={"list_id": LIST_ID})

    assert response.status_code == 202
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/jobs/{body['job_id']}")
    assert body["job"]["state"] == "queued" and body["job"]["kind"] == "push"
    job = finished(client, body["job_id"])
    assert job["state"] == "done", job["errors"]
    assert job["result"]["summary"].startswith(f"Pushed to Mailjet (the campaign drafts send to list {LIST_ID}).")

    again = finished(client, client.post(f"/api/campaigns/{demo.id}/push/mailjet",
                                         json={"list_id": str(LIST_ID)}).get_json()["job_id"])
    assert again["result"]["created"] == 0 and again["result"]["reused"] == 2 + 3 + 12 + 9
    assert created_once(standin, mailjet.build_bundle(demo))


@pytest.mark.usefixtures("worker")
def test_a_push_the_esp_refuses_fails_its_job_with_the_reason(
    client: FlaskClient, demo: Campaign, start_standin: Callable[..., MailjetStandIn],
    mailjet_config: Callable[..., None],
) -> None:
    server = start_standin(senders={"hello@plannery.example": "Inactive"})
    mailjet_config(server.url)

    job = finished(client, client.post(f"/api/campaigns/{demo.id}/push/mailjet", json={"list_id": 55}).get_json()["job_id"])

    assert job["state"] == "failed"
    (message,) = job["errors"]
    assert message.startswith("The push to Mailjet stopped.") and "no contact list with ID 55" in message
    assert server.writes() == []


@pytest.mark.usefixtures("worker")
def test_a_campaign_that_cannot_be_exported_fails_its_job_with_the_problems(
    client: FlaskClient, demo: Campaign, standin: MailjetStandIn, mailjet_config: Callable[..., None],
) -> None:
    mailjet_config(standin.url)
    demo.sender_email = "not an address"
    db.session.commit()

    job = finished(client, client.post(f"/api/campaigns/{demo.id}/push/mailjet", json={"list_id": LIST_ID}).get_json()["job_id"])

    assert job["state"] == "failed" and "The sender address 'not an address'" in job["errors"][0]
    assert standin.requests == []


@pytest.mark.parametrize("body, field", [({}, "list_id"), ({"list_id": "abc"}, "list_id"), ({"list_id": 0}, "list_id"),
                                         ({"list_id": True}, "list_id"), ({"list_id": 2**64}, "list_id")])
def test_the_api_names_a_missing_or_bad_list_id_and_starts_nothing(
    client: FlaskClient, demo: Campaign, standin: MailjetStandIn, mailjet_config: Callable[..., None],
    body: dict[str, Any], field: str,
) -> None:
    mailjet_config(standin.url)

    response = client.post(f"/api/campaigns/{demo.id}/push/mailjet", json=body)

    assert response.status_code == 422
    assert "contact list" in response.get_json()["error"]["fields"][field]
    assert db.session.scalars(db.select(Job)).all() == []


def test_the_api_says_which_settings_are_missing_and_knows_only_its_esps(
    client: FlaskClient, demo: Campaign, standin: MailjetStandIn, mailjet_config: Callable[..., None],
) -> None:
    mailjet_config(standin.url, key=None, secret=None)
    missing = client.post(f"/api/campaigns/{demo.id}/push/mailjet", json={"list_id": LIST_ID})
    assert missing.status_code == 409 and "MAILJET_API_KEY" in missing.get_json()["error"]["message"]

    assert client.post(f"/api/campaigns/{demo.id}/push/sendgrid", json={"list_id": 1}).status_code == 404
    assert client.post(f"/api/campaigns/{demo.id}/push/mailjet", data="list_id=1",
                       content_type="application/x-www-form-urlencoded").status_code == 415
    assert client.post(f"/api/campaigns/{demo.id}/push/mailjet", json=[1]).status_code == 422
    assert db.session.scalars(db.select(Job)).all() == []


def test_a_german_user_reads_the_push_job_in_german(
    client: FlaskClient, demo: Campaign, standin: MailjetStandIn, mailjet_config: Callable[..., None], worker: Any,
) -> None:
    mailjet_config(standin.url)
    german = {"Accept-Language": "de"}

    refused = client.post(f"/api/campaigns/{demo.id}/push/mailjet", json={}, headers=german)
    assert refused.get_json()["error"]["fields"]["list_id"].startswith("Geben Sie die ID der Mailjet-Kontaktliste")
