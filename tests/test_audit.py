"""The audit log: who created, changed, deleted, exported, pushed or test-sent what, and when; owners read
it on /audit, filtered, 50 a page, and only their own workspace's entries."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from accounts.models import AuditEntry, User, Workspace
from api_support import saved_rows
from campaigns import services as campaign_services
from campaigns.demo import create_demo
from campaigns.models import Campaign, Touchpoint
from html_tree import parse as parse_html
from journeymail.extensions import db
from mailjet_standin import MailjetStandIn
from segments.models import Segment
from smtp_server import LoopbackSMTPServer

NEW_CAMPAIGN = {"name": "Spring trial", "goal": "Start a trial", "framework": "five-stage",
                "sender_name": "Maya", "sender_email": "maya@example.com"}


def entries() -> list[Any]:
    """Every audit entry as the database holds it, oldest first."""
    return saved_rows(AuditEntry)


def summary() -> list[tuple[str, str, str, str]]:
    return [(e.user_email, e.action, e.subject_kind, e.subject_name) for e in entries()]


def entry_rows(client: FlaskClient, query: str = "") -> list[str]:
    """The audit page's rows as text, newest first."""
    response = client.get("/audit" + query)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    page = parse_html(response.get_data(as_text=True))
    return [row.text() for row in page.select("tr", class_="audit-entry")]


# --- what is recorded --------------------------------------------------------------------------


def test_creating_changing_and_deleting_a_campaign_are_recorded_with_who_did_it(client: FlaskClient) -> None:
    created = client.post("/api/campaigns", json=NEW_CAMPAIGN)
    campaign_id = created.get_json()["id"]
    client.patch(f"/api/campaigns/{campaign_id}", json={"name": "Summer trial"})
    client.delete(f"/api/campaigns/{campaign_id}")

    assert summary() == [
        ("owner@plannery.example", "created", "campaign", "Spring trial"),
        ("owner@plannery.example", "changed", "campaign", "Summer trial"),
        ("owner@plannery.example", "deleted", "campaign", "Summer trial"),
    ]  # one entry each: the phases the framework made come and go with their campaign
    changed = entries()[1]
    assert changed.subject_id == campaign_id and changed.detail == {"fields": ["name"]}


def test_an_edit_of_a_touchpoint_is_recorded_with_its_campaign(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]
) -> None:
    campaign = create_campaign(name="Onboarding")
    touchpoint = create_touchpoint(campaign, name="Welcome")

    response = client.patch(f"/api/touchpoints/{touchpoint.id}", json={"subject": "Hello there"})

    assert response.status_code == 200, response.get_json()
    [entry] = entries()
    assert (entry.action, entry.subject_kind, entry.subject_id, entry.subject_name) == (
        "changed", "touchpoint", touchpoint.id, "Welcome")
    assert entry.detail == {"fields": ["subject"], "campaign_id": campaign.id, "campaign": "Onboarding"}


def test_deleting_a_touchpoint_is_recorded_as_a_deletion(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]
) -> None:
    campaign = create_campaign(name="Onboarding")
    touchpoint_id, campaign_id = create_touchpoint(campaign, name="Welcome").id, campaign.id

    response = client.delete(f"/api/touchpoints/{touchpoint_id}")

    assert response.status_code in (200, 204)
    [entry] = entries()
    assert (entry.action, entry.subject_kind, entry.subject_id, entry.subject_name) == (
        "deleted", "touchpoint", touchpoint_id, "Welcome")
    assert entry.detail == {"campaign_id": campaign_id, "campaign": "Onboarding"}


def test_deleting_a_campaign_with_its_emails_is_one_entry(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]
) -> None:
    campaign = create_campaign(name="Onboarding")
    create_touchpoint(campaign, name="Welcome")
    create_touchpoint(campaign, 1, kind="newsletter", name="Tips")

    client.delete(f"/api/campaigns/{campaign.id}")

    assert summary() == [("owner@plannery.example", "deleted", "campaign", "Onboarding")]


def test_a_segment_created_by_an_editor_names_the_editor(client_as: Callable[..., FlaskClient]) -> None:
    editor = client_as("editor")

    editor.post("/api/segments", json={"name": "Busy founders", "motivation": "Grow", "action": "Skims",
                                       "obstacle": "No time"})

    [entry] = entries()
    assert (entry.action, entry.subject_kind, entry.subject_name) == ("created", "segment", "Busy founders")
    assert entry.user_email.startswith("editor")


