"""Mailjet downloads and the push: the bundle (mailjet.json), the contacts CSV header, and the
export page's "Push to Mailjet" button."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for

from journeymail.extensions import db

from . import bp, mailjet, mailjet_push
from .exports import download
from .plan_csv import neutralise
from .models import Campaign

Page = Any
MAX_LIST_ID = 2**63 - 1  # Mailjet IDs are 64-bit


@bp.get("/campaigns/<int:campaign_id>/export/mailjet.json")
def export_mailjet(campaign_id: int) -> Page:
    """The Mailjet bundle as a download; 422 listing every failing email when it cannot be exported whole."""
    campaign = db.get_or_404(Campaign, campaign_id)
    try:
        bundle = mailjet.build_bundle(campaign)
    except mailjet.BundleRefused as refused:
        return _refused(campaign, refused)
    body = json.dumps(bundle, ensure_ascii=False, indent=2) + "\n"
    return download(body.encode("utf-8"), "application/json", mailjet.bundle_filename(campaign))


@bp.get("/campaigns/<int:campaign_id>/export/contacts-template.csv")
def export_contacts_template(campaign_id: int) -> Page:
    """The header row of the contacts CSV that Mailjet's import expects for the bundle's properties."""
    campaign = db.get_or_404(Campaign, campaign_id)
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL).writerow(neutralise(name) for name in mailjet.contacts_header(campaign))
    filename = mailjet.bundle_filename(campaign).replace("-mailjet.json", "-contacts.csv")
    return download(out.getvalue().encode("utf-8"), "text/csv; charset=utf-8", filename)


@bp.post("/campaigns/<int:campaign_id>/push/mailjet")
def push_mailjet(campaign_id: int) -> Page:
    """Create the campaign in Mailjet through its API (the CSRF token is checked before this runs)."""
    campaign = db.get_or_404(Campaign, campaign_id)
    back = redirect(_export_page(campaign))
    config = current_app.config
    if not config.get("MAILJET_API_KEY") or not config.get("MAILJET_API_SECRET"):
        flash(mailjet_push.CREDENTIALS_MISSING, "error")
        return back
    list_id = _list_id(request.form.get("list_id"))
    if list_id is None:
        flash("Enter the ID of the Mailjet contact list the campaign drafts send to (a whole number).", "error")
        return back
    try:
        bundle = mailjet.build_bundle(campaign)
        created = mailjet_push.push(
            bundle, api_url=config["MAILJET_API_URL"], api_key=config["MAILJET_API_KEY"],
            api_secret=config["MAILJET_API_SECRET"], inputs={mailjet.LIST_REF: list_id},
            timeout=config.get("MAILJET_TIMEOUT", 30.0),
        )
    except mailjet.BundleRefused as refused:
        flash(f"{refused.message} " + " ".join(f"{p}." for p in refused.problems[:5]), "error")
        return back
    except mailjet_push.PushError as error:
        done = f" Created before it stopped: {mailjet_push.summary(error.created)}." if error.created else ""
        flash(f"The push to Mailjet stopped. {error.message}{done}", "error")
        return back
    flash(f"Pushed to Mailjet: created {mailjet_push.summary(created)} (campaign drafts send to list {list_id}).",
          "success")
    return back


def _list_id(value: str | None) -> int | None:
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_LIST_ID:
        return None
    return int(text)


def _export_page(campaign: Campaign) -> str:
    if "campaigns.export_page" in current_app.view_functions:
        return url_for("campaigns.export_page", campaign_id=campaign.id)
    return url_for("campaigns.journey_map", campaign_id=campaign.id)


def _refused(campaign: Campaign, refused: mailjet.BundleRefused) -> Page:
    """422: an HTML page listing the problems, or the API's error document when the client asks for JSON."""
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json":
        fields: dict[str, str] = {}
        for problem in refused.problems:
            key = _field_of(problem)
            fields[key] = f"{fields[key]} {problem}" if key in fields else str(problem)
        message = refused.message + " " + " ".join(f"{p}." for p in refused.problems)
        return jsonify(error={"message": message, "fields": fields}), 422
    return render_template(
        "campaigns/mailjet_refused.html", campaign=campaign, refused=refused, export_url=_export_page(campaign)
    ), 422


def _field_of(problem: mailjet.Problem) -> str:
    if problem.touchpoint is not None and problem.segment is not None:
        return f"touchpoints.{problem.touchpoint.id}.segments.{problem.segment.id}"
    return problem.field_name or "campaign"
