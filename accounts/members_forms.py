"""HTML forms of the members page, the invitation link and the audit log's filters; the services validate."""

from __future__ import annotations

from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from journeymail.forms import ServiceForm

from .roles import ROLE_DESCRIPTIONS, ROLE_NAMES, ROLES
from .services import MIN_PASSWORD_LENGTH

# Choices as SelectChoice: WTForms 3.3 deprecates (value, label) tuples.
ROLE_CHOICES = [SelectChoice(role, ROLE_NAMES[role]) for role in reversed(ROLES)]


class InviteForm(ServiceForm):
    email = EmailField("Email address", description="The invitation link goes to this address.")
    role = SelectField("Role", choices=ROLE_CHOICES, default="editor", validate_choice=False,
                       description=" ".join(f"{ROLE_NAMES[r]}: {ROLE_DESCRIPTIONS[r]}" for r in reversed(ROLES)))


class JoinForm(ServiceForm):
    name = StringField("Your name", description="As your colleagues will see it, e.g. Maya Berger.")
    password = PasswordField("Choose a password", description=f"At least {MIN_PASSWORD_LENGTH} characters.")


class AuditFilterForm(ServiceForm):
    """The audit log's filters, sent by GET (no CSRF token: it changes nothing)."""

    class Meta:
        csrf = False

    user = SelectField("Who", validate_choice=False)
    action = SelectField("What they did", validate_choice=False)
    kind = SelectField("Kind of thing", validate_choice=False)
    since = StringField("From (UTC)", render_kw={"type": "date", "placeholder": "2026-01-31"})
    until = StringField("To (UTC)", render_kw={"type": "date", "placeholder": "2026-01-31"})
