"""HTML forms of accounts; the services validate what they send."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, RadioField, SelectChoice, SelectField, StringField

from journeymail.forms import ServiceForm
from journeymail.i18n import LANGUAGES

from .roles import ROLE_NAMES, ROLES


class SignInForm(ServiceForm):
    email = EmailField(_l("Email address"))
    password = PasswordField(_l("Password"))
    next = HiddenField()


class ChangePasswordForm(ServiceForm):
    current_password = PasswordField(_l("Current password"))
    new_password = PasswordField(_l("New password"), description=_l("At least 10 characters."))
    new_password_again = PasswordField(_l("New password, again"))


class TokenForm(ServiceForm):
    """A new API token. The choices are offered, not enforced here: the service decides (and says why)."""

    name = StringField(_l("Name"), description=_l("Where the token is used, e.g. Nightly export."))
    workspace_id = SelectField(_l("Workspace"), validate_choice=False)
    role = SelectField(_l("Role"), choices=[SelectChoice(role, ROLE_NAMES[role]) for role in reversed(ROLES)],
                       validate_choice=False, description=_l("No higher than your role in that workspace."))
    expires_in_days = StringField(_l("Expires after (days)"),
                                  description=_l("Leave empty for a token that does not expire."))


class LanguageForm(ServiceForm):
    """The account page's language setting. It posts to the header switch's URL (journeymail.i18n), which keeps
    the choice on the user."""

    language = RadioField(_l("Language"), choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()],
                          validate_choice=False,
                          description=_l("Journeymail shows its pages in this language, and the invitations you "
                                         "send go out in it."))


class ForgotPasswordForm(ServiceForm):
    email = EmailField(_l("Email address"))


class NewPasswordForm(ServiceForm):
    new_password = PasswordField(_l("New password"), description=_l("At least 10 characters."))
    new_password_again = PasswordField(_l("New password, again"))


class MemberResetForm(ServiceForm):
    how = RadioField(_l("How"), choices=[SelectChoice("password", _l("A temporary password")),
                                         SelectChoice("link", _l("A reset link"))],
                     default="password", validate_choice=False)

