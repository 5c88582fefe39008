"""Pushing a bundle to Mailjet: replayed request by request against a stand-in for the API on loopback,
refs filled from the IDs it answers, Basic auth, the first refusal stops it, and every failure is a
clear message (never a 500). Running it again, resuming it and retrying: test_mailjet_push_again.py."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner

from campaigns import services
from campaigns.models import Campaign
from exports.esp.base import PushError
from exports.mailjet import bundle as mailjet, push as mailjet_push
from journeymail.extensions import db
import mailjet_support
from mailjet_standin import MailjetStandIn
from mailjet_support import KEY, LIST_ID, SECRET, closed_port, outcome, push, push_button

# The shared fixtures: the stand-in and the app pointed at it, and the demo campaign.
standin, start_standin, mailjet_config, demo = (
    mailjet_support.standin, mailjet_support.start_standin, mailjet_support.mailjet_config, mailjet_support.demo
)


@pytest.fixture
def bundle_file(demo: Campaign, tmp_path: Path) -> Path:
    path = tmp_path / "demo-mailjet.json"
    path.write_text(json.dumps(mailjet.build_bundle(demo)), "utf-8")
    return path


@pytest.fixture
def plan_bundle(
    create_campaign: Callable[..., Campaign], create_segment: Callable[..., Any], create_touchpoint: Callable[..., Any]
) -> dict[str, Any]:
    """A small campaign: one segment, a welcome email and a newsletter."""
    campaign = create_campaign()
    segment = create_segment(name="Busy founders")
    services.set_segments(campaign, {"segment_ids": [segment.id]})
    create_touchpoint(campaign, name="Welcome", subject="Welcome")
    create_touchpoint(campaign, 1, kind="newsletter", name="Tips", subject="Tips")
    db.session.commit()
    return mailjet.build_bundle(campaign)


# --- the replay --------------------------------------------------------------------------


def test_the_demo_bundle_is_accepted_request_by_request_with_refs_resolved(
    demo: Campaign, standin: MailjetStandIn
) -> None:
    bundle = mailjet.build_bundle(demo)

    result = push(bundle, standin.url)

    arrived = standin.writes()  # the rest are the lookups (GET) before each object is created
    assert len(arrived) == len(bundle["requests"]) == len(result.steps)
    assert [a.status for a in arrived] == [201] * len(arrived), [a.answer for a in arrived if a.status != 201][:1]
    assert {s.outcome for s in result.steps} == {"created"}
    issued = {"contactslist": LIST_ID}
    for sent, request, answer in zip(arrived, bundle["requests"], arrived):
        expected_path = mailjet.REF.sub(lambda m: str(issued[m.group(1)]), request["path"])
        assert (sent.method, sent.path) == (request["method"], expected_path)
        expected_body = {
            key: issued[value[6:-2]] if key.endswith("ID") and isinstance(value, str) and mailjet.REF.fullmatch(value)
            else value
            for key, value in request["body"].items()
        }
        assert sent.body == expected_body
        if "ref" in request:
            issued[request["ref"]] = answer.answer["Data"][0]["ID"]
    drafts = [a.body for a in arrived if a.path == "campaigndraft"]
    assert drafts and {d["ContactsListID"] for d in drafts} == {LIST_ID}
    assert {d["SegmentationID"] for d in drafts} <= set(standin.ids("contactfilter"))
    assert [s.id for s in result.steps if s.path == "template"] == standin.ids("template")


def test_every_request_is_json_with_basic_auth_from_key_and_secret(
    plan_bundle: dict[str, Any], standin: MailjetStandIn
) -> None:
    push(plan_bundle, standin.url)

    expected = "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
    assert {a.authorization for a in standin.requests} == {expected}
    assert {a.content_type for a in standin.writes()} == {"application/json"}
    assert {a.method for a in standin.requests} == {"GET", "POST"}


def test_the_push_stops_at_the_first_refusal_and_names_that_request(
    demo: Campaign, start_standin: Callable[..., MailjetStandIn]
) -> None:
    bundle = mailjet.build_bundle(demo)
    server = start_standin(fail_at=7)

    with pytest.raises(PushError) as stopped:
        push(bundle, server.url)

    assert len(server.writes()) == 7
    message = stopped.value.message
    total = len(bundle["requests"])
    assert message.startswith(f"Mailjet refused request 7 of {total} (POST template/")
    assert '/detailcontent, content of template "Plannery trial journey / E-book delivery and welcome")' in message
    assert "HTTP 400" in message and "The stand-in was told to refuse this request" in message
    result = stopped.value.result
    assert result is not None and [s.index for s in result.steps] == [1, 2, 3, 4, 5, 6]
    assert mailjet_push.summary(result.steps) == "2 contact properties, 3 segment filters and 1 template"


def test_wrong_credentials_are_mailjets_401_named_before_anything_is_written(
    plan_bundle: dict[str, Any], standin: MailjetStandIn
) -> None:
    with pytest.raises(PushError) as stopped:
        push(plan_bundle, standin.url, secret="wrong")

    assert "HTTP 401" in stopped.value.message and "authentication" in stopped.value.message
    assert stopped.value.result is not None and stopped.value.result.steps == []
    assert len(standin.requests) == 1 and standin.writes() == []


def test_a_closed_port_is_a_clear_network_error(plan_bundle: dict[str, Any]) -> None:
    url = f"http://127.0.0.1:{closed_port()}/v3/REST"

    with pytest.raises(PushError) as stopped:
        push(plan_bundle, url, max_retries=1)

    assert stopped.value.message.startswith(f"Could not reach the Mailjet API at {url} for the sender ")
    assert "refused" in stopped.value.message.lower()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: b.update(format="something else"), "This is not a Journeymail Mailjet bundle"),
        (lambda b: b.update(version=4), "this Journeymail replays versions 2, 3"),
        (lambda b: b.update(version=1), "This bundle has version 1, from an earlier Journeymail"),
        (lambda b: b["requests"][0].pop("name"), "has no name to look it up by in Mailjet"),
        (lambda b: b["requests"][1].update(name=b["requests"][0]["name"].upper()), "which an earlier contact property"),
        (lambda b: b["requests"].insert(0, {"method": "DELETE", "path": "contact/1", "body": {}}),
         "needs a method (POST or PUT)"),
        (lambda b: b["requests"].insert(0, {"method": "POST", "path": "contact/managemanycontacts", "body": {}}),
         "which a Mailjet bundle never does"),
        (lambda b: b["requests"].insert(0, {"method": "POST", "path": "template/{{ref:template.later}}/detailcontent",
                                            "body": {}}), "which no earlier request creates"),
        (lambda b: b["requests"][0].update(extra=1), "is not an object with method, path, body"),
    ],
)
def test_a_bundle_that_is_not_ours_is_refused_before_anything_is_sent(
    plan_bundle: dict[str, Any], standin: MailjetStandIn, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    change(plan_bundle)

    with pytest.raises(mailjet_push.BundleError) as refused:
        push(plan_bundle, standin.url)


    assert message in refused.value.message
    assert standin.requests == []


def test_a_name_that_looks_like_a_ref_is_sent_as_written(
    create_campaign: Callable[..., Campaign], create_segment: Callable[..., Any], standin: MailjetStandIn
) -> None:
    campaign = create_campaign()
    segment = create_segment(name="{{ref:contactslist}}")
    services.set_segments(campaign, {"segment_ids": [segment.id]})
    db.session.commit()
    bundle = mailjet.build_bundle(campaign)

    push(bundle, standin.url)

    # Only paths and ID fields are ever resolved: the segment's name arrives as written.
    (contact_filter,) = [a for a in standin.writes() if a.path == "contactfilter"]
    assert contact_filter.body["Name"] == "{{ref:contactslist}}"
    assert all(a.status == 201 for a in standin.writes())


# --- the command -------------------------------------------------------------------------


def test_push_command_prints_what_it_created(
    runner: FlaskCliRunner, bundle_file: Path, standin: MailjetStandIn, mailjet_config: Callable[..., None]
) -> None:
    mailjet_config(standin.url)

    result = runner.invoke(args=["push", "mailjet", str(bundle_file), "--list-id", str(LIST_ID)])

    assert result.exit_code == 0, result.output
    template_id = standin.ids("template")[0]
    assert f'Created contact property "segment" (ID {standin.ids("contactmetadata")[0]})' in result.output
    assert f'Created segment filter "Casual browsers" (ID {standin.ids("contactfilter")[0]})' in result.output
    assert f'Created template "Plannery trial journey / E-book delivery and welcome" (ID {template_id})' in result.output
    assert 'Sent the content of template "Plannery trial journey / E-book delivery and welcome"' in result.output
    assert "Created campaign draft " in result.output
    assert result.output.rstrip().endswith(f"the campaign drafts send to list {LIST_ID}.")
    assert ("Done: created 2 contact properties, 3 segment filters, 12 templates and 9 campaign drafts, found "
            "nothing already in Mailjet, updated nothing;") in result.output
    assert all(a.status == 201 for a in standin.writes())


def test_push_command_without_credentials_names_the_variables(
    runner: FlaskCliRunner, bundle_file: Path, standin: MailjetStandIn, mailjet_config: Callable[..., None]
) -> None:
    mailjet_config(standin.url, key=None, secret=None)

    result = runner.invoke(args=["push", "mailjet", str(bundle_file), "--list-id", str(LIST_ID)])

    assert result.exit_code == 1
    assert "set MAILJET_API_KEY and MAILJET_API_SECRET in the server's environment" in result.output
    assert standin.requests == []


def test_push_command_reports_a_network_error(
    runner: FlaskCliRunner, bundle_file: Path, mailjet_config: Callable[..., None]
) -> None:
    mailjet_config(f"http://127.0.0.1:{closed_port()}/v3/REST")

    result = runner.invoke(args=["push", "mailjet", str(bundle_file), "--list-id", str(LIST_ID)])

    assert result.exit_code == 1
    assert "Error: Could not reach the Mailjet API at http://127.0.0.1:" in result.output
    assert "Traceback" not in result.output


def test_push_command_stops_at_an_error_after_saying_what_exists(
    runner: FlaskCliRunner, bundle_file: Path, mailjet_config: Callable[..., None]
) -> None:
    server = MailjetStandIn(api_key=KEY, api_secret=SECRET, lists={LIST_ID}, fail_at=4).start()
    mailjet_config(server.url)
    try:
        result = runner.invoke(args=["push", "mailjet", str(bundle_file), "--list-id", str(LIST_ID)])
    finally:
        server.stop()

    assert result.exit_code == 1
    assert ("Before the error: created 2 contact properties and 1 segment filter, found nothing already in Mailjet, "
            "updated nothing.") in result.output
    assert 'Error: Mailjet refused request 4 of' in result.output and '"Dormant subscribers"' in result.output
    assert len(server.writes()) == 4


@pytest.mark.parametrize("content", [b"not json", b'{"format": "other"}', b"[]"])
def test_push_command_refuses_a_file_that_is_no_bundle(
    runner: FlaskCliRunner, tmp_path: Path, standin: MailjetStandIn, mailjet_config: Callable[..., None], content: bytes
) -> None:
    mailjet_config(standin.url)
    path = tmp_path / "odd.json"
    path.write_bytes(content)

    result = runner.invoke(args=["push", "mailjet", str(path), "--list-id", str(LIST_ID)])

    assert result.exit_code == 1 and "Error: " in result.output
    assert standin.requests == []


def test_push_command_needs_a_list_id(runner: FlaskCliRunner, bundle_file: Path) -> None:
    result = runner.invoke(args=["push", "mailjet", str(bundle_file)])

    assert result.exit_code == 2 and "--list-id" in result.output


# --- the button on the export page -------------------------------------------------------


@pytest.mark.usefixtures("worker")
def test_the_push_button_creates_the_campaign_in_mailjet(
    client: FlaskClient, post_form: Callable[..., Any], demo: Campaign, standin: MailjetStandIn,
    mailjet_config: Callable[..., None],
) -> None:
    mailjet_config(standin.url)

    response = push_button(post_form, demo)

    assert response.status_code == 302
    assert outcome(client, response) == [(
        "success",
        f"Pushed to Mailjet (the campaign drafts send to list {LIST_ID}). Created: 2 contact properties, 3 segment "
        "filters, 12 templates and 9 campaign drafts. Already in Mailjet: nothing. Updated: nothing.",
    )]
    assert len(standin.writes()) == len(mailjet.build_bundle(demo)["requests"])


@pytest.mark.usefixtures("worker")
def test_the_push_button_without_credentials_says_which_variables_to_set(
    client: FlaskClient, post_form: Callable[..., Any], demo: Campaign, standin: MailjetStandIn,
    mailjet_config: Callable[..., None],
) -> None:
    mailjet_config(standin.url, key="", secret=None)

    response = push_button(post_form, demo)

    assert response.status_code == 302
    ((category, message),) = outcome(client, response)
    assert category == "error" and "MAILJET_API_KEY and MAILJET_API_SECRET" in message
    assert standin.requests == []


@pytest.mark.parametrize("list_id", ["", "abc", "0", "-5", "١٢", "99999999999999999999999"])
@pytest.mark.usefixtures("worker")
def test_the_push_button_needs_a_list_id(
    client: FlaskClient, post_form: Callable[..., Any], demo: Campaign, standin: MailjetStandIn,
    mailjet_config: Callable[..., None], list_id: str,
) -> None:
    mailjet_config(standin.url)

    response = push_button(post_form, demo, list_id)

    assert response.status_code == 302
    assert outcome(client, response) == [("error", "Enter the ID of the Mailjet contact list the campaign drafts send to "
                                         "(a whole number).")]
    assert standin.requests == []


@pytest.mark.usefixtures("worker")
def test_the_push_button_reports_a_network_error_without_failing(
    client: FlaskClient, post_form: Callable[..., Any], demo: Campaign, mailjet_config: Callable[..., None]
) -> None:
    mailjet_config(f"http://127.0.0.1:{closed_port()}/v3/REST")

    response = push_button(post_form, demo)

    assert response.status_code == 302
    ((category, message),) = outcome(client, response)
    assert category == "error" and "The push to Mailjet stopped. Could not reach the Mailjet API" in message


@pytest.mark.usefixtures("worker")
def test_the_push_button_reports_where_mailjet_stopped_it(
    client: FlaskClient, post_form: Callable[..., Any], demo: Campaign, mailjet_config: Callable[..., None]
) -> None:
    server = MailjetStandIn(api_key=KEY, api_secret=SECRET, lists={LIST_ID}, fail_at=3).start()
    mailjet_config(server.url)
    try:
        response = push_button(post_form, demo)
        ((category, message),) = outcome(client, response)  # the job runs while the server is up
    finally:
        server.stop()

    assert response.status_code == 302
    assert category == "error" and "Mailjet refused request 3 of" in message
    assert message.endswith("So far: Created: 2 contact properties. Already in Mailjet: nothing. Updated: nothing. "
                            "Push again to carry on where it stopped.")


@pytest.mark.usefixtures("worker")
def test_the_push_button_refuses_a_campaign_that_cannot_be_exported(
    client: FlaskClient, post_form: Callable[..., Any], demo: Campaign, standin: MailjetStandIn,
    mailjet_config: Callable[..., None],
) -> None:
    mailjet_config(standin.url)
    demo.sender_email = "not an address"
    db.session.commit()

    response = push_button(post_form, demo)

    ((category, message),) = outcome(client, response)
    assert category == "error" and "The sender address 'not an address'" in message
    assert standin.requests == []


def test_the_push_button_needs_the_csrf_token(client: FlaskClient, demo: Campaign, standin: MailjetStandIn,
                                              mailjet_config: Callable[..., None]) -> None:
    mailjet_config(standin.url)

    response = client.post(f"/campaigns/{demo.id}/push/mailjet", data={"list_id": str(LIST_ID)})

    assert response.status_code == 400
    assert standin.requests == []


def test_the_push_button_of_an_unknown_campaign_is_404(
    client: FlaskClient, post_form: Callable[..., Any], demo: Campaign, standin: MailjetStandIn,
    mailjet_config: Callable[..., None],
) -> None:
    mailjet_config(standin.url)

    response = post_form(f"/campaigns/{demo.id}", {"list_id": "1"}, action=f"/campaigns/{demo.id + 1000}/push/mailjet")

    assert response.status_code == 404
    assert standin.requests == []
