"""Pushing to Mailjet again, after a stop, through 429s and 5xx, and what is checked before the first write:
the same bundle twice creates each object once; a push interrupted halfway resumes and completes; a
stand-in that answers 429 three times still ends in a complete push; a wrong list ID or an inactive
sender is reported before anything is created. Each through the engine, the export page's button (the
database ledger) and the command (lookup by name)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner

from accounts import current
from campaigns import services
from campaigns.models import Campaign
from exports import esp
from exports.esp.base import PushError
from exports.ledger import MemoryLedger
from exports.mailjet import bundle as mailjet
from exports.models import PushedObject
from exports.push_job import run_push
from journeymail.extensions import db
import mailjet_support
from mailjet_standin import MailjetStandIn
from mailjet_support import LIST_ID, SENDER, created_once, creating, outcome, push, push_button

# The shared fixtures: the stand-in and the app pointed at it, and the demo campaign.
standin, start_standin, mailjet_config, demo = (
    mailjet_support.standin, mailjet_support.start_standin, mailjet_support.mailjet_config, mailjet_support.demo
)


@pytest.fixture
def bundle(demo: Campaign) -> dict[str, Any]:
    return mailjet.build_bundle(demo)


@pytest.fixture
def bundle_file(bundle: dict[str, Any], tmp_path: Path) -> Path:
    path = tmp_path / "demo-mailjet.json"
    path.write_text(json.dumps(bundle), "utf-8")
    return path


def command(runner: FlaskCliRunner, bundle_file: Path, list_id: int = LIST_ID) -> Any:
    return runner.invoke(args=["push", "mailjet", str(bundle_file), "--list-id", str(list_id)])


def objects_of(bundle: dict[str, Any]) -> int:
    return sum(1 for r in bundle["requests"] if "ref" in r)


# --- twice: each object once --------------------------------------------------------------


def test_pushing_the_demo_twice_creates_each_object_once(bundle: dict[str, Any], standin: MailjetStandIn) -> None:
    push(bundle, standin.url)
    writes = len(standin.writes())

    again = push(bundle, standin.url)  # a new ledger: everything is found by name

    assert created_once(standin, bundle)
    assert again.objects("created") == 0
    assert again.objects("reused") + again.objects("updated") == objects_of(bundle)
    assert not [a for a in standin.writes()[writes:] if a.method == "POST" and "/" not in a.path]


def test_pushing_twice_with_the_ledger_sends_no_write_at_all(bundle: dict[str, Any], standin: MailjetStandIn) -> None:
    ledger = MemoryLedger()
    push(bundle, standin.url, ledger=ledger)
    writes = len(standin.writes())

    again = push(bundle, standin.url, ledger=ledger)

    assert len(standin.writes()) == writes
    assert again.objects("reused") == objects_of(bundle)
    assert again.count("unchanged") == len(bundle["requests"]) - objects_of(bundle)


@pytest.mark.usefixtures("worker")
def test_the_push_button_twice_creates_each_object_once(
    client: FlaskClient, post_form: Callable[..., Any], demo: Campaign, bundle: dict[str, Any],
    standin: MailjetStandIn, mailjet_config: Callable[..., None],
) -> None:
    mailjet_config(standin.url)
    response = push_button(post_form, demo)
    outcome(client, response)  # the first push's message is shown
    writes = len(standin.writes())

    response = push_button(post_form, demo)

    assert created_once(standin, bundle)
    assert len(standin.writes()) == writes  # the ledger knew every ID and every body
    assert outcome(client, response)[-1] == ("success", (
        f"Pushed to Mailjet (the campaign drafts send to list {LIST_ID}). Created: nothing. Already in Mailjet: "
        "2 contact properties, 3 segment filters, 12 templates and 9 campaign drafts. Updated: nothing."
    ))
    rows = db.session.scalars(db.select(PushedObject).filter_by(campaign_id=demo.id)).all()
    assert len(rows) == len(bundle["requests"]) and {r.inputs for r in rows} == {f"contactslist={LIST_ID}"}
    assert {r.remote_id for r in rows if r.key.startswith("template.")} == set(standin.ids("template"))


def test_the_command_twice_creates_each_object_once(
    runner: FlaskCliRunner, bundle_file: Path, bundle: dict[str, Any], standin: MailjetStandIn,
    mailjet_config: Callable[..., None],
) -> None:
    mailjet_config(standin.url)
    assert command(runner, bundle_file).exit_code == 0

    result = command(runner, bundle_file)

    assert result.exit_code == 0, result.output
    assert created_once(standin, bundle)
    # Found by name; what Mailjet lets change is brought in line (PUT), a contact property is left as it is.
    assert ("Done: created nothing, found 2 contact properties already in Mailjet, updated 3 segment filters, "
            "12 templates and 9 campaign drafts;") in result.output
    assert f'Found contact property "segment" (ID {standin.ids("contactmetadata")[0]})' in result.output
    assert f'Updated template "Plannery trial journey / E-book delivery and welcome" (ID {standin.ids("template")[0]})' \
        in result.output


def test_lookups_page_through_mailjets_lists(
    bundle: dict[str, Any], standin: MailjetStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    push(bundle, standin.url)
    monkeypatch.setattr(esp.adapter("mailjet"), "page_size", 2)
    reads = len(standin.requests)

    again = push(bundle, standin.url)

    assert again.objects("created") == 0 and created_once(standin, bundle)
    offsets = {(a.path, a.params.get("Offset")) for a in standin.requests[reads:] if a.method == "GET"}
    assert {("contactfilter", "0"), ("contactfilter", "2")} <= offsets  # three filters: two pages
    assert all(a.params.get("Limit") == "2" for a in standin.requests[reads:] if a.path in mailjet_resources())


def mailjet_resources() -> set[str]:
    return {"contactmetadata", "contactfilter", "template", "campaigndraft"}


# --- changed content: updated, not created again ---------------------------------------------


def test_changed_content_is_updated_with_put_rather_than_created(
    demo: Campaign, standin: MailjetStandIn
) -> None:
    ledger = MemoryLedger()
    push(mailjet.build_bundle(demo), standin.url, ledger=ledger)
    newsletter = next(t for t in demo.touchpoints if t.kind == "newsletter" and t.is_email)
    services.update_touchpoint(newsletter, {"subject": "A new subject for the tips"})
    db.session.commit()
    changed = mailjet.build_bundle(demo)
    writes = len(standin.writes())

    again = push(changed, standin.url, ledger=ledger)

    sent = standin.writes()[writes:]
    assert sent and not [a for a in sent if a.method == "POST" and "/" not in a.path]  # nothing created
    drafts = [a for a in sent if a.method == "PUT"]
    assert drafts and {a.path.split("/")[0] for a in drafts} == {"campaigndraft"}
    assert {a.body["Subject"] for a in drafts} == {"A new subject for the tips"}
    assert all(o["Subject"] == "A new subject for the tips" for o in standin.objects("campaigndraft")
               if o["ID"] in {int(a.path.split("/")[1]) for a in drafts})
    contents = [a for a in sent if a.path.endswith("/detailcontent")]
    assert contents and all(a.body["Headers"]["Subject"] == "A new subject for the tips" for a in contents)
    assert again.objects("updated") == len(drafts) and created_once(standin, changed)


def test_an_object_deleted_in_mailjet_since_the_last_push_is_made_again(
    demo: Campaign, standin: MailjetStandIn
) -> None:
    ledger = MemoryLedger()
    push(mailjet.build_bundle(demo), standin.url, ledger=ledger)
    newsletter = next(t for t in demo.touchpoints if t.kind == "newsletter" and t.is_email)
    draft = next(o for o in standin.objects("campaigndraft") if o["Title"].startswith(f"{demo.name} / {newsletter.name}"))
    del standin.state.objects["campaigndraft"][draft["ID"]]  # someone deleted it in Mailjet
    services.update_touchpoint(newsletter, {"subject": "A new subject for the tips"})
    db.session.commit()
    changed = mailjet.build_bundle(demo)

    push(changed, standin.url, ledger=ledger)

    assert draft["Title"] in {o["Title"] for o in standin.objects("campaigndraft")}
    assert len(standin.ids("campaigndraft")) == creating(changed, "campaigndraft") + 1  # the deleted one, and anew
    assert len(standin.objects("campaigndraft")) == creating(changed, "campaigndraft")


# --- interrupted halfway: resumes and completes -------------------------------------------


def test_an_interrupted_push_resumes_where_it_stopped_and_completes(
    bundle: dict[str, Any], start_standin: Callable[..., MailjetStandIn]
) -> None:
    server = start_standin(drop_after=20)
    ledger = MemoryLedger()
    with pytest.raises(PushError) as stopped:
        push(bundle, server.url, ledger=ledger, max_retries=2)
    assert "Could not reach the Mailjet API" in stopped.value.message
    assert stopped.value.result is not None and len(stopped.value.result.steps) == 20
    server.drop_after = None

    resumed = push(bundle, server.url, ledger=ledger)

    assert created_once(server, bundle)
    assert [s.outcome for s in resumed.steps[:20]] == ["reused" if s.ref else "unchanged" for s in resumed.steps[:20]]
    assert {s.outcome for s in resumed.steps[20:]} == {"created"}


def test_a_post_whose_answer_was_lost_is_found_by_name_not_created_twice(
    bundle: dict[str, Any], start_standin: Callable[..., MailjetStandIn]
) -> None:
    server = start_standin(lose_answer_at=4)  # a segment filter is created, its answer never arrives

    result = push(bundle, server.url)

    assert created_once(server, bundle)
    assert result.steps[3].outcome == "reused" and result.steps[3].id == server.ids("contactfilter")[1]


@pytest.mark.usefixtures("worker")
def test_the_push_button_resumes_an_interrupted_push(
    client: FlaskClient, post_form: Callable[..., Any], demo: Campaign, bundle: dict[str, Any],
    start_standin: Callable[..., MailjetStandIn], mailjet_config: Callable[..., None],
) -> None:
    server = start_standin(drop_after=25)
    mailjet_config(server.url)
    response = push_button(post_form, demo)
    ((category, message),) = outcome(client, response)
    assert category == "error" and "Push again to carry on where it stopped." in message
    server.drop_after = None
    writes = len(server.writes())

    response = push_button(post_form, demo)

    assert outcome(client, response)[-1][0] == "success"
    assert created_once(server, bundle)
    assert len(server.writes()) - writes == len(bundle["requests"]) - 25  # only what was left


def test_the_command_resumes_an_interrupted_push(
    runner: FlaskCliRunner, bundle_file: Path, bundle: dict[str, Any], start_standin: Callable[..., MailjetStandIn],
    mailjet_config: Callable[..., None],
) -> None:
    server = start_standin(drop_after=30)
    mailjet_config(server.url)
    stopped = command(runner, bundle_file)
    assert stopped.exit_code == 1 and "Traceback" not in stopped.output
    server.drop_after = None

    result = command(runner, bundle_file)

    assert result.exit_code == 0, result.output
    assert created_once(server, bundle)


# --- 429 and 5xx: retried with backoff --------------------------------------------------------


def test_three_429s_still_end_in_a_complete_push(bundle: dict[str, Any], start_standin: Callable[..., MailjetStandIn]) -> None:
    server = start_standin(fail_times={"status": 429, "count": 3, "retry_after": 0})
    waits: list[float] = []

    result = push(bundle, server.url, sleep=waits.append)

    assert created_once(server, bundle) and result.objects("created") == objects_of(bundle)
    assert [a.status for a in server.requests[:3]] == [429, 429, 429]
    assert waits == [0.0, 0.0, 0.0]


def test_retries_wait_as_long_as_retry_after_says(bundle: dict[str, Any], start_standin: Callable[..., MailjetStandIn]) -> None:
    server = start_standin(fail_times={"status": 429, "count": 2, "retry_after": 7})
    waits: list[float] = []

    push(bundle, server.url, sleep=waits.append)

    assert waits == [7.0, 7.0]


def test_without_retry_after_the_waits_grow_exponentially(
    bundle: dict[str, Any], start_standin: Callable[..., MailjetStandIn]
) -> None:
    server = start_standin(fail_times={"status": 503, "count": 3})
    waits: list[float] = []

    push(bundle, server.url, sleep=waits.append, backoff=1.5)

    assert waits == [1.5, 3.0, 6.0] and created_once(server, bundle)


def test_a_500_that_never_stops_ends_in_a_clear_error_after_the_last_retry(
    bundle: dict[str, Any], start_standin: Callable[..., MailjetStandIn]
) -> None:
    server = start_standin()
    push(bundle, server.url)  # everything exists; now the API breaks down
    server.fail_next(500, 1000)
    waits: list[float] = []
    before = len(server.requests)

    with pytest.raises(PushError) as stopped:
        push(bundle, server.url, sleep=waits.append, max_retries=3, backoff=1)

    assert len(server.requests) - before == 4 and waits == [1, 2, 4]
    assert stopped.value.message.startswith("Mailjet answered ")
    assert "with HTTP 500 4 times: HTTP 500: Internal server error" in stopped.value.message
    assert stopped.value.message.endswith("Try the push again later: it resumes where it stopped.")


@pytest.mark.usefixtures("worker")
def test_the_push_button_and_the_command_get_through_three_429s(
    runner: FlaskCliRunner, bundle_file: Path, client: FlaskClient, post_form: Callable[..., Any], demo: Campaign,
    bundle: dict[str, Any], start_standin: Callable[..., MailjetStandIn], mailjet_config: Callable[..., None],
) -> None:
    by_command = start_standin(fail_times={"status": 429, "count": 3, "retry_after": 0})
    mailjet_config(by_command.url)
    assert command(runner, bundle_file).exit_code == 0
    by_button = start_standin(fail_times={"status": 429, "count": 3, "retry_after": 0})
    mailjet_config(by_button.url)

    response = push_button(post_form, demo)

    assert outcome(client, response)[-1][0] == "success"
    for server in (by_command, by_button):
        assert [a.status for a in server.requests[:3]] == [429] * 3 and created_once(server, bundle)


# --- preflight: what to fix, before anything is created --------------------------------------


def test_a_wrong_list_id_is_reported_before_anything_is_created(bundle: dict[str, Any], standin: MailjetStandIn) -> None:
    with pytest.raises(PushError) as stopped:
        push(bundle, standin.url, inputs={"contactslist": 55})

    assert stopped.value.message == ("This Mailjet account has no contact list with ID 55. Look the ID up in Mailjet "
                                     "(Contacts > Contact lists) and enter it again.")
    assert standin.writes() == []


def test_a_deleted_list_is_reported_before_anything_is_created(
    bundle: dict[str, Any], start_standin: Callable[..., MailjetStandIn]
) -> None:
    server = start_standin(lists={LIST_ID: {"Name": "Old trial users", "IsDeleted": True}})

    with pytest.raises(PushError) as stopped:
        push(bundle, server.url)

    assert f'The contact list {LIST_ID} ("Old trial users") is deleted in Mailjet.' in stopped.value.message
    assert server.writes() == []


@pytest.mark.parametrize(("senders", "message"), [
    ({SENDER: "Inactive"}, f'The sender address {SENDER} is not active in Mailjet (its status is "Inactive").'),
    ({"someone@else.example": "Active"}, f"The sender address {SENDER} is not a sender of this Mailjet account."),
])
def test_an_inactive_or_unknown_sender_is_reported_before_anything_is_created(
    bundle: dict[str, Any], start_standin: Callable[..., MailjetStandIn], senders: dict[str, str], message: str
) -> None:
    server = start_standin(senders=senders)

    with pytest.raises(PushError) as stopped:
        push(bundle, server.url)

    assert stopped.value.message.startswith(message)
    assert server.writes() == []


def test_a_sender_domain_validated_as_a_whole_is_active(
    bundle: dict[str, Any], start_standin: Callable[..., MailjetStandIn]
) -> None:
    server = start_standin(senders={SENDER: "Inactive", "*@plannery.example": "Active"})

    push(bundle, server.url)

    assert created_once(server, bundle)


def test_both_problems_are_reported_together(bundle: dict[str, Any], start_standin: Callable[..., MailjetStandIn]) -> None:
    server = start_standin(senders={SENDER: "Inactive"})

    with pytest.raises(PushError) as stopped:
        push(bundle, server.url, inputs={"contactslist": 55})

    assert "is not active in Mailjet" in stopped.value.message and "no contact list with ID 55" in stopped.value.message
    assert server.writes() == []


def test_a_property_of_another_type_in_mailjet_is_reported_before_anything_is_created(
    bundle: dict[str, Any], standin: MailjetStandIn
) -> None:
    standin.state.objects["contactmetadata"] = {5: {"ID": 5, "Name": "segment", "Datatype": "int", "NameSpace": "static"}}

    with pytest.raises(PushError) as stopped:
        push(bundle, standin.url)

    assert stopped.value.message.startswith('The contact property "segment" exists in Mailjet with the type "int"')
    assert standin.writes() == []


@pytest.mark.usefixtures("worker")
def test_the_push_button_reports_a_wrong_list_or_an_inactive_sender_before_creating_anything(
    client: FlaskClient, post_form: Callable[..., Any], demo: Campaign, start_standin: Callable[..., MailjetStandIn],
    mailjet_config: Callable[..., None],
) -> None:
    server = start_standin(senders={SENDER: "Inactive"})
    mailjet_config(server.url)

    response = push_button(post_form, demo, "55")

    ((category, message),) = outcome(client, response)
    assert category == "error" and message.startswith("The push to Mailjet stopped. The sender address ")
    assert "no contact list with ID 55" in message and "So far" not in message
    assert server.writes() == []
    assert db.session.scalars(db.select(PushedObject)).all() == []


def test_the_command_reports_a_wrong_list_or_an_inactive_sender_before_creating_anything(
    runner: FlaskCliRunner, bundle_file: Path, start_standin: Callable[..., MailjetStandIn],
    mailjet_config: Callable[..., None],
) -> None:
    server = start_standin(senders={SENDER: "Inactive"})
    mailjet_config(server.url)

    result = command(runner, bundle_file, list_id=55)

    assert result.exit_code == 1
    assert "Error: The sender address hello@plannery.example is not active in Mailjet" in result.output
    assert "no contact list with ID 55" in result.output
    assert server.writes() == []


# --- the background job's function -----------------------------------------------------------


class FakeJob:
    def __init__(self) -> None:
        self.steps: list[tuple[int, int, str]] = []

    def progress(self, done: int, total: int, step: str) -> None:
        self.steps.append((done, total, step))


def test_run_push_reports_progress_and_counts_and_keeps_the_ledger(
    demo: Campaign, bundle: dict[str, Any], standin: MailjetStandIn, mailjet_config: Callable[..., None]
) -> None:
    mailjet_config(standin.url)
    job = FakeJob()

    outcome = run_push(job, {"campaign_id": demo.id, "esp": "mailjet", "inputs": {"contactslist": LIST_ID}})

    total = len(bundle["requests"])
    assert outcome == {"summary": "Created: 2 contact properties, 3 segment filters, 12 templates and 9 campaign "
                                  "drafts. Already in Mailjet: nothing. Updated: nothing.",
                       "created": objects_of(bundle), "reused": 0, "updated": 0}
    assert [s[:2] for s in job.steps] == [(n, total) for n in range(1, total + 1)]
    assert job.steps[0][2] == f'Created contact property "segment" (ID {standin.ids("contactmetadata")[0]})'
    assert db.session.scalar(db.select(db.func.count()).select_from(PushedObject)) == total
    again = run_push(FakeJob(), {"campaign_id": demo.id, "esp": "mailjet", "inputs": {"contactslist": LIST_ID}})
    assert (again["created"], again["reused"]) == (0, objects_of(bundle)) and created_once(standin, bundle)


def test_run_push_fails_with_a_message_for_people(
    demo: Campaign, standin: MailjetStandIn, mailjet_config: Callable[..., None]
) -> None:
    mailjet_config(standin.url)

    with pytest.raises(PushError) as stopped:
        run_push(FakeJob(), {"campaign_id": demo.id, "esp": "mailjet", "inputs": {"contactslist": 55}})

    assert "no contact list with ID 55" in stopped.value.message
    with pytest.raises(PushError) as unknown:
        run_push(FakeJob(), {"campaign_id": demo.id + 1000, "esp": "mailjet", "inputs": {"contactslist": LIST_ID}})
    assert unknown.value.message == "The campaign of this push no longer exists."


def test_two_accounts_never_share_ids(
    demo: Campaign, bundle: dict[str, Any], start_standin: Callable[..., MailjetStandIn],
    mailjet_config: Callable[..., None],
) -> None:
    first = start_standin()
    mailjet_config(first.url)
    run_push(FakeJob(), {"campaign_id": demo.id, "esp": "mailjet", "inputs": {"contactslist": LIST_ID}})
    other = start_standin(api_key="another-key")
    mailjet_config(other.url, key="another-key")

    run_push(FakeJob(), {"campaign_id": demo.id, "esp": "mailjet", "inputs": {"contactslist": LIST_ID}})

    assert created_once(first, bundle) and created_once(other, bundle)
    assert len({r.account for r in db.session.scalars(db.select(PushedObject))}) == 2
    assert current.workspace_id() == demo.workspace_id
