"""The editor's forms: the base email, and one segment's variant of it."""

from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired

from journeymail.forms import ServiceForm


def _unix_newlines(text: str | None) -> str | None:
    """Browsers post a textarea's lines with CRLF; store them as the API does, with LF."""
    return text.replace("\r\n", "\n") if text else text


class VariantForm(ServiceForm):
    """A segment's version of the email: an empty field inherits the base email's."""

    subject = StringField("Subject")
    preheader = StringField("Preheader", description="The preview text an inbox shows after the subject.")
    mjml = TextAreaField("Email body (MJML)", filters=[_unix_newlines])


class BaseEmailForm(VariantForm):
    """The base email every segment gets unless it has a variant."""

    # The API answers an empty body with the kind's starter email; in the editor that would silently
    # throw away what the writer sees, so an emptied body is refused here instead.
    mjml = TextAreaField(
        "Email body (MJML)",
        filters=[_unix_newlines],
        validators=[DataRequired("The email body is empty. Write the email in MJML, starting with <mjml>.")],
    )
    text_override = TextAreaField(
        "Plain-text part",
        filters=[_unix_newlines],
        description="Leave empty to derive it from the email. Merge tags work here too.",
    )
