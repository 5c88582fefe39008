"""What every HTML form shares: CSRF (Flask-WTF), and showing the service's verdict beside each field.

Validation itself lives in the services, so a form and the API can never disagree about what is valid.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask_wtf import FlaskForm

from .extensions import db
from .validation import ServiceError

T = TypeVar("T")


class ServiceForm(FlaskForm):
    """A form whose values go to a service function; the service's field errors come back here."""

    def values(self) -> dict[str, Any]:
        return {name: field.data for name, field in self._fields.items() if name not in ("csrf_token", "submit")}

    def show(self, error: ServiceError) -> None:
        self.problem = error.message
        for name, message in error.fields.items():
            field = self._fields.get(name)
            if field is not None:
                field.errors = [*field.errors, message]

    problem: str | None = None


def submit(form: ServiceForm, action: Callable[[dict[str, Any]], T]) -> T | None:
    """On a valid POST, run `action` with the form's values and commit; else None (errors are on the form)."""
    if not form.validate_on_submit():
        return None
    try:
        result = action(form.values())
    except ServiceError as error:
        db.session.rollback()
        form.show(error)
        return None
    db.session.commit()
    return result


def status_of(form: ServiceForm) -> int:
    """422 when a posted form is shown again with errors, so scripts and tests can tell."""
    return 422 if form.errors or form.problem else 200
