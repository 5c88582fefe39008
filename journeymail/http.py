"""What every request shares: the JSON body, IDs from URLs and forms, error documents, and the one commit.

One rule each:
- a request body is read as JSON by `json_body` (text and files by `read_json`);
- an ID from a URL, a query string or a form is read by `id_arg` (ASCII digits only; one beyond
  any row's ID is a 404, never a database error);
- an error is a JSON document when `wants_json()` says so, else an HTML page;
- a request that succeeded is committed once, by the hook `register` installs; every other one is
  rolled back. Views, API handlers and services never commit or roll back: services flush, and a
  view that refuses a change after something was flushed calls `discard_changes()`.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, jsonify, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError
from werkzeug.exceptions import BadRequest, NotFound, UnsupportedMediaType
from werkzeug.routing import IntegerConverter

from .extensions import db
from .text import with_article

MAX_ID = 2**31 - 1  # the largest value of an INTEGER primary key; PostgreSQL errors beyond it


def N_(text: str) -> str:
    """Marks a message for the catalog (pybabel extracts N_) and leaves it English; translate it with _() where shown."""
    return text


CLASH = N_("That change clashes with data saved meanwhile. Reload and try again.")
BUSY = N_("The database is busy with other changes. Nothing was saved; please try again in a moment.")
RETRY_AFTER_SECONDS = 2


# --- JSON ------------------------------------------------------------------------------------


class UnreadableJSON(ValueError):
    """Text that is not a JSON document. `kind` is "encoding", "syntax" or "depth"; `reason` says where it breaks."""

    def __init__(self, kind: str, reason: str):
        super().__init__(_("Not valid JSON: %(reason)s.", reason=reason))
        self.kind = kind
        self.reason = reason


def read_json(text: str | bytes) -> Any:
    """A JSON document from text or bytes (UTF-8, a BOM allowed); UnreadableJSON says what is wrong.

    The one JSON reader for request bodies, uploaded files, form fields and bundles given to commands.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UnreadableJSON("encoding", _("not UTF-8 text")) from None
    try:
        return json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as error:
        where = _("line %(line)s, column %(column)s", line=error.lineno, column=error.colno)
        raise UnreadableJSON("syntax", f"{where}: {json_mistake(error)}") from None
    except RecursionError:  # what json.loads raises for very deep nesting, not ValueError
        raise UnreadableJSON("depth", _("nested too deeply")) from None


def json_mistake(error: json.JSONDecodeError) -> str:
    """What the JSON parser expected, in words a person fixes text by ("expected a comma or }")."""
    message, text, at = error.msg, error.doc, error.pos
    if message == "Expecting ',' delimiter":
        return _("expected a comma or %(closing)s", closing=_closing(text, at))
    if message.startswith("Illegal trailing comma"):
        return _("a comma before %(closing)s has nothing after it: remove it", closing=_closing(text, at + 1))
    if message == "Expecting value":
        if not text[at:].strip():
            return _("the text ends where a value should follow")
        return _("expected a value: text in double quotes, a number, true, false, null, {…} or […]")
    if message == "Expecting property name enclosed in double quotes":
        return _('expected a name in double quotes, e.g. "firstname" (JSON allows no single quotes or trailing commas)')
    if message == "Expecting ':' delimiter":
        return _("expected a colon between the name and its value")
    if message.startswith("Unterminated string"):
        return _("a text in double quotes is not closed")
    if message.startswith("Invalid control character"):
        return _(r"a line break or tab inside double quotes: write it as \n or \t")
    if message.startswith("Invalid \\"):
        return _(r'a backslash that starts no escape: write \\ for a backslash, \" for a double quote')
    if message == "Extra data":
        return _("more text after the end of the document")
    return message[:1].lower() + message[1:]  # a message of Python's json module, in English


def _closing(text: str, at: int) -> str:
    """The bracket that closes the object or list open at `at`: "}" or "]"."""
    open_brackets: list[str] = []
    in_string = escaped = False
    for char in text[:at]:
        if in_string:
            escaped, in_string = (not escaped and char == "\\"), in_string and (escaped or char != '"')
        elif char == '"':
            in_string = True
        elif char in "{[":
            open_brackets.append(char)
        elif char in "}]" and open_brackets:
            open_brackets.pop()
    return "]" if open_brackets and open_brackets[-1] == "[" else "}"


def json_body() -> Any:
    """The request's JSON document: 415 when it is not JSON, 400 when it does not parse."""
    if not request.is_json:
        raise UnsupportedMediaType()
    try:
        data = read_json(request.get_data(cache=True))
    except UnreadableJSON as error:
        if error.kind == "depth":
            raise BadRequest(_("The request body is nested too deeply.")) from None
        data = None
    if data is None:  # JSON's null is no request either
        raise BadRequest(_("The request body is not valid JSON."))
    return data


