"""HTML forms of accounts; the services validate what they send."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, RadioField, SelectChoice, SelectField, StringField

from journeymail.forms import ServiceForm

from .roles import ROLE_NAMES, ROLES


class SignInForm(ServiceForm):
    email = EmailField(_l("Email address"))
    password = PasswordField(_l("Password"))
    next = HiddenField()


class ChangePasswordForm(ServiceForm):
    current_password = PasswordField("Current password")
    new_password = PasswordField("New password", description="At least 10 characters.")
    new_password_again = PasswordField("New password, again")


class TokenForm(ServiceForm):
    """A new API token. The choices are offered, not enforced here: the service decides (and says why)."""

    name = StringField("Name", description="Where the token is used, e.g. Nightly export.")
    workspace_id = SelectField("Workspace", validate_choice=False)
    role = SelectField("Role", choices=[SelectChoice(role, ROLE_NAMES[role]) for role in reversed(ROLES)], validate_choice=False,
                       description="No higher than your role in that workspace.")
    expires_in_days = StringField("Expires after (days)", description="Leave empty for a token that does not expire.")


class ForgotPasswordForm(ServiceForm):
    email = EmailField("Email address")


class NewPasswordForm(ServiceForm):
    new_password = PasswordField("New password", description="At least 10 characters.")
    new_password_again = PasswordField("New password, again")


class MemberResetForm(ServiceForm):
    how = RadioField("How", choices=[SelectChoice("password", "A temporary password"), SelectChoice("link", "A reset link")],
                     default="password", validate_choice=False)

