"""Members of a workspace and invitations to join it: validate everything first, then change and flush.

A workspace always keeps an owner: no role change or removal may take away its last one. Removing a member
ends their access there at once: their tokens for it are revoked, and their session finds no membership.
An invitation is a link with a secret (only its digest is stored), for one address and role, used once,
expiring after INVITATION_DAYS.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import update

from journeymail.extensions import db
from journeymail.validation import Conflict, NotFound, ServiceError, ValidationError

from . import audit, current, services
from .models import ApiToken, Invitation, Membership, User, Workspace, aware, utcnow
from .roles import ROLE_NAMES, at_most



class Gone(ServiceError):
    """An invitation link that was used already or has expired (410)."""

    status = 410


def member_label(user: User) -> str:
    return f"{user.name} ({user.email})"


def members_of(workspace: Workspace) -> list[Membership]:
    """The workspace's members, by name."""
    query = (db.select(Membership).join(Membership.user).where(Membership.workspace_id == workspace.id)
             .order_by(db.func.lower(User.name), User.email))
    return list(db.session.scalars(query))


def pending_invitations(workspace: Workspace) -> list[Invitation]:
    """Invitations not accepted yet (expired ones too, to withdraw), newest first."""
    query = (db.select(Invitation).where(Invitation.workspace_id == workspace.id, Invitation.accepted_at.is_(None))
             .order_by(Invitation.created_at.desc(), Invitation.id.desc()))
    return list(db.session.scalars(query))


def _owners(workspace: Workspace) -> list[Membership]:
    """The owners' memberships, locked on PostgreSQL: two owners demoting each other at once cannot both win."""
    query = (db.select(Membership).where(Membership.workspace_id == workspace.id, Membership.role == "owner")
             .order_by(Membership.id).with_for_update())  # one order, so two requests cannot deadlock
    return list(db.session.scalars(query))


def _keeps_an_owner(membership: Membership, new_role: str | None) -> None:
    if membership.role != "owner" or new_role == "owner":
        return
    if [m.id for m in _owners(membership.workspace)] == [membership.id]:
        raise Conflict(_("%(name)s is the last owner of %(workspace)s, and a workspace needs an owner. Make another "
                         "member an owner first.", name=membership.user.name, workspace=membership.workspace.name),
                       {"role": _("A workspace needs at least one owner.")})


def change_role(membership: Membership, role: Any) -> Membership:
    """Give a member another role; refused (409) when it would leave the workspace without an owner."""
    role = services.check_role(role)
    if role == membership.role:
        return membership
    _keeps_an_owner(membership, role)
    before = membership.role
    membership.role = role
    _lower_tokens(membership)
    db.session.flush()
    audit.record("changed", "member", membership.user_id, member_label(membership.user), fields=["role"],
                 role_before=before, role=role)
    return membership


def _lower_tokens(membership: Membership) -> None:
    """A token never acts above its user's role (accounts.access); this makes the stored role say so too."""
    tokens = db.select(ApiToken).where(ApiToken.user_id == membership.user_id,
                                       ApiToken.workspace_id == membership.workspace_id)
    for token in db.session.scalars(tokens):
        if not at_most(token.role, membership.role):
            token.role = membership.role


def remove_member(membership: Membership) -> None:
    """Take a member out of the workspace, and revoke their tokens for it; refused for the last owner."""
    _keeps_an_owner(membership, None)
    user, workspace = membership.user, membership.workspace
    db.session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.workspace_id == workspace.id,
                               ApiToken.revoked_at.is_(None)).values(revoked_at=utcnow())
    )
    if user.last_workspace_id == workspace.id:
        user.last_workspace_id = None
    role = membership.role
    user.memberships.remove(membership)  # delete-orphan: the row goes, and the user's list says so at once
    db.session.flush()
    audit.record("deleted", "member", user.id, member_label(user), role=role)


# --- invitations ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    secret: str  # for the link: shown once, never stored


