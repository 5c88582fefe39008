"""Sign in, sign out, switch workspace; the account page (password, API tokens); password resets."""

from __future__ import annotations

import logging
from typing import Any

from flask import abort, current_app, flash, g, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from journeymail import mailer
from journeymail.i18n import language
from journeymail.forms import carried_out, status_of, submit
from journeymail.extensions import db
from journeymail.http import MAX_ID, discard_changes, local_url
from journeymail.validation import NotFound, ServiceError

from . import current, limits, services
from .access import public, workspaces_of
from .forms import (ChangePasswordForm, ForgotPasswordForm, LanguageForm, MemberResetForm, NewPasswordForm, SignInForm,
                    TokenForm)
from .models import User
from .roles import ROLE_NAMES, role_in_sentence

log = logging.getLogger(__name__)

Page = Any
WRONG = _l("That email address and password do not match an account. Check both and try again.")


@public
@limits.sign_in  # failed sign-ins per address and per IP: 429 beyond SIGN_IN_LIMIT_PER_*
def login() -> Page:
    form = SignInForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            target = local_url(form.next.data, url_for("campaigns.list_campaigns"))
            session.clear()  # nothing from before signing in carries over
            login_user(user)
            if user.memberships:
                chosen = user.membership_in(user.last_workspace_id) or user.memberships[0]
                session["workspace_id"] = chosen.workspace_id
            return redirect(target)
        form.problem = str(WRONG)
        form.password.errors = [str(WRONG)]
        return render_template("accounts/login.html", form=form), 401
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/login.html", form=form), status


def logout() -> Page:
    form = FlaskForm()
    if form.validate_on_submit():
        logout_user()
        session.clear()
        flash(_("You are signed out."), "success")
    return redirect(url_for("accounts.login"))


def switch_workspace() -> Page:
    """The header's workspace menu: work in another workspace the user belongs to."""
    form = FlaskForm()
    user = g.acting_user
    target = local_url(request.form.get("next"), url_for("campaigns.list_campaigns"))
    if form.validate_on_submit() and user is not None:
        wanted = request.form.get("workspace_id", "")
        membership = user.membership_in(int(wanted)) if wanted.isdigit() and len(wanted) < 10 else None
        if membership is None:
            flash(_("You are not a member of that workspace."), "error")
        else:
            session["workspace_id"] = membership.workspace_id
            user.last_workspace_id = membership.workspace_id
            flash(_("You are working in %(workspace)s.", workspace=membership.workspace.name), "success")
            # The page one was on belongs to the old workspace; its list is the safe place to land.
            target = url_for("campaigns.list_campaigns")
    return redirect(target)


# --- the account page: who one is, one's password and API tokens -----------------------------


def account() -> Page:
    """The signed-in user's name, address, workspaces and roles; change password; API tokens."""
    current.require("own_tokens")
    return _account_page()


def _account_page(password_form: ChangePasswordForm | None = None, token_form: TokenForm | None = None) -> Page:
    user = _me()
    token_form = token_form or TokenForm(formdata=None)
    token_form.workspace_id.choices = [SelectChoice(str(space.id), space.name) for space in workspaces_of(user)]
    if token_form.workspace_id.data is None and g.get("workspace_id") is not None:
        token_form.workspace_id.data = str(g.workspace_id)
    if token_form.role.data is None and g.get("role"):
        token_form.role.data = g.role
    forms = (password_form, token_form)
    status = max((status_of(form) for form in forms if form is not None), default=200)
    memberships = sorted(user.memberships, key=lambda m: m.workspace.name.casefold())
    language_form = LanguageForm(formdata=None, language=language())
    return render_template(
        "accounts/account.html", user=user, memberships=memberships, role_names=ROLE_NAMES,
        password_form=password_form or ChangePasswordForm(formdata=None), token_form=token_form,
        language_form=language_form, tokens=services.tokens_of(user), expired=services.token_is_expired,
    ), status


def change_password() -> Page:
    """A new password ends the user's other sessions; this one stays signed in with the new key."""
    current.require("own_tokens")
    user = _me()
    form = ChangePasswordForm()
    done = submit(form, lambda values: services.change_password(
        user, values["current_password"], values["new_password"], values["new_password_again"]) or True)
    if not done:
        return _account_page(password_form=form)
    # The session's user ID holds the new session key. The user itself, not the current_user proxy: a proxy
    # kept as the signed-in user would point at itself for the rest of the request (the language asks it).
    login_user(getattr(user, "_get_current_object", lambda: user)())
    flash(_("Your password is changed. You were signed out everywhere else."), "success")
    return redirect(url_for("accounts.account"))


