"""Pushing a campaign to an ESP: the campaign's bundle replayed by the shared engine with the database ledger.

`push_campaign` is the one operation behind every push: the background job "push" (`run_push`), which the
export page's button and `POST /api/campaigns/<id>/push/<esp>` start (`start_push`), and the tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from flask import current_app, g
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound

import jobs
from accounts import audit, current, limits
from accounts.models import Workspace
from campaigns.cells import plan_or_404
from campaigns.models import Campaign
from journeymail.extensions import db
from journeymail.http import parse_id

from . import audience, esp
from .esp import replay
from .esp.base import Adapter, Credentials, Progress, PushError, PushResult
from .ledger import DatabaseLedger


def credentials_or_fail(adapter: Adapter) -> Credentials:
    """The ESP's credentials from the app's config; PushError saying which settings to set when missing."""
    found = adapter.credentials(current_app.config)
    if found is None:
        raise PushError(str(adapter.missing_credentials))
    return found


def push_campaign(campaign: Campaign, adapter: Adapter, inputs: Mapping[str, int], *,
                  progress: Progress | None = None, on_save: Callable[[], None] | None = None,
                  every: float = 0.0, bundle: dict[str, Any] | None = None, contacts: bool = False,
                  audience_result: dict[str, Any] | None = None) -> PushResult:
    """Push the campaign's bundle (built here unless given); raises the adapter's BundleRefused (nothing
    sent) or PushError (what was done before it stopped is in its `result`, and saved in the ledger).

    With `contacts`, the audience step follows (exports/audience.py): the targeted segments' contacts into the
    ESP's list; what it did goes into `audience_result`."""
    credentials = credentials_or_fail(adapter)
    if bundle is None:
        bundle = adapter.build_bundle(campaign)
    if contacts and adapter.key == "brevo":  # Brevo: the contacts go inside the bundle, an import per list
        bundle = audience.with_brevo_contacts(bundle, campaign)
    ledger = DatabaseLedger(campaign, adapter, credentials, inputs, on_save=on_save, every=every)
    config = current_app.config
    retries, backoff = int(config.get("ESP_PUSH_MAX_RETRIES", 5)), float(config.get("ESP_PUSH_BACKOFF_SECONDS", 1))
    try:
        result = replay.push(adapter, bundle, credentials=credentials, inputs=inputs, ledger=ledger, progress=progress,
                             max_retries=retries, backoff=backoff)
        if contacts and adapter.key == "brevo":
            imports = [s for s in result.steps if s.path == "contacts/import"]
            found = {"contacts": sum(1 for r in bundle["requests"] if r["path"] == "contacts/import"
                                     for _line in r["body"]["fileBody"].splitlines()[1:]),
                     "imported": any(s.outcome in ("created", "updated") for s in imports),
                     "uploaded": any(s.outcome in ("created", "updated") for s in imports), "errors": 0}
            if audience_result is not None:
                audience_result.update(found)
        elif contacts:
            found = _push_contacts(campaign, adapter, credentials, inputs, ledger, progress, retries, backoff)
            if audience_result is not None:
                audience_result.update(found)
        return result
    finally:
        ledger.flush()  # also when it stopped: what went through is kept


def _push_contacts(campaign: Campaign, adapter: Adapter, credentials: Credentials, inputs: Mapping[str, int],
                   ledger: DatabaseLedger, progress: Progress | None, retries: int, backoff: float) -> dict[str, Any]:
    if adapter.key == "mailjet":
        list_id = inputs.get("contactslist")
        if list_id is None:
            raise PushError(_("Enter the ID of the Mailjet contact list the contacts go to."))
        return audience.push_mailjet_contacts(campaign, adapter, credentials, list_id, ledger, progress=progress,
                                              max_retries=retries, backoff=backoff)
    push_contacts = getattr(adapter, "push_contacts", None)
    if push_contacts is None:
        raise PushError(_("Contacts cannot be pushed to %(esp)s yet.", esp=adapter.label))
    return push_contacts(campaign, credentials, ledger, progress=progress, max_retries=retries, backoff=backoff)


def audience_summary(found: Mapping[str, Any], adapter: Adapter) -> str:
    """One sentence on the audience step: how many contacts, and whether they went now or were there already."""
    if not found:
        return ""
    if not found.get("imported"):
        return _("Contacts: the same %(num)s contacts are in %(esp)s already.", num=found.get("contacts", 0),
                 esp=adapter.label)
    return _("Contacts: %(num)s imported into %(esp)s (%(errors)s refused).", num=found.get("contacts", 0),
             esp=adapter.label, errors=found.get("errors", 0))


def counts(result: PushResult) -> dict[str, int]:
    """How many objects (not content requests) the push created, found already there, and updated."""
    return {outcome: result.objects(outcome) for outcome in ("created", "reused", "updated")}


def summary(result: PushResult, adapter: Adapter) -> str:
    """e.g. 'Created: 2 contact properties and 12 templates. Already in Mailjet: nothing. Updated: nothing.'"""
    return _("Created: %(created)s. Already in %(esp)s: %(reused)s. Updated: %(updated)s.",
             created=adapter.summary(result.steps, "created"), esp=adapter.label,
             reused=adapter.summary(result.steps, "reused"), updated=adapter.summary(result.steps, "updated"))


SAVE_EVERY = 2.0  # seconds: how often a running push commits the IDs it got (and always when it ends); a push
# that stops in between loses no object: the next run finds what the ESP holds by name


class Job(Protocol):
    """What run_push needs of the jobs worker's job."""

    def progress(self, done: int, total: int, step: str) -> None: ...