def invite(workspace: Workspace, invited_by: User | None, data: dict[str, Any]) -> NewInvitation:
    """Invite an address to the workspace with a role. Inviting an address again replaces its earlier
    invitation (whose link stops working); a member's address is refused."""
    errors: dict[str, str] = {}
    email = role = None
    try:
        email = services.normal_email(data.get("email"))
    except ValidationError as error:
        errors.update(error.fields)
    try:
        role = services.check_role(data.get("role"))
    except ValidationError as error:
        errors.update(error.fields)
    if errors:
        raise ValidationError(errors)
    existing = services.user_by_email(email)
    if existing is not None and existing.membership_in(workspace.id) is not None:
        raise Conflict(_("%(email)s is already a member of %(workspace)s. Change their role in the list instead.",
                         email=email, workspace=workspace.name),
                       {"email": _("This address is a member already.")})
    for earlier in db.session.scalars(db.select(Invitation).where(
            Invitation.workspace_id == workspace.id, Invitation.email == email, Invitation.accepted_at.is_(None))):
        db.session.delete(earlier)
    secret = secrets.token_urlsafe(32)
    days = int(current_app.config.get("INVITATION_DAYS", 7))
    invitation = Invitation(workspace=workspace, email=email, role=role, token_hash=services.digest(secret),
                            invited_by=invited_by, expires_at=utcnow() + timedelta(days=days))
    db.session.add(invitation)
    db.session.flush()
    audit.record("created", "invitation", invitation.id, email, role=role)
    return NewInvitation(invitation, secret)


def withdraw(invitation: Invitation) -> None:
    """Withdraw an invitation: its link stops working (it is unknown from now on)."""
    audit.record("deleted", "invitation", invitation.id, invitation.email, role=invitation.role)
    db.session.delete(invitation)
    db.session.flush()


def invitation_for(secret: str, now: datetime | None = None, *, lock: bool = False) -> Invitation:
    """The open invitation with this secret; NotFound (404) when none has it, Gone (410) when used or expired."""
    query = db.select(Invitation).where(Invitation.token_hash == services.digest(secret))
    invitation = db.session.scalar(query.with_for_update() if lock else query) if len(secret) <= 200 else None
    if invitation is None:
        raise NotFound(_("This invitation link is not valid. It may be mistyped, or the owner may have withdrawn "
                         "it. Ask an owner of the workspace for a new invitation."))
    if invitation.accepted_at is not None:
        raise Gone(_("This invitation has been used already. Sign in to work in the workspace, or ask an owner "
                     "for a new invitation."))
    if aware(invitation.expires_at) <= (now or utcnow()):
        # Babel's pattern for the date (English "31 December 2026", German "31.12.2026").
        day = format_date(aware(invitation.expires_at), _("dd MMMM yyyy"))
        raise Gone(_("This invitation expired on %(day)s. Ask an owner of %(workspace)s for a new one.",
                     day=day, workspace=invitation.workspace.name))
    return invitation


def accept(invitation: Invitation, user: User) -> Membership:
    """`user` joins the workspace with the invitation's role; the invitation is used up."""
    if user.email.lower() != invitation.email.lower():
        raise Conflict(_("This invitation is for %(invited)s, and you are signed in as %(email)s. Sign out and "
                         "accept it as %(invited)s, or ask an owner to invite %(email)s.",
                         invited=invitation.email, email=user.email))
    if user.membership_in(invitation.workspace_id) is not None:
        raise Conflict(_("You are a member of %(workspace)s already.", workspace=invitation.workspace.name))
    membership = services.add_member(invitation.workspace, user, invitation.role)
    invitation.accepted_at = utcnow()
    user.last_workspace_id = invitation.workspace_id
    db.session.flush()
    current.use_workspace(invitation.workspace, invitation.role, user)  # the rest of the request acts as them
    audit.record("created", "member", user.id, member_label(user), role=invitation.role,
                 invited_by=invitation.invited_by.email if invitation.invited_by else None)
    return membership


def join_as_new_user(invitation: Invitation, data: dict[str, Any]) -> User:
    """Create the account of the invited address (name and password from the form), and accept for it."""
    if services.user_by_email(invitation.email) is not None:
        raise Conflict(_("There is an account for %(email)s already: sign in to accept the invitation.",
                         email=invitation.email))
    user = services.create_user(invitation.email, data.get("name"), data.get("password"))
    accept(invitation, user)
    return user


def role_name(role: str) -> str:
    return ROLE_NAMES.get(role, role)