def test_a_refused_change_leaves_no_entry(client: FlaskClient, create_campaign: Callable[..., Campaign]) -> None:
    campaign = create_campaign()

    response = client.patch(f"/api/campaigns/{campaign.id}", json={"name": ""})

    assert response.status_code == 422
    assert entries() == []


def test_downloading_an_export_is_recorded_with_the_file(client: FlaskClient,
                                                         create_campaign: Callable[..., Campaign]) -> None:
    campaign = create_campaign(name="Onboarding")

    assert client.get(f"/campaigns/{campaign.id}/export/plan.csv").status_code == 200
    assert client.get(f"/campaigns/{campaign.id}/export/campaign.json").status_code == 200

    assert [(e.action, e.subject_id, e.subject_name, e.detail) for e in entries()] == [
        ("exported", campaign.id, "Onboarding", {"file": "plan.csv"}),
        ("exported", campaign.id, "Onboarding", {"file": "campaign.json"}),
    ]


def test_an_export_with_an_api_token_is_recorded_for_the_token_s_user(
    app: Flask, owner: User, workspace: Workspace, create_campaign: Callable[..., Campaign]
) -> None:
    from accounts.services import create_token
    from api_support import auth_headers

    campaign = create_campaign()
    _token, secret = create_token(owner, workspace, name="Nightly export")
    db.session.commit()

    response = app.test_client().get(f"/campaigns/{campaign.id}/export/campaign.json", headers=auth_headers(secret))

    assert response.status_code == 200
    assert summary() == [("owner@plannery.example", "exported", "campaign", campaign.name)]


@pytest.fixture
def standin(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[MailjetStandIn]:
    server = MailjetStandIn(api_key="key", api_secret="secret", lists={42}).start()
    monkeypatch.setitem(app.config, "MAILJET_API_URL", server.url)
    monkeypatch.setitem(app.config, "MAILJET_API_KEY", "key")
    monkeypatch.setitem(app.config, "MAILJET_API_SECRET", "secret")
    yield server
    server.stop()


def test_a_push_to_mailjet_is_recorded(post_form: Callable[..., Any], standin: MailjetStandIn) -> None:
    demo = create_demo()
    db.session.commit()

    response = post_form(f"/campaigns/{demo.id}", {"list_id": "42"}, action=f"/campaigns/{demo.id}/push/mailjet")

    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]  # the push runs as a job
    [entry] = entries()
    assert (entry.action, entry.subject_kind, entry.subject_id, entry.subject_name) == (
        "pushed", "campaign", demo.id, demo.name)
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert entry.detail == {"to": "Mailjet", "contactslist": 42, "job": job_id}


def test_a_test_send_is_recorded_with_its_recipients(
    client: FlaskClient, smtp_server: LoopbackSMTPServer, create_campaign: Callable[..., Campaign],
    create_touchpoint: Callable[..., Touchpoint],
) -> None:
    campaign = create_campaign(name="Onboarding")
    touchpoint = create_touchpoint(campaign, name="Welcome", subject="Welcome aboard")

    response = client.post(f"/api/campaigns/{campaign.id}/test-send",
                           json={"touchpoint_id": touchpoint.id, "recipients": ["owner@plannery.example"]})

    assert response.status_code == 200, response.get_json()
    assert len(smtp_server.received) == 1
    [entry] = entries()
    assert (entry.action, entry.subject_kind, entry.subject_id, entry.subject_name) == (
        "test-sent", "touchpoint", touchpoint.id, "Welcome")
    assert entry.detail == {"campaign": "Onboarding", "to": ["owner@plannery.example"]}


