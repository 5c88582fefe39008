"""Export pages and downloads: the export overview, the plan CSV, the campaign JSON, and importing one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Response, current_app, flash, jsonify, make_response, redirect, render_template, request, stream_with_context, url_for
from flask_babel import format_decimal, gettext as _, ngettext
from flask_wtf import FlaskForm
from werkzeug.exceptions import NotFound

from accounts import audit, current
from campaigns.cells import plan_or_404
from campaigns.models import Campaign, Touchpoint
from contacts import export as contacts_export
from emails.checks import UNFINISHED, is_ready, is_unfinished
from journeymail.forms import carried_out, show_refusal
from journeymail.http import error_response, wants_json
from journeymail.spreadsheet import csv_bytes
from journeymail.text import slugify
from jobs.models import Job
from journeymail.extensions import db
from journeymail import chromium
from segments.models import Segment

from . import audience, documents, map_file, plan_csv
from .forms import ImportForm
from . import esp
from .brevo import bundle as brevo
from .mailjet import bundle as mailjet
from .push_job import KIND as PUSH_KIND, Refused as PushRefused, parse_inputs, start_push

Page = Any

# --- the export page ---------------------------------------------------------------------


def export_page(campaign_id: int) -> Page:
    """The formats to download, and the checks that block a clean export or deserve a look: unfinished emails
    first (each is named), then the other errors, then the warnings."""
    campaign = plan_or_404(campaign_id)
    current.require("read")
    emails = [row for row in plan_csv.plan_rows(campaign) if row.content is not None]
    unfinished = [row for row in emails if is_unfinished(row.checks)]
    return render_template(
        "exports/export.html",
        campaign=campaign,
        emails=emails,
        not_ready=[row for row in emails if not is_ready(row.checks)],
        unfinished=unfinished,
        unfinished_emails=_by_touchpoint(unfinished),
        with_errors=[row for row in emails if any(c.severity == "error" and c.code != UNFINISHED for c in row.checks)],
        with_warnings=[row for row in emails if row.counts["warning"]],
        unfinished_code=UNFINISHED,
        columns=plan_csv.COLUMNS,
        mailjet_readiness=mailjet.mailjet_readiness(campaign),
        mailjet_filters=mailjet.filter_notes(campaign),
        brevo_readiness=brevo.readiness(campaign),
        brevo_key_set=bool(current_app.config.get("BREVO_API_KEY")),
        push_form=FlaskForm(),  # the CSRF token of the "Push to Mailjet" form
        last_pushes=_last_pushes(campaign),
        audience=contacts_export.audience_counts(current.workspace_id(), [s.id for s in campaign.segments]),
        reasons=_reason_names(),
    )


def _reason_names() -> dict[str, str]:
    """Why a contact is left out of the contacts CSV, in the reader's language."""
    return {"unsubscribed": _("unsubscribed"), "bounced": _("bounced"), "complained": _("complained (marked as spam)"),
            "no_consent": _("no consent on record")}


def _last_pushes(campaign: Campaign) -> dict[str, Job]:
    """The newest push job of the campaign to each ESP, by the ESP's key (one query)."""
    found: dict[str, Job] = {}
    query = current.scoped(Job).filter_by(kind=PUSH_KIND, campaign_id=campaign.id).order_by(Job.id.desc()).limit(20)
    for job in db.session.scalars(query):
        found.setdefault(str((job.params or {}).get("esp")), job)
    return found


def _by_touchpoint(rows: list[plan_csv.PlanRow]) -> list[tuple[Touchpoint, list[Segment]]]:
    """The touchpoints of these rows in send order, each with the segments it has a row for."""
    found: dict[int, tuple[Touchpoint, list[Segment]]] = {}
    for row in rows:
        found.setdefault(row.touchpoint.id, (row.touchpoint, []))[1].append(row.segment)
    return list(found.values())


# --- downloads ---------------------------------------------------------------------------


def export_plan_csv(campaign_id: int) -> Response:
    """The plan CSV (?delimiter=comma|semicolon&bom=0|1): one row per touchpoint × targeted segment it reaches."""
    campaign = plan_or_404(campaign_id)
    current.require("download")
    options = plan_csv.CsvOptions.from_args(request.args)
    audit.record("exported", "campaign", campaign.id, campaign.name, file="plan.csv")
    return download(plan_csv.plan_csv(campaign, options), "text/csv; charset=utf-8", f"{_slug(campaign)}-plan.csv")


def export_campaign_json(campaign_id: int) -> Response:
    """The whole campaign as a versioned document that POST /api/campaigns/import reads back."""
    campaign = plan_or_404(campaign_id)
    current.require("download")
    audit.record("exported", "campaign", campaign.id, campaign.name, file="campaign.json")
    return download(documents.export_json(campaign), "application/json", f"{_slug(campaign)}-campaign.json")


def export_map_pdf(campaign_id: int) -> Page:
    """The journey map as a PDF: A4 landscape, the phases in parts of a page each, the emotion curve, the
    segments' lanes and the sequence, in the reader's language."""
    return _map_download(campaign_id, "pdf")


