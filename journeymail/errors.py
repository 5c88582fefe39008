"""Error handling: JSON error documents for the API, friendly pages for people. Never a bare 500.

The handlers only answer; the request's transaction is rolled back by the hook in journeymail.http,
which rolls back every response with an error status (a write that lost a race is rolled back before
its page is rendered, as the page may read the database: journeymail.http.race_response).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from .http import LOST_RACE, error_response, lost_race, race_response, wants_json
from .text import number
from .validation import ServiceError

MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Sign in first."),
    403: _l("Your role in this workspace does not allow this. Ask an owner of the workspace."),
    404: _l("There is nothing at this address. It may have been deleted."),
    405: _l("This address does not accept that method."),
    409: _l("That change clashes with existing data."),
    413: _l("The request is too large."),
    415: _l("Send the request body as JSON (Content-Type: application/json)."),
    422: _l("Some fields are invalid."),
    500: _l("Something went wrong on our side. Nothing was saved; please try again."),
}
UNTRUSTED_HOST = _l("This server does not answer to that host name (see TRUSTED_HOSTS).")


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError) -> tuple[Any, int]:
        return error_response(error.status, error.message, error.fields)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[Any, int]:
        return error_response(
            400, _("The form was sent without a valid security token. Reload the page and send it again.")
        )

    def lost_race_error(error: Exception) -> tuple[Any, int] | Response:
        # Another request changed the same data between our read and our write (409), or held the
        # database longer than we wait (503): a flush or a query failed, never a 500.
        status = lost_race(error)
        if status is None:
            return unexpected_error(error)
        return race_response(status)

    for kind in LOST_RACE:
        app.register_error_handler(kind, lost_race_error)

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError) -> tuple[Any, int] | Response:
        # A Host not in TRUSTED_HOSTS. No page: links on it would be built for that host, and cannot be.
        if wants_json():
            return error_response(400, str(UNTRUSTED_HOST))
        return Response(str(UNTRUSTED_HOST), 400, mimetype="text/plain")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Any, int] | Response:
        status = error.code or 500
        message = str(MESSAGES.get(status, error.description or ""))
        if status == 413:
            limit = app.config["MAX_CONTENT_LENGTH"] // 1024
            message = _("The request is larger than the %(limit)s KB this server accepts.", limit=number(limit))
        elif status in (400, 401, 403, 404, 429) and getattr(error, "description", None) and error.description not in (
            type(error).description,
        ):
            message = error.description  # a specific message set where the error was raised
        return error_response(status, message)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[Any, int]:
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(500, str(MESSAGES[500]))
