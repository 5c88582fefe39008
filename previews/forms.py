"""The editor's forms: the base email, and one segment's variant of it."""

from __future__ import annotations

from typing import Any

from wtforms import HiddenField, StringField, TextAreaField
from flask_babel import lazy_gettext as _l
from wtforms.validators import DataRequired

from journeymail.forms import ServiceForm

VARIANT_FIELDS = ("subject", "preheader", "mjml")  # what a variant may change; the rest is the base email's


def _unix_newlines(text: str | None) -> str | None:
    """Browsers post a textarea's lines with CRLF; store them as the API does, with LF."""
    return text.replace("\r\n", "\n") if text else text


class _InboxFields(ServiceForm):
    subject = StringField(_l("Subject"))
    preheader = StringField(_l("Preheader"), description=_l("The preview text an inbox shows after the subject."))


class VariantForm(_InboxFields):
    """A segment's version of the email: a field left as the base email's (or empty) follows the base."""

    mjml = TextAreaField(_l("Email body (MJML)"), filters=[_unix_newlines])
    # A fingerprint of the base email's field as the page showed it (previews.editor.fingerprint): a field
    # posted back as it was shown keeps following the base, even if the base was edited in the meantime.
    subject_base = HiddenField()
    preheader_base = HiddenField()
    mjml_base = HiddenField()

    def values(self) -> dict[str, Any]:
        return {name: self[name].data for name in VARIANT_FIELDS}


class BaseEmailForm(_InboxFields):
    """The base email every segment gets unless it has a variant."""

    # The API answers an empty body with the kind's starter email; in the editor that would silently
    # throw away what the writer sees, so an emptied body is refused here instead.
    mjml = TextAreaField(
        _l("Email body (MJML)"),
        filters=[_unix_newlines],
        validators=[DataRequired(_l("The email body is empty. Write the email in MJML, starting with <mjml>."))],
    )
    text_override = TextAreaField(
        _l("Plain-text part"),
        filters=[_unix_newlines],
        description=_l("Leave empty to derive it from the email. Merge tags work here too."),
    )