def test_a_test_send_while_another_write_holds_the_lock_is_sent_once_and_its_entry_logged(
    app: Flask, client: FlaskClient, smtp_server: LoopbackSMTPServer, create_campaign: Callable[..., Campaign],
    create_touchpoint: Callable[..., Touchpoint], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    """The email went out: the person is not told to send it again because the log could not be written."""
    import sqlite3

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's database-wide write lock")
    campaign = create_campaign()
    touchpoint = create_touchpoint(campaign, name="Welcome", subject="Welcome aboard")
    request = {"touchpoint_id": touchpoint.id, "recipients": ["owner@plannery.example"]}
    monkeypatch.setitem(app.config, "SQLITE_BUSY_TIMEOUT_MS", 200)
    db.session.commit()
    db.engine.dispose()  # connections that take the shortened busy timeout
    other = sqlite3.connect(db.engine.url.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        response = client.post(f"/api/campaigns/{campaign.id}/test-send", json=request)
    finally:
        other.execute("ROLLBACK")
        other.close()
        db.session.remove()
        db.engine.dispose()

    assert response.status_code == 200, response.get_data(as_text=True)
    assert len(smtp_server.received) == 1
    assert entries() == []
    assert any("The audit log could not record" in r.getMessage() and "test-sent" in r.getMessage()
               for r in caplog.records)


# --- the page ----------------------------------------------------------------------------------


def add_entry(workspace: Workspace, action: str = "created", kind: str = "campaign", name: str = "Spring trial",
              email: str = "owner@plannery.example", at: datetime | None = None,
              subject_id: int | None = None) -> AuditEntry:
    entry = AuditEntry(workspace_id=workspace.id, user_email=email, action=action, subject_kind=kind,
                       subject_id=subject_id, subject_name=name, detail={},
                       at=at or datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc))
    db.session.add(entry)
    db.session.commit()
    return entry


def test_the_page_shows_entries_newest_first(client: FlaskClient, workspace: Workspace) -> None:
    add_entry(workspace, "created", name="Older", at=datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc))
    add_entry(workspace, "deleted", name="Newer", at=datetime(2026, 3, 5, 8, 0, tzinfo=timezone.utc))

    rows = entry_rows(client)

    assert rows == ["05 Mar 2026, 08:00 owner@plannery.example Deleted Campaign Newer",
                    "01 Mar 2026, 08:00 owner@plannery.example Created Campaign Older"]


def test_an_entry_links_to_its_thing_while_it_exists(
    client: FlaskClient, workspace: Workspace, create_campaign: Callable[..., Campaign]
) -> None:
    campaign = create_campaign(name="Still here")
    add_entry(workspace, name="Still here", subject_id=campaign.id)
    add_entry(workspace, "deleted", name="Gone", subject_id=campaign.id + 1000)

    page = parse_html(client.get("/audit").get_data(as_text=True))

    links = {a.text(): a.get("href") for row in page.select("tr", class_="audit-entry") for a in row.select("a")}
    assert links == {"Still here": f"/campaigns/{campaign.id}"}


