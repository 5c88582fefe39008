"""Sign in, sign out, and switch workspace."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm

from journeymail.http import local_url

from . import limits, services
from .access import public
from .forms import SignInForm

Page = Any
WRONG = "That email address and password do not match an account. Check both and try again."


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
        form.problem = WRONG
        form.password.errors = [WRONG]
        return render_template("accounts/login.html", form=form), 401
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/login.html", form=form), status


def logout() -> Page:
    form = FlaskForm()
    if form.validate_on_submit():
        logout_user()
        session.clear()
        flash("You are signed out.", "success")
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
            flash("You are not a member of that workspace.", "error")
        else:
            session["workspace_id"] = membership.workspace_id
            user.last_workspace_id = membership.workspace_id
            flash(f"You are working in {membership.workspace.name}.", "success")
            # The page one was on belongs to the old workspace; its list is the safe place to land.
            target = url_for("campaigns.list_campaigns")
    return redirect(target)