def run_push(job: Job, params: Mapping[str, Any]) -> dict[str, Any]:
    """The background job: params {"campaign_id", "esp": "mailjet", "inputs": {"contactslist": 42}} and, when
    the worker has chosen no workspace, "workspace_id" (and "role"). Commits after each saved ID, so a
    worker that stops keeps them; raises PushError with a message for people when the push stops."""
    if g.get("workspace") is None and params.get("workspace_id") is not None:
        workspace = db.session.get(Workspace, params["workspace_id"])
        if workspace is None:
            raise PushError(_("The workspace of this push no longer exists."))
        current.use_workspace(workspace, params.get("role", "editor"))
    try:
        adapter = esp.adapter(str(params.get("esp")))
    except KeyError:
        raise PushError(_("There is no ESP called %(esp)s.", esp=params.get("esp"))) from None
    try:
        campaign = plan_or_404(int(params["campaign_id"]))
    except NotFound:
        raise PushError(_("The campaign of this push no longer exists.")) from None
    inputs = {str(k): int(v) for k, v in dict(params.get("inputs") or {}).items()}
    found: dict[str, Any] = {}
    try:
        # A job has no request whose end commits: each saved ID is committed at once (tests/test_architecture.py).
        result = push_campaign(campaign, adapter, inputs, progress=job.progress, on_save=db.session.commit,
                               every=SAVE_EVERY, contacts=bool(params.get("contacts")), audience_result=found)
    except adapter.refused as refused:
        raise PushError(refused.message + " " + " ".join(f"{p}." for p in refused.problems)) from None
    said = " ".join(part for part in (summary(result, adapter), audience_summary(found, adapter)) if part)
    return {"summary": said, **counts(result), **({"contacts": found} if found else {})}


# --- the background job ---------------------------------------------------------------------------

KIND = "push"


@jobs.task(KIND)
def push_task(job: jobs.Running, params: dict[str, Any]) -> dict[str, Any]:
    """The job the button and the API start: run_push, its stop put in words for the job's page."""
    adapter_label = str(params.get("esp"))
    try:
        adapter_label = esp.adapter(adapter_label).label
    except KeyError:
        pass
    job.progress(0, 0, _("Building the %(esp)s bundle", esp=adapter_label))
    try:
        result = run_push(job, params)
    except PushError as error:
        message = _("The push to %(esp)s stopped. %(reason)s", esp=adapter_label, reason=error.message)
        if error.result is not None and error.result.steps:
            message += " " + _("So far: %(summary)s Push again to carry on where it stopped.",
                               summary=summary(error.result, esp.adapter(str(params["esp"]))))
        raise jobs.JobFailed(message) from None
    list_id = (params.get("inputs") or {}).get("contactslist")
    if params.get("esp") == "mailjet" and list_id:
        said = _("Pushed to Mailjet (the campaign drafts send to list %(list)s). %(summary)s", list=list_id,
                 summary=result["summary"])
    else:
        said = _("Pushed to %(esp)s. %(summary)s", esp=adapter_label, summary=result["summary"])
    return {**result, "summary": said}


class Refused(Exception):
    """The push was not started: `message` says what to fix, `field` names the input at fault (or None)."""

    def __init__(self, message: str, field: str | None = None, status: int = 422):
        super().__init__(message)
        self.message, self.field, self.status = message, field, status


# The form field (and API key) each input of a bundle is typed into: a list ID, as the ESP's pages show it.
INPUT_FIELDS = {"contactslist": "list_id", "list": "list_id"}
MAX_LIST_ID = 2**63 - 1  # Mailjet and Brevo IDs are 64-bit


def parse_inputs(adapter: Adapter, values: Mapping[str, Any]) -> dict[str, int]:
    """The bundle's inputs (e.g. Mailjet's contact list ID) from a form or a JSON body; Refused naming the
    field when one is missing or not a whole number."""
    inputs: dict[str, int] = {}
    for name in adapter.inputs:
        field = INPUT_FIELDS.get(name, name)
        value = values.get(field)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        number = parse_id(value.strip(), maximum=MAX_LIST_ID) if isinstance(value, str) else None
        if number is None or number > MAX_LIST_ID:
            if adapter.key == "mailjet":
                message = _("Enter the ID of the Mailjet contact list the campaign drafts send to (a whole number).")
            else:
                message = _("Enter the ID of the %(esp)s contact list the campaign sends to (a whole number).",
                            esp=adapter.label)
            raise Refused(message, field)
        inputs[name] = number
    return inputs


def start_push(campaign: Campaign, adapter: Adapter, inputs: Mapping[str, int], *, contacts: bool = False) -> jobs.Job:
    """Start the push job for the campaign (queued once the request commits), after the checks that need no
    ESP: the credentials are set, and the acting user is within PUSH_LIMIT (429 beyond it). What the ESP
    itself refuses, and a campaign that cannot be exported, end the job failed, with the reason on its page."""
    if adapter.credentials(current_app.config) is None:
        raise Refused(str(adapter.missing_credentials), status=409)
    limits.spend("push")
    params: dict[str, Any] = {"campaign_id": campaign.id, "esp": adapter.key, "inputs": dict(inputs)}
    if contacts:
        params["contacts"] = True
    job = jobs.start(KIND, params,
                     title=_("Push “%(campaign)s” to %(esp)s", campaign=campaign.name, esp=adapter.label),
                     campaign_id=campaign.id)
    audit.record("pushed", "campaign", campaign.id, campaign.name, to=adapter.label,
                 **{name: value for name, value in inputs.items()}, job=job.id)
    return job