def create_token() -> Page:
    """Create a token and show its secret on this page, once; it is never shown again."""
    current.require("own_tokens")
    user = _me()
    form = TokenForm()
    made = submit(form, lambda values: services.create_own_token(user, values))
    if made is None:
        return _account_page(token_form=form)
    token, secret = made
    response = make_response(render_template("accounts/token_created.html", token=token, secret=secret,
                                              role_names=ROLE_NAMES, role_in_sentence=role_in_sentence), 201)
    response.headers["Cache-Control"] = "no-store"  # the secret stays out of every cache
    return response


def revoke_token(token_id: int) -> Page:
    current.require("own_tokens")
    token = services.own_token(_me(), token_id)
    if token is None:
        abort(404)
    if FlaskForm().validate_on_submit() and carried_out(lambda: services.revoke_token(token)):
        flash(_("The token “%(name)s” is revoked; scripts using it get 401 from now on.", name=token.name), "success")
    return redirect(url_for("accounts.account", _anchor="tokens"))


def _me() -> User:
    user = current.user()
    if user is None:
        abort(401)
    return user


# --- password reset by email --------------------------------------------------------------------

SENT = _l("If the address has an account, we sent a link to it. It works once, within an hour.")


@public
def forgot_password() -> Page:
    """Ask for a reset link. The answer is the same whether or not the address has an account."""
    form = ForgotPasswordForm()
    if not mailer.smtp_configured(current_app.config):
        return render_template("accounts/forgot.html", form=form, smtp=False)
    if form.validate_on_submit():
        try:
            email = services.normal_email(form.email.data)
        except ServiceError as error:
            form.show(error)
            return render_template("accounts/forgot.html", form=form, smtp=True), 422
        user = services.user_by_email(email)
        if user is not None:
            _send_reset_link(user)
        return render_template("accounts/forgot.html", form=form, smtp=True, sent=SENT)
    return render_template("accounts/forgot.html", form=form, smtp=True), 400 if form.is_submitted() else 200


def _send_reset_link(user: User) -> None:
    secret = services.start_password_reset(user)
    link = url_for("accounts.reset_password", secret=secret, _external=True)
    sender = current_app.config.get("MAIL_FROM") or f"journeymail@{request.host.partition(':')[0]}"
    try:
        mailer.send(services.reset_email(user, link, sender), current_app.config)
    except mailer.MailerError as error:  # the same answer still: it must not tell who has an account
        log.warning("The password reset link for user %s could not be sent: %s", user.id, error.message)


@public
def reset_password(secret: str) -> Page:
    """The link from the email (or from an owner): choose a new password; every session of the user ends."""
    reset = services.reset_for(secret)
    if reset is None:
        return render_template("accounts/reset_gone.html"), 410
    form = NewPasswordForm()
    done = submit(form, lambda values: services.finish_password_reset(
        reset, values["new_password"], values["new_password_again"]))
    if done is None:
        response = make_response(render_template("accounts/reset.html", form=form, user=reset.user), status_of(form))
        response.headers["Cache-Control"] = "no-store"
        return response
    logout_user()
    session.clear()
    flash(_("Your new password is set. Sign in with it."), "success")
    return redirect(url_for("accounts.login"))


# --- an owner resets a member's password ----------------------------------------------------------


def _member_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id) if user_id <= MAX_ID else None
    if user is None:
        abort(404)
    return user


def reset_member_password(user_id: int) -> Page:
    """A temporary password or a reset link for a member, shown once to the owner to hand over."""
    if current.workspace().id not in {m.workspace_id for m in _member_or_404(user_id).memberships}:
        abort(404)
    current.require("manage_members")
    owner = _me()
    form = MemberResetForm()
    back = local_url(request.form.get("next"), url_for("accounts.account"))
    if not form.validate_on_submit():
        flash(_("The form had expired. Try again."), "error")
        return redirect(back)
    try:
        member, secret = services.reset_member_password(owner, current.workspace(), user_id, form.how.data)
    except NotFound:
        abort(404)
    except ServiceError as error:
        discard_changes()
        flash(" ".join(error.fields.values()) or error.message, "error")
        return redirect(back)
    link = url_for("accounts.reset_password", secret=secret, _external=True) if form.how.data == "link" else None
    response = make_response(render_template(
        "accounts/member_reset.html", member=member, password=None if link else secret, link=link,
        minutes=int(services.RESET_LINK_LIFETIME.total_seconds() // 60), back=back))
    response.headers["Cache-Control"] = "no-store"
    return response
