"""JSON API of the contacts: the list, and the import of a CSV file (multipart)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for
from flask_babel import gettext as _

from accounts import current
from journeymail.http import UnreadableJSON, read_json
from journeymail.validation import ValidationError

from . import importing, services
from .jobs import runs_in_background, start_import
from .reading import UnreadableFile, read_csv


def list_contacts() -> Any:
    current.require("read")
    found = services.search_contacts(request.args.get("q", "")[:300], request.args.get("status", ""),
                                     request.args.get("page", "1"), request.args.get("per_page", "50"),
                                     request.args.get("segment"))
    return jsonify(items=[services.contact_dict(c) for c in found.items], total=found.total, page=found.page,
                   per_page=found.per_page)


def import_contacts() -> tuple[Any, int]:
    """multipart: file, policy (skip|update), and optionally encoding, delimiter (, ; tab), mapping (JSON), source.
    201 when contacts were added, else 200; the report either way. A file of more than CONTACTS_IMPORT_JOB_ROWS
    rows is imported by a job: 202 {"job_id"}, Location: the job (GET /api/jobs/<id>), once policy and mapping
    are checked."""
    current.require("import_contacts")
    upload = request.files.get("file")
    if upload is None:
        raise ValidationError({"file": _("Send the CSV file as the multipart field \"file\".")})
    mapping = None
    if request.form.get("mapping"):
        try:
            mapping = read_json(request.form["mapping"])
        except UnreadableJSON as error:
            raise ValidationError({"mapping": str(error)}) from None
    delimiter = request.form.get("delimiter") or None
    delimiter = "\t" if delimiter == "tab" else delimiter
    encoding, source = request.form.get("encoding") or None, request.form.get("source", "")[:100]
    file_name = upload.filename or ""
    with upload.stream:  # a large file is spooled to disk: closed once read
        data = upload.read()
    try:
        csv_file = read_csv(data, encoding=encoding, delimiter=delimiter)
    except UnreadableFile as error:
        raise ValidationError({"file": str(error)}) from None
    if runs_in_background(csv_file):
        token = services.keep_upload(data, file_name)  # for the job to read; deleted once its import is saved
        try:
            job = start_import(token, csv_file, policy=request.form.get("policy"), mapping=mapping,
                               file_name=file_name, source=source)
        except ValidationError:
            services.drop_upload(token)
            raise
        response = jsonify(job_id=job.id)
        response.headers["Location"] = url_for("jobs_api.get_job", job_id=job.id)
        return response, 202
    report = importing.import_file(data, policy=request.form.get("policy"), file_name=file_name, encoding=encoding,
                                   delimiter=delimiter, mapping=mapping, source=source)
    return jsonify(report.as_dict()), 201 if report.added else 200
