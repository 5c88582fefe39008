"""The members page (owners): members and their roles, invitations; and the invitation link anyone opens."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user
from flask_wtf import FlaskForm

from journeymail.forms import status_of, submit
from journeymail.http import discard_changes
from journeymail.validation import ServiceError

from . import current, members, services
from .access import public
from .invitation_mail import email_invitation, smtp_configured
from .members_forms import ROLE_CHOICES, InviteForm, JoinForm
from .models import Invitation, Membership, utcnow
from .roles import ROLE_NAMES, may, role_in_sentence

Page = Any


def _page(form: InviteForm, status: int = 200, *, problem: str | None = None, link: str | None = None,
          mail_problem: str | None = None) -> Page:
    space = current.workspace()
    return render_template(
        "accounts/members.html", workspace=space, members=members.members_of(space),
        invitations=members.pending_invitations(space), form=form, role_choices=ROLE_CHOICES,
        role_names=ROLE_NAMES, problem=problem, new_link=link, mail_problem=mail_problem,
        emailed=link is not None and mail_problem is None and smtp_configured(), now=utcnow(),
        me=current.user(),
    ), status


def members_page() -> Page:
    """Every member with their role, the pending invitations, and the form to invite someone."""
    current.require("manage_members")
    return _page(InviteForm(formdata=None))


def invite() -> Page:
    """Invite an address with a role: the link is emailed when SMTP is set up, and shown once to copy."""
    current.require("manage_members")
    form = InviteForm()
    created = submit(form, lambda values: members.invite(current.workspace(), current.user(), values))
    if created is None:
        status = form.refusal.status if form.refusal is not None else status_of(form)
        return _page(form, status)
    link = url_for("accounts.invitation", secret=created.secret, _external=True)
    mail_problem = email_invitation(created.invitation, link)
    flash(_("%(email)s is invited as %(role)s.", email=created.invitation.email,
            role=role_in_sentence(created.invitation.role)), "success")
    return _page(InviteForm(formdata=None), link=link, mail_problem=mail_problem)


def _refused_or_back(action: Any, membership_or_none: Membership | None = None) -> Page:
    """Run a button's service call: on success back to the members page (or, for an owner who gave up
    owning, to the campaigns); a refusal is the page again with its message and status (409), unchanged."""
    if not FlaskForm().validate_on_submit():
        return _page(InviteForm(formdata=None), 400, problem=_("The form has expired. Reload the page and try again."))
    try:
        message = action()
    except ServiceError as error:
        discard_changes()
        return _page(InviteForm(formdata=None), error.status, problem=error.message)
    flash(message, "success")
    me = current.user()
    if membership_or_none is not None and me is not None and membership_or_none.user_id == me.id:
        still = me.membership_in(current.workspace_id())
        if still is None or not may(still.role, "manage_members"):
            return redirect(url_for("campaigns.list_campaigns"))
    return redirect(url_for("accounts.members_page"))


def change_role(membership_id: int) -> Page:
    """Give a member another role (the select beside their name)."""
    membership = current.get_or_404(Membership, membership_id)  # another workspace's: 404 first
    current.require("manage_members")

    def change() -> str:
        members.change_role(membership, request.form.get("role"))
        return _("%(name)s is now %(role)s.", name=membership.user.name, role=role_in_sentence(membership.role))

    return _refused_or_back(change, membership)


def remove_member(membership_id: int) -> Page:
    """Take a member out of the workspace: their access ends at once."""
    membership = current.get_or_404(Membership, membership_id)  # another workspace's: 404 first
    current.require("manage_members")
    name = membership.user.name

    def remove() -> str:
        members.remove_member(membership)
        return _("%(name)s is no longer a member of %(workspace)s; their API tokens for it are revoked.",
                 name=name, workspace=current.workspace().name)

    return _refused_or_back(remove, membership)


def withdraw_invitation(invitation_id: int) -> Page:
    """Withdraw a pending invitation: its link stops working."""
    invitation = current.get_or_404(Invitation, invitation_id)  # another workspace's: 404 first
    current.require("manage_members")
    if invitation.accepted_at is not None:
        abort(404)
    email = invitation.email

    def withdraw() -> str:
        members.withdraw(invitation)
        return _("The invitation for %(email)s is withdrawn; its link no longer works.", email=email)

    return _refused_or_back(withdraw)


# --- the invitation link -------------------------------------------------------------------------


@public
def invitation(secret: str) -> Page:
    """What an invitation link shows: the workspace and role; a new person chooses a name and password, an
    existing user signs in and accepts."""
    try:
        found = members.invitation_for(secret, lock=request.method == "POST")
    except ServiceError as error:
        return render_template("accounts/invitation_invalid.html", message=error.message,
                               status=error.status), error.status
    user = g.get("acting_user")
    if user is not None:
        return _accept_signed_in(found, user)
    if services.user_by_email(found.email) is not None:
        return _show(found, "sign_in", JoinForm(formdata=None))
    form = JoinForm()
    joined = submit(form, lambda values: members.join_as_new_user(found, values))
    if joined is None:
        status = form.refusal.status if form.refusal is not None else status_of(form)
        return _show(found, "join", form, status if request.method == "POST" else 200)
    session.clear()  # nothing from before signing in carries over
    login_user(joined)
    return _welcome(found)


def _accept_signed_in(found: Invitation, user: Any) -> Page:
    form = JoinForm(formdata=None)
    if request.method != "POST":
        return _show(found, "accept", form)
    if not FlaskForm().validate_on_submit():
        form.problem = _("The form has expired. Reload the page and try again.")
        return _show(found, "accept", form, 400)
    try:
        members.accept(found, user)
    except ServiceError as error:
        discard_changes()
        form.problem = error.message
        return _show(found, "accept", form, error.status)
    return _welcome(found)


def _welcome(found: Invitation) -> Page:
    session["workspace_id"] = found.workspace_id
    flash(_("Welcome to %(workspace)s. You are %(role)s here.", workspace=found.workspace.name,
            role=role_in_sentence(found.role)), "success")
    return redirect(url_for("campaigns.list_campaigns"))


def _show(found: Invitation, mode: str, form: JoinForm, status: int = 200) -> Page:
    return render_template(
        "accounts/invitation.html", invitation=found, mode=mode, form=form, role_names=ROLE_NAMES,
        signed_in_as=g.get("acting_user"),
        sign_in_url=url_for("accounts.login", next=request.path),
    ), status
