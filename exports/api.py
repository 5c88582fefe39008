"""JSON API for imports (a campaign document becomes a new campaign) and pushes (a background job)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for
from werkzeug.exceptions import NotFound

from accounts import current
from campaigns.cells import plan_or_404
from campaigns.serialize import campaign_detail
from jobs.serialize import job_dict
from journeymail.http import error_response, json_body

from . import audience, documents, esp, uploads
from .push_job import Refused, parse_inputs, start_push

Reply = tuple[Any, int]


# --- campaign import: the document GET /campaigns/<id>/export/campaign.json writes ----------

def import_campaign() -> Reply:
    """A campaign document (JSON, or gzipped with Content-Encoding: gzip) becomes a new campaign: 201 with
    the campaign and notes (e.g. a segment reused)."""
    current.require("edit_plan")
    imported = documents.import_document(uploads.json_document())
    return jsonify({**campaign_detail(imported.campaign), "notes": imported.notes}), 201


# --- pushing to an ESP: a background job ----------------------------------------------------------

def push(campaign_id: int, esp_key: str) -> Reply:
    """{"list_id": N} (the bundle's inputs) starts the push job: 202 {"job_id", "job"} with the job's URL in
    Location (GET /api/jobs/<id> reports it); 422 naming the field, 409 when the ESP's keys are not set."""
    campaign = plan_or_404(campaign_id)
    try:
        adapter = esp.adapter(esp_key)
    except KeyError:
        raise NotFound() from None
    current.require("push")
    body = json_body()
    if not isinstance(body, dict):
        return error_response(422, "The body must be a JSON object, e.g. {\"list_id\": 42}.")
    try:
        job = start_push(campaign, adapter, parse_inputs(adapter, body), contacts=audience.wants_contacts(body))
    except Refused as refused:
        return error_response(refused.status, refused.message, {refused.field: refused.message} if refused.field else None)
    response = jsonify(job_id=job.id, job=job_dict(job))
    response.headers["Location"] = url_for("jobs_api.get_job", job_id=job.id)
    return response, 202