def export_map_png(campaign_id: int) -> Page:
    """The journey map as a PNG: the whole map as the screen shows it, at twice its CSS pixels."""
    return _map_download(campaign_id, "png")


def _map_download(campaign_id: int, kind: map_file.Format) -> Page:
    campaign = plan_or_404(campaign_id)
    current.require("download")
    try:
        body = map_file.map_file(campaign, kind)
    except chromium.Unavailable as unavailable:
        current_app.logger.warning("map.%s of campaign %s: %s", kind, campaign.id, unavailable.__cause__ or unavailable)
        response = make_response(error_response(503, unavailable.message))
        response.headers["Retry-After"] = "10"
        return response
    audit.record("exported", "campaign", campaign.id, campaign.name, file=f"map.{kind}")
    return download(body, map_file.MIMETYPES[kind], map_file.filename(campaign, kind))


def download(body: bytes | Iterable[bytes], mimetype: str, filename: str) -> Response:
    """An export as a file download (bytes, or chunks to stream), never cached: an export is the campaign
    as it is now."""
    response = Response(body, content_type=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    response.headers["Cache-Control"] = "no-store"
    return response


def _slug(campaign: Campaign) -> str:
    """A file name from the campaign's name: ASCII letters, digits and hyphens."""
    return slugify(campaign.name, f"campaign-{campaign.id}")


# --- importing a campaign document -------------------------------------------------------


def import_campaign() -> Page:
    """Upload a campaign document; it becomes a new campaign, or nothing is written and the page says why."""
    current.require("edit_plan")
    form = ImportForm()

    def page(status: int, problems: dict[str, str] | None = None) -> Page:
        return render_template("exports/import.html", form=form, problems=problems or {}, limits=_import_limits()), status

    if not form.validate_on_submit():
        return page(422 if request.method == "POST" else 200)
    try:
        document = documents.parse_file(form.document.data.read())
    except documents.UnreadableFile as error:
        form.document.errors = [str(error)]
        return page(400)
    imported = show_refusal(form, lambda: documents.import_document(document))
    if imported is None:
        return page(form.refusal.status, form.refusal.fields)
    campaign = imported.campaign
    flash(ngettext('Imported "%(name)s" with %(num)d touchpoint.', 'Imported "%(name)s" with %(num)d touchpoints.',
                   len(campaign.touchpoints), name=campaign.name), "success")
    for note in imported.notes:
        flash(note, "info")
    return redirect(url_for("campaigns.journey_map", campaign_id=campaign.id))


def _import_limits() -> dict[str, str]:
    """The import page's limits as numbers in the page's language (1,000 / 1.000)."""
    config = current_app.config
    return {
        "size": format_decimal(config["IMPORT_MAX_BYTES"] // 1048576),
        "phases": format_decimal(config["MAX_PHASES_PER_CAMPAIGN"]),
        "touchpoints": format_decimal(config["MAX_TOUCHPOINTS_PER_CAMPAIGN"]),
        "segments": format_decimal(config["MAX_SEGMENTS_PER_CAMPAIGN"]),
        "variants": format_decimal(config["MAX_VARIANTS_PER_CAMPAIGN"]),
    }


def duplicate_campaign(campaign_id: int) -> Page:
    """Copy a campaign (the button on its map) and open the copy."""
    campaign = plan_or_404(campaign_id)
    current.require("edit_plan")
    copies = []
    if not carried_out(lambda: copies.append(documents.duplicate_campaign(campaign))):
        return redirect(url_for("campaigns.journey_map", campaign_id=campaign_id))
    copy = copies[0].campaign
    flash(_('Duplicated "%(name)s" as "%(copy)s", with %(phases)s, %(touchpoints)s and %(segments)s.',
            name=campaign.name, copy=copy.name,
            phases=ngettext("%(num)d phase", "%(num)d phases", len(copy.phases)),
            touchpoints=ngettext("%(num)d touchpoint", "%(num)d touchpoints", len(copy.touchpoints)),
            segments=ngettext("%(num)d targeted segment", "%(num)d targeted segments", len(copy.segments))),
          "success")
    return redirect(url_for("campaigns.journey_map", campaign_id=copy.id))


# --- Mailjet: the bundle, the contacts CSV header, and the push ----------------------------


def export_mailjet(campaign_id: int) -> Page:
    """The Mailjet bundle as a download; 422 listing every failing email when it cannot be exported whole."""
    campaign = plan_or_404(campaign_id)
    current.require("download")
    try:
        bundle = mailjet.build_bundle(campaign)
    except mailjet.BundleRefused as refused:
        return _refused(campaign, refused)
    audit.record("exported", "campaign", campaign.id, campaign.name, file="mailjet.json")
    # Streamed, a request at a time: the bundle of a large campaign is never held as one string. The
    # chunks are plain data, so the request's session may end (and its commit expire the models) first.
    return download(mailjet.bundle_chunks(bundle), "application/json", mailjet.bundle_filename(campaign))


def export_contacts_template(campaign_id: int) -> Page:
    """The header row of the contacts CSV that Mailjet's import expects for the bundle's properties."""
    campaign = plan_or_404(campaign_id)
    current.require("download")
    body = csv_bytes([mailjet.contacts_header(campaign)], quote_all=True)
    audit.record("exported", "campaign", campaign.id, campaign.name, file="contacts-template.csv")
    filename = mailjet.bundle_filename(campaign).replace("-mailjet.json", "-contacts.csv")
    return download(body, "text/csv; charset=utf-8", filename)

def export_contacts_csv(campaign_id: int) -> Response:
    """The campaign's audience in Mailjet's contact import format: the targeted segments' contacts who may be
    mailed, with their segment's slug, their journey phase and the bundle's properties, streamed."""
    campaign = plan_or_404(campaign_id)
    current.require("download")
    segment_ids = [s.id for s in campaign.segments]
    properties = mailjet.properties(campaign)
    filename = mailjet.bundle_filename(campaign).replace("-mailjet.json", "-contacts.csv")
    audit.record("exported", "campaign", campaign.id, campaign.name, file="contacts.csv")
    return _contacts_download(segment_ids, filename, campaign_id=campaign.id, properties=properties)


def export_segment_contacts_csv(segment_id: int) -> Response:
    """One segment's contacts in Mailjet's contact import format (its typed properties as columns), streamed."""
    segment = current.get_or_404(Segment, segment_id)
    current.require("download")
    audit.record("exported", "segment", segment.id, segment.name, file="contacts.csv")
    return _contacts_download([segment.id], f"{slugify(segment.name, f'segment-{segment.id}')}-contacts.csv")


def _contacts_download(segment_ids: list[int], filename: str, **options: Any) -> Response:
    """The contacts CSV as a streamed download; the left-out counts (in SQL) in X-Journeymail-Left-Out."""
    workspace_id = current.workspace_id()
    prepared = contacts_export.prepare(workspace_id, segment_ids, **options)  # the query, built in the request
    counts = contacts_export.left_out(workspace_id, segment_ids)

    def body() -> Iterable[bytes]:
        for chunk in prepared.chunks():
            yield chunk.encode("utf-8")

    response = download(stream_with_context(body()), "text/csv; charset=utf-8", filename)
    response.headers["X-Journeymail-Left-Out"] = contacts_export.left_out_header(counts)
    response.headers["X-Journeymail-Left-Out-Total"] = str(sum(counts.values()))
    return response


def push(campaign_id: int, esp_key: str) -> Page:
    """Start pushing the campaign to an ESP in the background and show the job's page (the CSRF token is
    checked before this runs). What can be checked without the ESP is checked here, with a message on the
    export page; what the ESP refuses, the job's page says."""
    campaign = plan_or_404(campaign_id)
    try:
        adapter = esp.adapter(esp_key)
    except KeyError:
        raise NotFound() from None
    current.require("push")
    try:
        job = start_push(campaign, adapter, parse_inputs(adapter, request.form),
                         contacts=audience.wants_contacts(request.form))
    except PushRefused as refused:
        flash(refused.message, "error")
        return redirect(_export_page(campaign))
    return redirect(url_for("jobs.job_page", job_id=job.id))


# --- Brevo: the bundle ------------------------------------------------------------------------


def export_brevo(campaign_id: int) -> Page:
    """The Brevo bundle as a download; 422 listing every problem when it cannot be exported whole."""
    campaign = plan_or_404(campaign_id)
    current.require("download")
    try:
        bundle = brevo.build_bundle(campaign)
    except brevo.BundleRefused as refused:
        return _refused(campaign, refused, "Brevo")
    if audience.wants_contacts(request.args):  # ?contacts=1: a contacts import per segment's list, inline
        bundle = audience.with_brevo_contacts(bundle, campaign)
    audit.record("exported", "campaign", campaign.id, campaign.name, file="brevo.json")
    return download(brevo.bundle_chunks(bundle), "application/json", brevo.bundle_filename(campaign))


def _export_page(campaign: Campaign) -> str:
    return url_for("exports.export_page", campaign_id=campaign.id)


def _refused(campaign: Campaign, refused: mailjet.BundleRefused, esp: str = "Mailjet") -> Page:
    """422: an HTML page listing the problems, or the API's error document when the client asks for JSON."""
    if wants_json():
        fields: dict[str, str] = {}
        for problem in refused.problems:
            key = _field_of(problem)
            fields[key] = f"{fields[key]} {problem}" if key in fields else str(problem)
        message = refused.message + " " + " ".join(f"{p}." for p in refused.problems)
        return jsonify(error={"message": message, "fields": fields}), 422
    return render_template("exports/refused.html", campaign=campaign, refused=refused, esp=esp,
                           export_url=_export_page(campaign)), 422


def _field_of(problem: mailjet.Problem) -> str:
    if problem.touchpoint is not None and problem.segment is not None:
        return f"touchpoints.{problem.touchpoint.id}.segments.{problem.segment.id}"
    return problem.field_name or "campaign"
