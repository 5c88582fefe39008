"""What every HTML form shares: CSRF (Flask-WTF), and showing the service's verdict beside each field.

Validation itself lives in the services, so a form and the API can never disagree about what is valid.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash
from flask_wtf import FlaskForm

from .http import discard_changes
from .validation import ServiceError

T = TypeVar("T")


class ServiceForm(FlaskForm):
    """A form whose values go to a service function; the service's field errors come back here."""

    def values(self) -> dict[str, Any]:
        return {name: field.data for name, field in self._fields.items() if name not in ("csrf_token", "submit")}

    def show(self, error: ServiceError) -> None:
        self.refusal = error
        self.problem = error.message
        for name, message in error.fields.items():
            field = self._fields.get(name)
            if field is not None:
                field.errors = [*field.errors, message]

    problem: str | None = None
    refusal: ServiceError | None = None


def submit(form: ServiceForm, action: Callable[[dict[str, Any]], T]) -> T | None:
    """On a valid POST, run `action` with the form's values; else None, with the errors on the form.

    The request commits when it succeeds (journeymail.http); a refused action is rolled back.
    """
    if not form.validate_on_submit():
        return None
    return show_refusal(form, lambda: action(form.values()))


def show_refusal(form: ServiceForm, action: Callable[[], T]) -> T | None:
    """Run `action`; when the service refuses, put its errors on the form, roll the request back and
    return None (the refusal stays on `form.refusal`)."""
    try:
        return action()
    except ServiceError as error:
        discard_changes()
        form.show(error)
        return None


def status_of(form: ServiceForm) -> int:
    """422 when a posted form is shown again with errors, so scripts and tests can tell."""
    return 422 if form.errors or form.problem else 200


def carried_out(action: Callable[[], object]) -> bool:
    """Run `action` and say whether it was carried out. When the service refuses, flash what it said
    (its field messages, else its message) and roll the request back. For buttons that redirect."""
    try:
        action()
    except ServiceError as error:
        discard_changes()
        flash(" ".join(error.fields.values()) or error.message, "error")
        return False
    return True
