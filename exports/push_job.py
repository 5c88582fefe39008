"""Pushing a campaign to an ESP: the campaign's bundle replayed by the shared engine with the database ledger.

`push_campaign` is the one operation behind the export page's button (synchronous for now) and the
background job (`run_push`, which the jobs worker calls; it is registered there, not here).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from flask import current_app, g
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound

from accounts import current
from accounts.models import Workspace
from campaigns.cells import plan_or_404
from campaigns.models import Campaign
from journeymail.extensions import db

from . import esp
from .esp import replay
from .esp.base import Adapter, Credentials, Progress, PushError, PushResult
from .ledger import DatabaseLedger
from .mailjet import bundle as mailjet_bundle, push as mailjet_push


def credentials_or_fail(adapter: Adapter) -> Credentials:
    """The ESP's credentials from the app's config; PushError saying which settings to set when missing."""
    found = adapter.credentials(current_app.config)
    if found is None:
        if adapter.key == "mailjet":
            raise PushError(str(mailjet_push.CREDENTIALS_MISSING))
        raise PushError(_("Pushing to %(esp)s needs its API key in the server's environment.", esp=adapter.label))
    return found


def push_campaign(campaign: Campaign, adapter: Adapter, inputs: Mapping[str, int], *,
                  progress: Progress | None = None, on_save: Callable[[], None] | None = None,
                  bundle: dict[str, Any] | None = None) -> PushResult:
    """Push the campaign's bundle (built here unless given); raises the adapter's BundleRefused (nothing
    sent) or PushError (what was done before it stopped is in its `result`, and saved in the ledger)."""
    credentials = credentials_or_fail(adapter)
    if bundle is None:
        bundle = adapter.build_bundle(campaign)
    ledger = DatabaseLedger(campaign, adapter, credentials, inputs, on_save=on_save)
    config = current_app.config
    try:
        return replay.push(
            adapter, bundle, credentials=credentials, inputs=inputs, ledger=ledger, progress=progress,
            max_retries=int(config.get("ESP_PUSH_MAX_RETRIES", 5)),
            backoff=float(config.get("ESP_PUSH_BACKOFF_SECONDS", 1)),
        )
    finally:
        ledger.flush()  # also when it stopped: what went through is kept


def counts(result: PushResult) -> dict[str, int]:
    """How many objects (not content requests) the push created, found already there, and updated."""
    return {outcome: result.objects(outcome) for outcome in ("created", "reused", "updated")}


def summary(result: PushResult, adapter: Adapter) -> str:
    """e.g. 'Created: 2 contact properties and 12 templates. Already in Mailjet: nothing. Updated: nothing.'"""
    return _("Created: %(created)s. Already in %(esp)s: %(reused)s. Updated: %(updated)s.",
             created=mailjet_push.summary(result.steps, "created"), esp=adapter.label,
             reused=mailjet_push.summary(result.steps, "reused"), updated=mailjet_push.summary(result.steps, "updated"))


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
    try:
        # A job has no request whose end commits: each saved ID is committed at once (tests/test_architecture.py).
        result = push_campaign(campaign, adapter, inputs, progress=job.progress, on_save=db.session.commit)
    except mailjet_bundle.BundleRefused as refused:
        raise PushError(refused.message + " " + " ".join(f"{p}." for p in refused.problems)) from None
    return {"summary": summary(result, adapter), **counts(result)}
