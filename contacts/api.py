"""JSON API of the contacts: the list, and the import of a CSV file (multipart)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _

from accounts import current
from journeymail.http import UnreadableJSON, read_json
from journeymail.validation import ValidationError

from . import importing, services


def list_contacts() -> Any:
    current.require("read")
    found = services.search_contacts(request.args.get("q", "")[:300], request.args.get("status", ""),
                                     request.args.get("page", "1"), request.args.get("per_page", "50"))
    return jsonify(items=[services.contact_dict(c) for c in found.items], total=found.total, page=found.page,
                   per_page=found.per_page)


def import_contacts() -> tuple[Any, int]:
    """multipart: file, policy (skip|update), and optionally encoding, delimiter (, ; tab), mapping (JSON), source.
    201 when contacts were added, else 200; the report either way."""
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
    with upload.stream:  # a large file is spooled to disk: closed once read
        data = upload.read()
    report = importing.import_file(
        data, policy=request.form.get("policy"), file_name=upload.filename or "",
        encoding=request.form.get("encoding") or None, delimiter="\t" if delimiter == "tab" else delimiter,
        mapping=mapping, source=request.form.get("source", "")[:100])
    return jsonify(report.as_dict()), 201 if report.added else 200
