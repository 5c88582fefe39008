"""Checks incoming documents (API JSON or form data) field by field, collecting every problem.

Services call `clean()` before they change anything, so a request with one bad field
writes nothing and the user learns about every bad field at once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from emails.merge_tags import MergeTagError, check_merge_tags
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from .addresses import InvalidAddress, check_address
from .i18n import say
from .http import MAX_ID, UnreadableJSON, read_json
from .text import number


class ServiceError(Exception):
    """A request the service refuses; carries the HTTP status the API answers with."""

    status = 400

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationError(ServiceError):
    """One or more fields are invalid (422)."""

    status = 422

    def __init__(self, fields: dict[str, str], message: str | None = None):
        if message is None:
            message = next(iter(fields.values())) if len(fields) == 1 else _("Please correct the marked fields.")
        super().__init__(message, fields)


class NotFound(ServiceError):
    """Something the request names does not exist (404)."""

    status = 404


class Conflict(ServiceError):
    """The change clashes with existing data, e.g. a duplicate name (409)."""

    status = 409


class Invalid(ValueError):
    """Raised by a field parser; the message is shown to the user as is."""


def unstorable(text: str) -> str | None:
    """Why a database cannot store this text (PostgreSQL refuses NUL, no driver encodes a lone surrogate)."""
    if "\x00" in text:
        return "must not contain NUL characters"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains broken Unicode (a lone surrogate)"
    return None


@dataclass(frozen=True)
class Text:
    max_length: int
    required: bool = False
    nullable: bool = False  # empty optional text becomes None instead of ""
    multiline: bool = True
    # Multi-line text kept exactly as sent, not stripped: an email body, whose line numbers in
    # messages must be the ones the author sees, and which must come back as it was saved.
    verbatim: bool = False

    def parse(self, value: Any, from_form: bool) -> str | None:
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise Invalid(_("Must be text."))
        if problem := unstorable(value):
            raise Invalid(_("Must not contain NUL characters.") if "NUL" in problem
                          else _("Contains broken Unicode (a lone surrogate)."))
        if not (self.verbatim and self.multiline) or not value.strip():
            value = value.strip()
        if not self.multiline and ("\n" in value or "\r" in value):
            raise Invalid(_("Must be a single line."))
        if not value:
            if self.required:
                raise Invalid(_("This field is required."))
            return None if self.nullable else ""
        if len(value) > self.max_length:
            raise Invalid(ngettext("At most %(count)s character (this has %(length)s).",
                                   "At most %(count)s characters (this has %(length)s).",
                                   self.max_length, count=number(self.max_length), length=number(len(value))))
        return value


@dataclass(frozen=True)
class MergeText(Text):
    """Text that may hold merge tags; anything but the three allowed forms is refused with its line."""

    verbatim: bool = True  # "Line N" counts the author's lines, leading blank ones included

    def parse(self, value: Any, from_form: bool) -> str | None:
        text = super().parse(value, from_form)
        if text:
            try:
                check_merge_tags(text)
            except MergeTagError as error:
                raise Invalid(say(error.located)) from None
        return text


@dataclass(frozen=True)
class Integer:
    minimum: int
    maximum: int
    default: int | None = None
    required: bool = True  # when False and there is no default, a missing value is None

    def parse(self, value: Any, from_form: bool) -> int | None:
        if value is None or (from_form and isinstance(value, str) and not value.strip()):
            if self.default is not None or not self.required:
                return self.default
            raise Invalid(_("This field is required."))
        if from_form and isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(_("Must be a whole number."))
        if not self.minimum <= value <= self.maximum:
            raise Invalid(_("Must be between %(minimum)s and %(maximum)s.",
                            minimum=number(self.minimum), maximum=number(self.maximum)))
        return value


@dataclass(frozen=True)
class Pattern:
    """Single-line text that must match a regular expression, e.g. a locale like en_US."""

    regex: str
    example: str
    default: str

    def parse(self, value: Any, from_form: bool) -> str:
        text = Text(40, multiline=False).parse(value, from_form)
        if not text:
            return self.default
        if not re.fullmatch(self.regex, text):
            raise Invalid(_("Use the form %(example)s.", example=self.example))
        return text


@dataclass(frozen=True)
class Email:
    required: bool = False

    def parse(self, value: Any, from_form: bool) -> str | None:
        text = Text(254, required=self.required, nullable=True, multiline=False).parse(value, from_form)
        if text is None:
            return None
        return address(text)


def address(text: str) -> str:
    """One address as a field holds it, normalised; Invalid names the reason (deliverability per configuration)."""
    try:
        return check_address(text, deliverability=current_app.config["EMAIL_CHECK_DELIVERABILITY"]).normalized
    except InvalidAddress as error:
        raise Invalid(_("Not a valid email address: %(reason)s", reason=str(error))) from None


@dataclass(frozen=True)
class Choice:
    choices: Callable[[], Mapping[str, Any]]  # a callable, so the choices can live in another module
    required: bool = True

    def parse(self, value: Any, from_form: bool) -> str | None:
        if value in (None, "") and not self.required:
            return None
        options = self.choices()
        if not isinstance(value, str) or value not in options:
            raise Invalid(_("Choose one of: %(choices)s.", choices=", ".join(options)))
        return value


@dataclass(frozen=True)
class JSONObject:
    """A flat JSON object of merge-tag values: keys are tag names, values are text or numbers."""

    max_keys: int = 50

    def parse(self, value: Any, from_form: bool) -> dict[str, Any]:
        if value is None or value == "":
            return {}
        if isinstance(value, str):  # the text of a form field, or a string in a JSON body
            try:
                value = read_json(value)
            except UnreadableJSON as error:
                if error.kind != "syntax":
                    raise Invalid(str(error)) from None
                raise Invalid(error.reason[:1].upper() + error.reason[1:] + ".") from None  # "Line 2, column 5: ..."
        if not isinstance(value, dict):
            raise Invalid(_('Sample data must be an object of names and values, e.g. {"firstname": "Ada"}.'))
        if len(value) > self.max_keys:
            raise Invalid(ngettext("At most %(count)s value.", "At most %(count)s values.", self.max_keys,
                                   count=number(self.max_keys)))
        for key, item in value.items():
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,39}", key):
                raise Invalid(_('"%(key)s" is not a merge-tag name: use letters, digits and _, starting with a letter or _.',
                                key=key))
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                raise Invalid(_('The value of "%(key)s" must be text or a number.', key=key))
            if isinstance(item, float) and not math.isfinite(item):  # NaN is not JSON; PostgreSQL refuses it
                raise Invalid(_('The value of "%(key)s" must be text or a number.', key=key))
            if isinstance(item, str) and len(item) > 500:
                raise Invalid(_('The value of "%(key)s" is longer than %(count)s characters.', key=key, count=number(500)))
            if isinstance(item, str) and (problem := unstorable(item)):
                raise Invalid(_('The value of "%(key)s" must not contain NUL characters.', key=key) if "NUL" in problem
                              else _('The value of "%(key)s" contains broken Unicode (a lone surrogate).', key=key))
        return value


@dataclass(frozen=True)
class IdList:
    required: bool = True
    max_items: int = 1000  # bounds the SQL IN list (PostgreSQL takes at most 65535 parameters)

    def parse(self, value: Any, from_form: bool) -> list[int]:
        if value is None and not self.required:
            return []
        if not isinstance(value, list) or any(
            isinstance(i, bool) or not isinstance(i, int) or not 1 <= i <= MAX_ID for i in value
        ):
            raise Invalid(_("Must be a list of IDs (whole numbers from 1 to %(maximum)s).", maximum=number(MAX_ID)))
        ids = list(dict.fromkeys(value))
        if len(ids) > self.max_items:
            raise Invalid(ngettext("At most %(count)s ID.", "At most %(count)s IDs.", self.max_items,
                                   count=number(self.max_items)))
        return ids


Spec = Mapping[str, Any]


def clean(data: Any, spec: Spec, *, partial: bool = False, from_form: bool = False) -> dict[str, Any]:
    """Return the checked values of `data` per `spec`, or raise ValidationError naming every bad field.

    With `partial` (PATCH) only the fields present are checked and returned.
    """
    if not isinstance(data, Mapping):
        raise ServiceError(_("The request body must be a JSON object."))
    errors: dict[str, str] = {}
    for key in data:
        if key not in spec:
            errors[str(key)] = _("Unknown field.")
    values: dict[str, Any] = {}
    for name, parser in spec.items():
        if partial and name not in data:
            continue
        try:
            values[name] = parser.parse(data.get(name), from_form)
        except Invalid as error:
            errors[name] = str(error)
    if errors:
        raise ValidationError(errors)
    return values
