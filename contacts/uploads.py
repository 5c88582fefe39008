"""Contact lists as they arrive: up to CONTACTS_IMPORT_MAX_BYTES, and a 413 that names that limit."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from journeymail.http import error_response

UPLOAD_ENDPOINTS = {"contacts.upload", "contacts_api.import_contacts"}


def max_bytes() -> int:
    return int(current_app.config["CONTACTS_IMPORT_MAX_BYTES"])


def allow_large_files(endpoint: str | None, _values: Any) -> None:
    """Runs before every before_request function, so before the CSRF check reads the form."""
    if endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = max_bytes()


def too_large(_error: RequestEntityTooLarge) -> Any:
    limit = request.max_content_length or current_app.config["MAX_CONTENT_LENGTH"]
    return error_response(413, _("The file is larger than the %(limit)s MB this server accepts for a contact list. "
                                 "Split it into smaller files and import them one after the other.",
                                 limit=max(1, limit // (1024 * 1024))))
