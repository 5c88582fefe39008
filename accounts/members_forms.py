"""HTML forms of the members page, the invitation link and the audit log's filters; the services validate."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from journeymail.forms import ServiceForm

from .roles import ROLE_DESCRIPTIONS, ROLE_NAMES, ROLES
from .services import MIN_PASSWORD_LENGTH

# Choices as SelectChoice: WTForms 3.3 deprecates (value, label) tuples.
ROLE_CHOICES = [SelectChoice(role, ROLE_NAMES[role]) for role in reversed(ROLES)]


def _roles_described() -> str:
    return " ".join(f"{ROLE_NAMES[r]}: {ROLE_DESCRIPTIONS[r]}" for r in reversed(ROLES))


class InviteForm(ServiceForm):
    email = EmailField(_l("Email address"), description=_l("The invitation link goes to this address."))
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default="editor", validate_choice=False,
                       description=LazyString(_roles_described))


class JoinForm(ServiceForm):
    name = StringField(_l("Your name"), description=_l("As your colleagues will see it, e.g. Maya Berger."))
    password = PasswordField(_l("Choose a password"),
                             description=_l("At least %(count)s characters.", count=MIN_PASSWORD_LENGTH))


class AuditFilterForm(ServiceForm):
    """The audit log's filters, sent by GET (no CSRF token: it changes nothing)."""

    class Meta:
        csrf = False

    user = SelectField(_l("Who"), validate_choice=False)
    action = SelectField(_l("What they did"), validate_choice=False)
    kind = SelectField(_l("Kind of thing"), validate_choice=False)
    since = StringField(_l("From (UTC)"), render_kw={"type": "date", "placeholder": "2026-01-31"})
    until = StringField(_l("To (UTC)"), render_kw={"type": "date", "placeholder": "2026-01-31"})
