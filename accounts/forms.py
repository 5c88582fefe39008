"""HTML forms of accounts; the services validate what they send."""

from __future__ import annotations

from wtforms import EmailField, HiddenField, PasswordField

from journeymail.forms import ServiceForm


class SignInForm(ServiceForm):
    email = EmailField("Email address")
    password = PasswordField("Password")
    next = HiddenField()
