"""HTML pages of the contacts: the list, and the import in three steps (upload, preview and map, report)."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf import FlaskForm

from accounts import current
from journeymail.forms import carried_out
from journeymail.http import discard_changes
from journeymail.spreadsheet import csv_bytes
from journeymail.validation import ValidationError

from . import importing, services
from .forms import UploadForm
from .jobs import runs_in_background, start_import
from .mapping import DELIMITER_NAMES, FIELD_NAMES, FIELDS, STATUS_NAMES, TYPE_NAMES, guess_mapping
from .models import POLICIES, PROPERTY_TYPES, STATUSES, ContactImport
from .reading import DELIMITERS, ENCODINGS, UnreadableFile, read_csv

Page = Any


def list_contacts() -> Page:
    """The workspace's contacts: search by the start of an address or name, filter by status, in pages."""
    current.require("read")
    q, status = request.args.get("q", "")[:300], request.args.get("status", "")
    segment = request.args.get("segment", "")[:20]
    try:
        found = services.search_contacts(q, status, request.args.get("page", "1"), request.args.get("per_page", "50"),
                                         segment=segment or None)
    except ValidationError as error:
        flash(error.message, "error")
        segment = ""
        found = services.search_contacts(q, "")
    with_rules = services.segments_with_rules()
    return render_template("contacts/list.html", found=found, q=q, status=status if status in STATUSES else "",
                           statuses=STATUSES, status_names=STATUS_NAMES, imports=services.recent_imports(5),
                           segments=with_rules, segment=next((s.id for s in with_rules if str(s.id) == segment), None))


def upload() -> Page:
    """Step 1: the file. It is read once to be sure it is a CSV file, then kept for step 2."""
    current.require("import_contacts")
    form = UploadForm()
    if form.validate_on_submit():
        with form.file.data.stream:  # a large file is spooled to disk: closed once read
            data = form.file.data.read()
        try:
            read_csv(data)
        except UnreadableFile as error:
            form.file.errors = [str(error)]
            return render_template("contacts/upload.html", form=form), 422
        token = services.keep_upload(data, form.file.data.filename or "")
        return redirect(url_for("contacts.preview", upload=token, source=form.source.data or None))
    return render_template("contacts/upload.html", form=form), 422 if request.method == "POST" else 200


def preview() -> Page:
    """Step 2: the first rows as read, the encoding and delimiter to change, the mapping, the policy; Import
    (a file of more than CONTACTS_IMPORT_JOB_ROWS rows is imported by a job: off to the job's page)."""
    current.require("import_contacts")
    values = request.form if request.method == "POST" else request.args
    token = values.get("upload", "")
    kept = services.kept_upload(token)
    if kept is None:
        flash(_("That upload is no longer here (files are kept for a day, until they are imported). Upload the "
                "file again."), "error")
        return redirect(url_for("contacts.upload"))
    data, file_name = kept
    encoding, delimiter = values.get("encoding", ""), values.get("delimiter", "")
    delimiter = "\t" if delimiter == "tab" else delimiter
    source = values.get("source", "")[:100]
    form = FlaskForm()
    context: dict[str, Any] = {
        "form": form, "upload": token, "file_name": file_name, "source": source, "encoding": encoding,
        "delimiter": delimiter, "encodings": ENCODINGS, "delimiters": DELIMITERS, "delimiter_names": DELIMITER_NAMES, "fields": FIELDS,
        "field_names": FIELD_NAMES, "types": PROPERTY_TYPES, "type_names": TYPE_NAMES, "policies": POLICIES,
        "policy": values.get("policy", ""), "problems": {}, "csv": None,
    }
    try:
        csv_file = read_csv(data, encoding=encoding or None, delimiter=delimiter or None)
    except UnreadableFile as error:
        context["unreadable"] = str(error)
        return render_template("contacts/preview.html", **context), 422 if request.method == "POST" else 200
    saved = services.saved_mapping(csv_file.header, source)
    context.update(csv=csv_file, saved=saved is not None,
                   mapping=saved or guess_mapping(csv_file.header, csv_file.rows))
    if request.method == "GET" or request.form.get("step") == "reread":
        return render_template("contacts/preview.html", **context)
    if not form.validate_on_submit():
        context["problems"] = {"csrf_token": _("The form was sent without a valid security token. Reload the page "
                                               "and send it again.")}
        return render_template("contacts/preview.html", **context), 400
    mapping = mapping_from_form(csv_file.header)
    context["mapping"] = mapping
    try:
        if runs_in_background(csv_file):
            job = start_import(token, csv_file, policy=request.form.get("policy"), mapping=mapping,
                               file_name=file_name, source=source)
        else:
            report = importing.import_file(data, policy=request.form.get("policy"), file_name=file_name,
                                           encoding=encoding or None, delimiter=delimiter or None, mapping=mapping,
                                           source=source)
    except ValidationError as error:
        discard_changes()
        context["problems"] = error.fields
        return render_template("contacts/preview.html", **context), 422
    if runs_in_background(csv_file):  # the job deletes the kept file once its import is saved
        flash(ngettext("The import of %(num)s row runs in the background. You may leave this page; the import "
                       "report is linked here when it is done.",
                       "The import of %(num)s rows runs in the background. You may leave this page; the import "
                       "report is linked here when it is done.", len(csv_file.rows)), "success")
        return redirect(url_for("jobs.job_page", job_id=job.id))
    services.drop_upload(token)
    flash(_("Imported: %(added)s added, %(updated)s updated, %(skipped)s skipped, %(rejected)s rejected.",
            added=report.added, updated=report.updated, skipped=report.skipped, rejected=len(report.rejected)),
          "success")
    return redirect(url_for("contacts.import_report", import_id=report.import_id))


def mapping_from_form(header: list[str]) -> dict[str, Any]:
    """The mapping the preview's selects describe: per column `target-N`, and for a property `property-N`,
    `type-N`, `comma-N`."""
    mapping: dict[str, Any] = {}
    for place, column in enumerate(header):
        target = request.form.get(f"target-{place}", "")
        if target == "property":
            mapping[column] = {"property": request.form.get(f"property-{place}", "").strip(),
                               "type": request.form.get(f"type-{place}", "string"),
                               "comma": request.form.get(f"comma-{place}") == "1"}
        else:
            mapping[column] = target or None
    return mapping


def import_report(import_id: int) -> Page:
    """Step 3: what an import did, its rejected rows, and Undo."""
    record = current.get_or_404(ContactImport, import_id)
    current.require("read")
    return render_template("contacts/report.html", record=record, form=FlaskForm(),
                           shown=record.rejected_rows[:200], field_names=FIELD_NAMES)


def rejected_csv(import_id: int) -> Response:
    """The rows an import did not take, with their lines and reasons, as a spreadsheet opens them safely."""
    record = current.get_or_404(ContactImport, import_id)
    current.require("download")
    rows = [[_("Line"), _("Email address"), _("Reason")], *record.rejected_rows]
    return Response(csv_bytes(rows, bom=True), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="import-{record.id}-rejected.csv"'})


def undo(import_id: int) -> Page:
    """Undo an import: the contacts it added are removed, those it updated get their values back."""
    record = current.get_or_404(ContactImport, import_id)
    current.require("import_contacts")
    if FlaskForm().validate_on_submit() and carried_out(lambda: importing.undo_import(record)):
        flash(ngettext("The import is undone: %(num)s contact removed, the updated ones restored.",
                       "The import is undone: %(num)s contacts removed, the updated ones restored.",
                       record.added), "success")
    return redirect(url_for("contacts.import_report", import_id=import_id))
