"""Pushing the Brevo bundle with the shared replay engine against Brevo's stand-in, and `push brevo FILE`: the demo
pushed twice creates each object once; a push interrupted halfway resumes and completes; 429 three times still
ends in a complete push; a wrong or inactive sender is reported before anything is created."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from brevo_standin import BrevoStandIn
from campaigns import services as campaign_services
from campaigns.demo import create_demo
from campaigns.models import Campaign
from exports.brevo import bundle as brevo
from exports.esp import replay
from exports.esp.base import Credentials, PushError
from exports.esp.brevo import adapter
from exports.ledger import MemoryLedger
from journeymail.extensions import db

KEY = "test-brevo-key"
SENDER = {"name": "Maya from Plannery", "email": "hello@plannery.example", "active": True}


@pytest.fixture
def demo() -> Campaign:
    campaign = create_demo()
    db.session.commit()
    return campaign


@pytest.fixture
def bundle(demo: Campaign) -> dict[str, Any]:
    return brevo.build_bundle(demo)


@pytest.fixture
def bundle_file(bundle: dict[str, Any], tmp_path: Path) -> Path:
    path = tmp_path / "demo-brevo.json"
    path.write_text(json.dumps(bundle), "utf-8")
    return path


@pytest.fixture
def start_standin() -> Iterator[Callable[..., BrevoStandIn]]:
    started: list[BrevoStandIn] = []

    def start(senders: list[dict[str, Any]] | None = None) -> BrevoStandIn:
        started.append(BrevoStandIn(api_key=KEY, senders=senders or [SENDER]).start())
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def standin(start_standin: Callable[..., BrevoStandIn]) -> BrevoStandIn:
    return start_standin()


@pytest.fixture
def brevo_config(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    def configure(url: str, key: str | None = KEY) -> None:
        monkeypatch.setitem(app.config, "BREVO_API_URL", url)
        monkeypatch.setitem(app.config, "BREVO_API_KEY", key)

    return configure


def push(bundle: dict[str, Any], standin: BrevoStandIn, ledger: MemoryLedger | None = None,
         sleeps: list[float] | None = None) -> replay.PushResult:
    credentials = Credentials(standin.url, KEY, timeout=5)
    waited = sleeps if sleeps is not None else []
    return replay.push(adapter, bundle, credentials=credentials, inputs={}, ledger=ledger or MemoryLedger(),
                       sleep=waited.append)


def command(runner: FlaskCliRunner, bundle_file: Path) -> Any:
    return runner.invoke(args=["push", "brevo", str(bundle_file)])


def objects(bundle: dict[str, Any], path: str) -> int:
    return sum(1 for r in bundle["requests"] if r["path"] == path)


def created_once(standin: BrevoStandIn, bundle: dict[str, Any]) -> bool:
    """Each folder, list, template and email campaign of the bundle exists in the account exactly once."""
    names = {
        "contacts/folders": [f["name"] for f in standin.folders.values()],
        "contacts/lists": [item["name"] for item in standin.lists.values()],
        "smtp/templates": [t["templateName"] for t in standin.templates.values()],
        "emailCampaigns": [c["name"] for c in standin.campaigns.values()],
    }
    return all(sorted(found) == sorted(r["name"] for r in bundle["requests"] if r["path"] == path)
               for path, found in names.items())


# --- twice: each object once ------------------------------------------------------------------


def test_a_push_creates_a_list_per_segment_and_sends_each_segments_campaigns_to_its_own(
    demo: Campaign, bundle: dict[str, Any], standin: BrevoStandIn
) -> None:
    result = push(bundle, standin)

    assert created_once(standin, bundle)
    ids = {step.ref: step.id for step in result.steps}
    (folder_id,) = standin.folders
    assert {item["folderId"] for item in standin.lists.values()} == {folder_id}
    for request in bundle["requests"]:
        if request["path"] == "emailCampaigns":
            segment = request["name"].rsplit(" / ", 1)[1]
            (list_id,) = standin.campaigns[ids[request["ref"]]]["recipients"]["listIds"]
            assert standin.lists[list_id]["name"] == f"{demo.name} / {segment}"
    assert {s.name for s in result.steps if s.outcome == "reused"} <= {"FIRSTNAME", "LASTNAME"}


def test_pushing_the_demo_twice_creates_each_object_once(bundle: dict[str, Any], standin: BrevoStandIn) -> None:
    push(bundle, standin)
    posts = [w for w in standin.writes() if w.method == "POST"]

    again = push(bundle, standin)  # a new ledger: everything is found by name

    assert created_once(standin, bundle)
    assert again.objects("created") == 0
    assert [w for w in standin.writes() if w.method == "POST"] == posts


def test_pushing_twice_with_the_ledger_sends_no_write_at_all(bundle: dict[str, Any], standin: BrevoStandIn) -> None:
    ledger = MemoryLedger()
    push(bundle, standin, ledger)
    writes = len(standin.writes())

    again = push(bundle, standin, ledger)

    assert len(standin.writes()) == writes
    assert again.objects("reused") == len(bundle["requests"])


def test_the_command_twice_creates_each_object_once_and_says_so(
    runner: FlaskCliRunner, bundle_file: Path, bundle: dict[str, Any], standin: BrevoStandIn,
    brevo_config: Callable[..., None],
) -> None:
    brevo_config(standin.url)
    first = command(runner, bundle_file)
    assert first.exit_code == 0, first.output
    assert 'Created contacts folder "Journeymail" (ID ' in first.output
    assert 'Created contact attribute "SEGMENT"\n' in first.output  # Brevo gives an attribute no ID
    lists, templates = objects(bundle, "contacts/lists"), objects(bundle, "smtp/templates")
    campaigns = objects(bundle, "emailCampaigns")
    assert (f"Done: created 1 contact attribute, 1 contacts folder, {lists} contact lists, {templates} templates and "
            f"{campaigns} email campaigns, found 1 contact attribute already in Brevo, updated nothing.") in first.output

    again = command(runner, bundle_file)

    assert again.exit_code == 0, again.output
    assert created_once(standin, bundle)
    # Without a ledger, what the command finds by name is brought in line (PUT), not created again.
    assert (f"Done: created nothing, found 2 contact attributes, 1 contacts folder and {lists} contact lists already "
            f"in Brevo, updated {templates} templates and {campaigns} email campaigns.") in again.output
    assert 'fill each with its segment\'s contacts before you send.' in again.output


# --- stopped halfway: resumed ---------------------------------------------------------------------


def test_an_interrupted_push_resumes_and_completes(bundle: dict[str, Any], standin: BrevoStandIn) -> None:
    ledger = MemoryLedger()
    standin.fail(503, times=1_000, path="emailCampaigns")  # more than any retrying waits out
    with pytest.raises(PushError) as stopped:
        push(bundle, standin, ledger)
    assert stopped.value.result is not None and stopped.value.result.objects("created") > 0
    templates = standin.templates
    standin.state.failures.clear()

    result = push(bundle, standin, ledger)

    assert standin.templates.keys() == templates.keys()
    assert created_once(standin, bundle)
    assert result.objects("created") == objects(bundle, "emailCampaigns")


def test_the_command_resumes_an_interrupted_push(
    runner: FlaskCliRunner, bundle_file: Path, bundle: dict[str, Any], standin: BrevoStandIn,
    brevo_config: Callable[..., None],
) -> None:
    brevo_config(standin.url)
    standin.fail(500, times=1_000, path="smtp/templates")
    stopped = command(runner, bundle_file)
    assert stopped.exit_code == 1
    assert "Before the error: created 1 contact attribute, 1 contacts folder" in stopped.output
    standin.state.failures.clear()

    result = command(runner, bundle_file)

    assert result.exit_code == 0, result.output
    assert created_once(standin, bundle)


# --- rate limits and server errors ----------------------------------------------------------------


def test_429_three_times_still_completes_after_waiting_as_told(bundle: dict[str, Any], standin: BrevoStandIn) -> None:
    standin.fail(429, times=3, retry_after=2, path="smtp/templates")
    sleeps: list[float] = []

    push(bundle, standin, sleeps=sleeps)

    assert [r.status for r in standin.requests].count(429) == 3
    assert sleeps[:3] == [2.0, 2.0, 2.0]
    assert created_once(standin, bundle)


def test_server_errors_on_a_create_make_no_duplicates(bundle: dict[str, Any], standin: BrevoStandIn) -> None:
    standin.fail(500, times=2, path="contacts/lists")

    push(bundle, standin)

    assert created_once(standin, bundle)


# --- preflight: nothing is created -----------------------------------------------------------------


@pytest.mark.parametrize("senders, message", [
    ([{"name": "Someone", "email": "someone@plannery.example", "active": True}],
     "The sender address hello@plannery.example is not a sender of this Brevo account."),
    ([{**SENDER, "active": False}], "The sender address hello@plannery.example is not yet active in Brevo."),
])
def test_a_wrong_or_inactive_sender_is_reported_before_anything_is_created(
    runner: FlaskCliRunner, bundle_file: Path, bundle: dict[str, Any], start_standin: Callable[..., BrevoStandIn],
    brevo_config: Callable[..., None], senders: list[dict[str, Any]], message: str,
) -> None:
    standin = start_standin(senders)
    with pytest.raises(PushError) as stopped:
        push(bundle, standin)
    assert message in stopped.value.message
    brevo_config(standin.url)

    result = command(runner, bundle_file)

    assert result.exit_code == 1 and message in result.output
    assert standin.writes() == []


def test_the_command_without_a_key_names_the_setting(
    runner: FlaskCliRunner, bundle_file: Path, standin: BrevoStandIn, brevo_config: Callable[..., None]
) -> None:
    brevo_config(standin.url, key=None)

    result = command(runner, bundle_file)

    assert result.exit_code == 1 and "set BREVO_API_KEY in the server's environment" in result.output
    assert standin.requests == []


def test_a_version_1_bundle_is_refused_with_what_to_do(
    runner: FlaskCliRunner, bundle: dict[str, Any], tmp_path: Path, standin: BrevoStandIn,
    brevo_config: Callable[..., None],
) -> None:
    brevo_config(standin.url)
    old = tmp_path / "old.json"
    old.write_text(json.dumps({**bundle, "version": 1}), "utf-8")

    result = command(runner, old)

    assert result.exit_code == 1 and "Export the campaign again" in result.output
    assert standin.requests == []


# --- a change: updated in place ------------------------------------------------------------------


def test_a_changed_email_updates_its_template_in_place(demo: Campaign, standin: BrevoStandIn) -> None:
    ledger = MemoryLedger()
    push(brevo.build_bundle(demo), standin, ledger)
    count = len(standin.templates)
    touchpoint = next(t for t in demo.touchpoints if t.is_email)
    campaign_services.update_touchpoint(touchpoint, {"subject": "A brand new subject"})
    db.session.commit()

    result = push(brevo.build_bundle(demo), standin, ledger)

    assert result.objects("updated") >= 1 and len(standin.templates) == count
    assert "A brand new subject" in {t["subject"] for t in standin.templates.values()}


# --- from the export page and the API: a background job on the real queue ---------------------------------


@pytest.mark.usefixtures("worker")
def test_the_brevo_push_runs_as_a_job_from_the_button_and_the_api(
    client: Any, post_form: Callable[..., Any], demo: Campaign, bundle: dict[str, Any], standin: BrevoStandIn,
    brevo_config: Callable[..., None],
) -> None:
    from jobs_support import wait_until

    def finished(job_id: int) -> dict[str, Any]:
        return wait_until(lambda: (job := client.get(f"/api/jobs/{job_id}").get_json())["state"] in ("done", "failed")
                          and job, seconds=60)

    brevo_config(standin.url)
    pressed = post_form(f"/campaigns/{demo.id}/export", {}, action=f"/campaigns/{demo.id}/push/brevo")
    assert pressed.status_code == 302 and "/jobs/" in pressed.headers["Location"]
    job = finished(int(pressed.headers["Location"].rsplit("/", 1)[1]))
    assert job["state"] == "done", job["errors"]
    assert job["result"]["summary"].startswith("Pushed to Brevo. Created: ")
    assert created_once(standin, bundle)

    started = client.post(f"/api/campaigns/{demo.id}/push/brevo", json={})
    assert started.status_code == 202
    again = finished(started.get_json()["job_id"])
    assert again["state"] == "done" and again["result"]["created"] == 0
    assert created_once(standin, bundle)

    brevo_config(standin.url, key=None)
    missing = client.post(f"/api/campaigns/{demo.id}/push/brevo", json={})
    assert missing.status_code == 409 and "BREVO_API_KEY" in missing.get_json()["error"]["message"]