def iso(value: datetime | None) -> str | None:
    """A datetime as ISO 8601 UTC with a Z, as the API promises; SQLite hands back naive UTC."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.isoformat(timespec="seconds") + "Z"


# --- IDs -------------------------------------------------------------------------------------

_DIGITS = re.compile(r"[0-9]+")  # ASCII only: str.isdigit() also takes '²' and '١٢'


def parse_id(value: Any, *, maximum: int = MAX_ID) -> int | None:
    """A positive whole number written in ASCII digits, else None. It may be beyond `maximum` (a row's
    largest ID): then it names nothing, and callers answer 404 before the database sees it."""
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value) if len(value) <= len(str(maximum)) else maximum + 1  # never int() a thousand digits
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        return None
    return number if number >= 1 else None


def id_arg(name: str, value: str | None, *, required: bool, purpose: str = "") -> int | None:
    """The ID a query string names (?segment=12): a 422 naming the field when it is missing or not an ID,
    a 404 when it is beyond any row's ID. `purpose` ends the hint: "to preview"."""
    from .validation import ValidationError

    if value in (None, ""):
        if required:
            if purpose:  # German names the parameter and leaves the (English) purpose out
                raise ValidationError({name: _("Name the %(name)s %(purpose)s, e.g. ?%(name)s=12.",
                                               name=name, purpose=purpose)})
            raise ValidationError({name: _("Name the %(name)s, e.g. ?%(name)s=12.", name=name)})
        return None
    number = parse_id(value)
    if number is None:
        quoted = f"„{value}“" if str(get_locale()) == "de" else repr(value)  # German quotes, as German writes them
        raise ValidationError({name: _("%(value)s is not %(article)s %(name)s ID.", value=quoted,
                                       article=with_article(name).split(" ")[0], name=name)})
    if number > MAX_ID:
        raise NotFound(_("There is no %(name)s with ID %(value)s.", name=name, value=value))
    return number


class IdConverter(IntegerConverter):
    """Row IDs in URLs. A number beyond an INTEGER column names no row, so it becomes 0, which no row has
    either: the lookup answers 404 instead of the database failing on the parameter."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= MAX_ID else 0


def local_url(target: str | None, fallback: str) -> str:
    """`target` when it is a path on this site, else `fallback`: a form's `next` never leads elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    if any(ord(char) < 32 or ord(char) == 127 for char in target):  # browsers drop tabs and newlines: "/\t/evil"
        return fallback
    parts = urlsplit(target)
    return fallback if parts.scheme or parts.netloc else target


# --- errors ----------------------------------------------------------------------------------


def wants_json() -> bool:
    """Errors are JSON for the API, and for a client that prefers JSON to HTML (scripts downloading exports)."""
    if request.path.startswith("/api/"):
        return True
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def error_response(status: int, message: str, fields: dict[str, str] | None = None) -> tuple[Any, int]:
    """The API's error document, or an HTML error page, by `wants_json()`."""
    if wants_json():
        return jsonify(error={"message": message, "fields": fields or {}}), status
    return render_template("error.html", status=status, message=message), status


# --- one commit per request ------------------------------------------------------------------


# What a write that lost a race raises: the other request changed or deleted the rows meanwhile (a unique
# constraint refuses, an UPDATE or DELETE finds its row gone, PostgreSQL gives up on a serialization or
# a deadlock), or SQLite's write lock stayed taken longer than the busy timeout.
LOST_RACE = (IntegrityError, StaleDataError, ObjectDeletedError, OperationalError)
_CLASH_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected
_BUSY_SQLSTATES = {"55P03"}  # lock_not_available (lock_timeout)


def lost_race(error: BaseException) -> int | None:
    """409 for a write that clashed with another request, 503 for a database too busy to take it, None for
    any other error (a bug, which stays a 500)."""
    if isinstance(error, (IntegrityError, StaleDataError, ObjectDeletedError)):
        return 409
    if isinstance(error, OperationalError) and isinstance(error, DBAPIError):
        sqlstate = getattr(error.orig, "sqlstate", None)
        if sqlstate in _CLASH_SQLSTATES:
            return 409
        if sqlstate in _BUSY_SQLSTATES or "database is locked" in str(error.orig):
            return 503
    return None


def race_response(status: int) -> Response:
    """The answer to a write that lost a race (409) or found the database busy (503, with Retry-After);
    the transaction is rolled back first, so the error page may read the database again."""
    abandon_transaction()
    body, code = error_response(status, _(CLASH if status == 409 else BUSY))
    response = current_app.make_response((body, code))
    if status == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def abandon_transaction() -> None:
    """Roll the request's transaction back now: after a failed flush the session takes no more queries
    until it is, and an error page may still read (e.g. the layout)."""
    db.session.rollback()


def discard_changes() -> None:
    """Roll this request back at its end even though it answers with success (e.g. a redirect that
    flashes why a change was refused)."""
    g.discard_changes = True


def register(app: Flask) -> None:
    """Install the ID converter and the hook that commits a request that succeeded and rolls back the rest."""
    app.url_map.converters["int"] = IdConverter

    @app.after_request
    def commit_or_roll_back(response: Response) -> Response:
        # Popped, not read: an app context held around several requests (the tests hold one) shares its g.
        if g.pop("discard_changes", False) or response.status_code >= 400:
            db.session.rollback()
            return response
        try:
            db.session.commit()
        except LOST_RACE as error:  # another request changed the same data between our check and our write
            status = lost_race(error)
            if status is None:
                raise
            return race_response(status)
        return response

    @app.teardown_request
    def end_session(_error: BaseException | None) -> None:
        db.session.remove()  # each request has a session of its own; see extensions.session_scope