@pytest.mark.parametrize(("query", "shown"), [
    ("?user=editor1%40plannery.example", ["Segment by the editor"]),
    ("?action=deleted", ["Deleted in April"]),
    ("?kind=segment", ["Segment by the editor"]),
    ("?since=2026-04-01", ["Deleted in April"]),
    ("?until=2026-03-31", ["Segment by the editor", "Created in March"]),
    ("?since=2026-03-02&until=2026-03-02", ["Segment by the editor", "Created in March"]),
    ("?action=created&kind=campaign", ["Created in March"]),
])
def test_filters_show_only_matching_entries(client: FlaskClient, workspace: Workspace, query: str,
                                            shown: list[str]) -> None:
    add_entry(workspace, "created", name="Created in March", at=datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
    add_entry(workspace, "created", kind="segment", name="Segment by the editor", email="editor1@plannery.example",
              at=datetime(2026, 3, 2, 23, 59, tzinfo=timezone.utc))
    add_entry(workspace, "deleted", name="Deleted in April", at=datetime(2026, 4, 1, 0, 0, tzinfo=timezone.utc))

    rows = entry_rows(client, query)

    names = ["Created in March", "Segment by the editor", "Deleted in April"]
    assert [next(name for name in names if row.endswith(name)) for row in rows] == shown


@pytest.mark.parametrize(("query", "field", "message"), [
    ("?since=yesterday", "since", "Enter a date as YYYY-MM-DD, e.g. 2026-03-01."),
    ("?since=2026-05-01&until=2026-04-01", "until", "The end date is before the start date."),
    ("?action=renamed", "action", "Choose one of the options in the list."),
])
def test_a_bad_filter_says_what_to_enter(client: FlaskClient, workspace: Workspace, query: str, field: str,
                                         message: str) -> None:
    add_entry(workspace)

    response = client.get("/audit" + query)

    assert response.status_code == 422
    page = parse_html(response.get_data(as_text=True))
    assert page.by_id(f"{field}-error").text() == message


def test_the_log_is_paginated_fifty_a_page(client: FlaskClient, workspace: Workspace) -> None:
    for number in range(51):
        add_entry(workspace, name=f"Campaign {number}", at=datetime(2026, 3, 1, 0, number, tzinfo=timezone.utc))

    first, second = entry_rows(client), entry_rows(client, "?page=2")

    assert len(first) == 50 and first[0].endswith("Campaign 50")
    assert second == ["01 Mar 2026, 00:00 owner@plannery.example Created Campaign Campaign 0"]


def test_filters_are_kept_on_the_next_page(client: FlaskClient, workspace: Workspace) -> None:
    for number in range(51):
        add_entry(workspace, "deleted", name=f"Deleted {number}")
    add_entry(workspace, "created", name="Not deleted")

    page = parse_html(client.get("/audit?action=deleted").get_data(as_text=True))

    [older] = page.select("a", rel="next")
    assert older.get("href") == "/audit?page=2&action=deleted"


def test_another_workspace_s_entries_never_show(client: FlaskClient, workspace: Workspace,
                                                make_member: Callable[..., User]) -> None:
    other = Workspace(name="Rival agency", test_send_allow_list=[])
    db.session.add(other)
    db.session.commit()
    add_entry(workspace, name="Ours")
    add_entry(other, name="Theirs", email="rival@rival.example")

    assert [row.rsplit(" ", 1)[1] for row in entry_rows(client)] == ["Ours"]
    page = client.get("/audit").get_data(as_text=True)
    assert "rival@rival.example" not in page and "Theirs" not in page  # not even its people are offered
    asked = client.get("/audit?user=rival%40rival.example")
    assert asked.status_code == 422 and "Theirs" not in asked.get_data(as_text=True)


def test_a_change_in_another_workspace_is_recorded_there(
    app: Flask, client: FlaskClient, make_member: Callable[..., User]
) -> None:
    from api_support import sign_in

    other = Workspace(name="Rival agency", test_send_allow_list=[])
    db.session.add(other)
    db.session.commit()
    rival = app.test_client()
    sign_in(rival, make_member("owner", other))

    rival.post("/api/campaigns", json=NEW_CAMPAIGN)

    assert [e.workspace_id for e in entries()] == [other.id]
    assert entry_rows(client) == []
    assert [row.split()[-2:] for row in entry_rows(rival)] == [["Spring", "trial"]]


@pytest.mark.parametrize("role", ["editor", "copywriter", "viewer"])
def test_only_owners_read_the_audit_log(client_as: Callable[..., FlaskClient], workspace: Workspace,
                                        role: str) -> None:
    add_entry(workspace, name="Secret plan")

    response = client_as(role).get("/audit")

    assert response.status_code == 403
    assert "Secret plan" not in response.get_data(as_text=True)


def test_the_header_links_to_the_audit_log_for_owners_only(client: FlaskClient,
                                                           client_as: Callable[..., FlaskClient]) -> None:
    assert 'href="/audit"' in client.get("/campaigns").get_data(as_text=True)
    assert 'href="/audit"' not in client_as("editor").get("/campaigns").get_data(as_text=True)


def test_deleting_a_segment_used_by_a_variant_is_one_entry(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_segment: Callable[..., Segment],
    create_touchpoint: Callable[..., Touchpoint],
) -> None:
    campaign = create_campaign()
    segment = create_segment(name="Busy founders")
    campaign_services.set_segments(campaign, {"segment_ids": [segment.id]})
    touchpoint = create_touchpoint(campaign)
    campaign_services.put_variant(touchpoint, segment, {"subject": "Hi"})
    db.session.commit()

    response = client.delete(f"/api/segments/{segment.id}")

    assert response.status_code in (200, 204), response.get_data(as_text=True)
    assert [(e.action, e.subject_kind, e.subject_name) for e in entries()] == [
        ("deleted", "segment", "Busy founders")]
