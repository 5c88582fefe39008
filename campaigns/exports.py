"""Export pages and downloads: the export overview, the plan CSV, the campaign JSON, and importing one."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from journeymail.extensions import db
from journeymail.forms import ServiceForm
from journeymail.validation import ServiceError

from . import bp, documents, mailjet, plan_csv
from .cells import plan_or_404
from .models import Campaign

Page = Any

# --- the export page ---------------------------------------------------------------------


@bp.get("/campaigns/<int:campaign_id>/export")
def export_page(campaign_id: int) -> Page:
    """The formats to download, and the checks that block a clean export or deserve a look."""
    campaign = plan_or_404(campaign_id)
    emails = [row for row in plan_csv.plan_rows(campaign) if row.content is not None]
    return render_template(
        "campaigns/export.html",
        campaign=campaign,
        emails=emails,
        with_errors=[row for row in emails if row.counts["error"]],
        with_warnings=[row for row in emails if row.counts["warning"]],
        columns=plan_csv.COLUMNS,
        mailjet_readiness=mailjet.mailjet_readiness(campaign),
        push_form=FlaskForm(),  # the CSRF token of the "Push to Mailjet" form
    )


# --- downloads ---------------------------------------------------------------------------


@bp.get("/campaigns/<int:campaign_id>/export/plan.csv")
def export_plan_csv(campaign_id: int) -> Response:
    """The plan CSV (?delimiter=comma|semicolon&bom=0|1): one row per touchpoint × targeted segment it reaches."""
    campaign = plan_or_404(campaign_id)
    options = plan_csv.CsvOptions.from_args(request.args)
    return download(plan_csv.plan_csv(campaign, options), "text/csv; charset=utf-8", f"{_slug(campaign)}-plan.csv")


@bp.get("/campaigns/<int:campaign_id>/export/campaign.json")
def export_campaign_json(campaign_id: int) -> Response:
    """The whole campaign as a versioned document that POST /api/campaigns/import reads back."""
    campaign = plan_or_404(campaign_id)
    return download(documents.export_json(campaign), "application/json", f"{_slug(campaign)}-campaign.json")


def download(body: bytes, mimetype: str, filename: str) -> Response:
    """An export as a file download, never cached: an export is the campaign as it is now."""
    response = Response(body, content_type=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    response.headers["Cache-Control"] = "no-store"
    return response


def _slug(campaign: Campaign) -> str:
    """A file name from the campaign's name: ASCII letters, digits and hyphens."""
    ascii_name = unicodedata.normalize("NFKD", campaign.name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
    return slug or f"campaign-{campaign.id}"


# --- importing a campaign document -------------------------------------------------------


class ImportForm(ServiceForm):
    document = FileField(
        "Campaign file",
        validators=[FileRequired("Choose a campaign file (.json) to import.")],
        description="A campaign.json downloaded from a campaign's export page, here or on another Journeymail.",
    )


@bp.route("/campaigns/import", methods=["GET", "POST"])
def import_campaign() -> Page:
    """Upload a campaign document; it becomes a new campaign, or nothing is written and the page says why."""
    form = ImportForm()
    problems: dict[str, str] = {}
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            imported = documents.import_document(documents.parse_file(form.document.data.read()))
        except documents.UnreadableFile as error:
            form.document.errors = [str(error)]
            status = 400
        except ServiceError as error:
            db.session.rollback()
            form.show(error)
            problems, status = error.fields, error.status
        else:
            db.session.commit()
            campaign = imported.campaign
            count = len(campaign.touchpoints)
            flash(f'Imported "{campaign.name}" with {count} touchpoint{"" if count == 1 else "s"}.', "success")
            for note in imported.notes:
                flash(note, "info")
            return redirect(url_for("campaigns.journey_map", campaign_id=campaign.id))
    return render_template("campaigns/import.html", form=form, problems=problems), status
