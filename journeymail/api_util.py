"""Small helpers shared by the JSON API handlers of every blueprint."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from flask import request
from werkzeug.exceptions import BadRequest, UnsupportedMediaType


def json_body() -> Any:
    """The request's JSON document: 415 when it is not JSON, 400 when it does not parse."""
    if not request.is_json:
        raise UnsupportedMediaType()
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # json.loads gives up on very deep nesting with this, not ValueError
        raise BadRequest("The request body is nested too deeply.") from None
    if data is None:
        raise BadRequest("The request body is not valid JSON.")
    return data


def iso(value: datetime | None) -> str | None:
    """A datetime as ISO 8601 UTC with a Z, as the API promises; SQLite hands back naive UTC."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.isoformat(timespec="seconds") + "Z"
