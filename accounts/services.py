"""Operations on users, workspaces, memberships and tokens: validate everything first, then change and flush."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from flask_babel import gettext as _
from markupsafe import escape

from sqlalchemy import func
from werkzeug.security import generate_password_hash

from journeymail import mailer
from journeymail.addresses import InvalidAddress, check_address
from journeymail.extensions import db
from journeymail.validation import Conflict, NotFound, ValidationError

from .models import ApiToken, Membership, PasswordReset, User, Workspace, aware, utcnow
from .roles import ROLES, at_most, role_in_sentence

MIN_PASSWORD_LENGTH = 10
TOKEN_PREFIX = "jm_"


def digest(secret: str) -> str:
    """What is stored of a secret (token, invitation, reset link): its SHA-256, never the secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def normal_email(value: Any, field: str = "email") -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError({field: _("Enter an email address, e.g. maya@example.com.")})
    try:
        address = check_address(value.strip())
    except InvalidAddress as error:
        raise ValidationError({field: str(error)}) from None
    return address.normalized.lower()


def check_password(password: Any, field: str = "password") -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError({field: _("Choose a password of at least %(count)s characters.",
                                        count=MIN_PASSWORD_LENGTH)})
    if len(password) > 1000:
        raise ValidationError({field: _("That password is longer than 1000 characters.")})
    return password


def check_role(role: Any, field: str = "role") -> str:
    if role not in ROLES:
        raise ValidationError({field: _("Choose a role: %(roles)s.", roles=", ".join(reversed(ROLES)))})
    return role


def user_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(func.lower(User.email) == email.strip().lower()))


def workspace_named(name: str) -> Workspace | None:
    return db.session.scalar(db.select(Workspace).where(func.lower(Workspace.name) == name.strip().lower()))


def create_workspace(name: Any) -> Workspace:
    if not isinstance(name, str) or not name.strip():
        raise ValidationError({"workspace": _("Name the workspace, e.g. Marketing.")})
    if len(name.strip()) > 80:
        raise ValidationError({"workspace": _("A workspace name has at most 80 characters.")})
    if workspace_named(name) is not None:
        raise Conflict(_('A workspace named "%(name)s" exists already.', name=name.strip()),
                       {"workspace": _("That name is taken.")})
    workspace = Workspace(name=name.strip(), test_send_allow_list=[])
    db.session.add(workspace)
    db.session.flush()
    return workspace


def create_user(email: Any, name: Any, password: Any) -> User:
    """A new user with no membership yet."""
    errors: dict[str, str] = {}
    try:
        email = normal_email(email)
    except ValidationError as error:
        errors.update(error.fields)
    if not isinstance(name, str) or not name.strip():
        errors["name"] = _("Enter the person's name, e.g. Maya Berger.")
    elif len(name.strip()) > 120:
        errors["name"] = _("A name has at most 120 characters.")
    try:
        check_password(password)
    except ValidationError as error:
        errors.update(error.fields)
    if errors:
        raise ValidationError(errors)
    if user_by_email(email) is not None:
        raise Conflict(_("There is already a user with the address %(email)s.", email=email),
                       {"email": _("That address has an account.")})
    user = User(email=email, name=name.strip())
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def add_member(workspace: Workspace, user: User, role: Any) -> Membership:
    role = check_role(role)
    membership = user.membership_in(workspace.id)
    if membership is not None:
        membership.role = role
    else:
        membership = Membership(user=user, workspace=workspace, role=role)
        db.session.add(membership)
    db.session.flush()
    return membership


def authenticate(email: Any, password: Any) -> User | None:
    """The user with this address and password, else None (the same answer for either mistake)."""
    if not isinstance(email, str) or not isinstance(password, str):
        return None
    user = user_by_email(email)
    if user is None:
        # Hash anyway, so a wrong address takes as long as a wrong password.
        User(password_hash=_DUMMY_HASH).check_password(password)
        return None
    return user if user.check_password(password) else None


_DUMMY_HASH = generate_password_hash(secrets.token_hex(16), method="scrypt")


# --- API tokens -------------------------------------------------------------------------------


def create_token(user: User, workspace: Workspace, *, name: Any = None, role: Any = None,
                 expires_in_days: Any = None) -> tuple[ApiToken, str]:
    """A new token for `user` in `workspace`: (the stored token, the secret, shown once)."""
    membership = user.membership_in(workspace.id)
    if membership is None:
        raise ValidationError({"workspace": _("%(email)s is not a member of %(workspace)s.", email=user.email,
                                              workspace=workspace.name)})
    errors: dict[str, str] = {}
    name = (name or "").strip() if isinstance(name, str) or name is None else name
    if not isinstance(name, str):
        errors["name"] = _("Name the token after where it is used, e.g. Nightly export.")
    elif len(name) > 80:
        errors["name"] = _("A token name has at most 80 characters.")
    role = membership.role if role in (None, "") else role
    if role not in ROLES:
        errors["role"] = _("Choose a role: %(roles)s.", roles=", ".join(reversed(ROLES)))
    elif not at_most(role, membership.role):
        errors["role"] = _("A token's role can be no higher than yours (%(role)s).",
                           role=role_in_sentence(membership.role))
    expires_at = None
    if expires_in_days not in (None, ""):
        try:
            days = int(expires_in_days)
        except (TypeError, ValueError):
            days = 0
        if not 1 <= days <= 3650:
            errors["expires_in_days"] = _("Give the days until it expires, from 1 to 3650, or leave it empty.")
        else:
            expires_at = utcnow() + timedelta(days=days)
    if errors:
        raise ValidationError(errors)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, workspace=workspace, name=name or "API token", role=role,
                     token_hash=digest(secret), prefix=secret[:10], expires_at=expires_at)
    db.session.add(token)
    db.session.flush()
    return token, secret


def token_for(secret: str, now: datetime | None = None) -> ApiToken | None:
    """The live token with this secret: not revoked, not expired, its user still a member; else None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(db.select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    now = now or utcnow()
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and aware(token.expires_at) <= now:
        return None
    if token.user.membership_in(token.workspace_id) is None:
        return None
    return token


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()


def adopt_unowned_workspaces(user: User) -> list[Workspace]:
    """The first user becomes owner of workspaces nobody belongs to: the "Default" workspace the accounts
    migration moved existing campaigns and segments into."""
    if db.session.scalar(db.select(func.count(User.id))) != 1:
        return []
    members = db.select(Membership.workspace_id)
    unowned = list(db.session.scalars(db.select(Workspace).where(Workspace.id.not_in(members))))
    for workspace in unowned:
        add_member(workspace, user, "owner")
    return unowned


# --- one's own account: password and tokens ---------------------------------------------------


def change_password(user: User, current: Any, new: Any, again: Any) -> None:
    """A new password for `user`, who knows the current one; every session of theirs ends (session_key)."""
    errors: dict[str, str] = {}
    if not isinstance(current, str) or not user.check_password(current):
        errors["current_password"] = _("That is not your current password.")
    errors.update(_new_password_errors(new, again))
    if not errors and new == current:
        errors["new_password"] = _("Choose a password other than your current one.")
    if errors:
        raise ValidationError(errors)
    user.set_password(new)
    db.session.flush()


def _new_password_errors(new: Any, again: Any) -> dict[str, str]:
    try:
        check_password(new, "new_password")
    except ValidationError as error:
        return error.fields
    if new != again:
        return {"new_password_again": _("The two new passwords differ. Type the same one twice.")}
    return {}


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens that were not revoked, newest first."""
    query = (db.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
             .order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))
    return list(db.session.scalars(query))


def own_token(user: User, token_id: int) -> ApiToken | None:
    """One of the user's own live tokens by ID; another user's token is simply not there."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        return None
    return token


def create_own_token(user: User, values: dict[str, Any]) -> tuple[ApiToken, str]:
    """A token from the account page's form: the workspace must be one of the user's."""
    wanted = values.get("workspace_id")
    membership = user.membership_in(int(wanted)) if isinstance(wanted, str) and wanted.isdigit() \
        and len(wanted) < 10 else None
    if membership is None:
        raise ValidationError({"workspace_id": _("Choose one of your workspaces.")})
    return create_token(user, membership.workspace, name=values.get("name"), role=values.get("role"),
                        expires_in_days=values.get("expires_in_days"))


def token_is_expired(token: ApiToken, now: datetime | None = None) -> bool:
    return token.expires_at is not None and aware(token.expires_at) <= (now or utcnow())


# --- password reset ---------------------------------------------------------------------------

RESET_LINK_LIFETIME = timedelta(hours=1)


def start_password_reset(user: User) -> str:
    """A new reset link's secret for `user` (its digest is stored; it expires, and works once)."""
    secret = secrets.token_urlsafe(32)
    db.session.add(PasswordReset(user=user, token_hash=digest(secret), expires_at=utcnow() + RESET_LINK_LIFETIME))
    db.session.flush()
    return secret


def reset_for(secret: Any, now: datetime | None = None) -> PasswordReset | None:
    """The unused, unexpired reset with this secret, else None."""
    if not isinstance(secret, str) or not 20 <= len(secret) <= 100:
        return None
    reset = db.session.scalar(db.select(PasswordReset).where(PasswordReset.token_hash == digest(secret)))
    if reset is None or reset.used_at is not None or aware(reset.expires_at) <= (now or utcnow()):
        return None
    return reset


def finish_password_reset(reset: PasswordReset, new: Any, again: Any) -> User:
    """Set the new password through a reset link: the link and every other open one of the user's are used
    up, and all the user's sessions end."""
    errors = _new_password_errors(new, again)
    if errors:
        raise ValidationError(errors)
    user = reset.user
    user.set_password(new)
    now = utcnow()
    open_resets = db.select(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
    for each in db.session.scalars(open_resets):
        each.used_at = now
    db.session.flush()
    return user


def reset_email(user: User, link: str, sender: str) -> EmailMessage:
    """The email that carries a reset link."""
    minutes = int(RESET_LINK_LIFETIME.total_seconds() // 60)
    text = _("Hello %(name)s,\n\nsomeone (hopefully you) asked to set a new password for your Journeymail "
             "account %(email)s. Open this link within %(minutes)s minutes to choose one:\n\n%(link)s\n\n"
             "The link works once. If you did not ask for it, ignore this email: your password stays as it is.\n",
             name=user.name, email=user.email, minutes=minutes, link=link)
    html = "".join(f'<p><a href="{escape(part)}">{escape(part)}</a></p>' if part == link else f"<p>{escape(part)}</p>"
                   for part in text.split("\n\n"))
    return mailer.build_message(sender_name="Journeymail", sender_email=sender, reply_to=None, to=[user.email],
                                subject=_("Set a new Journeymail password"), html=html, text=text, test=False)


# --- an owner resets a member's password (when there is no SMTP, or the member is stuck) -------

MEMBER_RESET_WAYS = ("password", "link")


def reset_member_password(owner: User, workspace: Workspace, user_id: int, how: Any) -> tuple[User, str]:
    """An owner's reset of a member of `workspace`: ("password") a temporary password, or ("link") a reset
    link's secret, to hand over; shown once. A temporary password ends the member's sessions at once.

    Whoever holds the new password holds the whole account, so an owner may reset it only when they own every
    workspace the member belongs to: an owner of one workspace never gets into another one this way."""
    user = db.session.get(User, user_id)
    if user is None or user.membership_in(workspace.id) is None:
        raise NotFound(_("There is no such member of %(workspace)s.", workspace=workspace.name))
    if how not in MEMBER_RESET_WAYS:
        raise ValidationError({"how": _("Choose a temporary password or a reset link.")})
    elsewhere = [m.workspace.name for m in user.memberships
                 if (mine := owner.membership_in(m.workspace_id)) is None or mine.role != "owner"]
    if elsewhere:
        raise Conflict(_("%(name)s is also a member of %(workspaces)s, which you do not own, so only they can "
                         "reset their password (with “Forgot your password?” on the sign-in page), or an owner of "
                         "every workspace they belong to.", name=user.name, workspaces=", ".join(sorted(elsewhere))))
    if how == "link":
        return user, start_password_reset(user)
    password = secrets.token_urlsafe(12)
    user.set_password(password)
    db.session.flush()
    return user, password


# --- deleting a user (the command line) --------------------------------------------------------


def delete_user(user: User) -> None:
    """Delete `user` with their memberships, tokens and reset links; refused while they are the last owner of
    a workspace. Their sessions end: the session cookie names a user who is gone."""
    sole = [m.workspace.name for m in user.memberships if m.role == "owner" and _owners(m.workspace_id) == 1]
    if sole:
        raise Conflict(_("%(email)s is the last owner of %(workspaces)s. Make another member an owner first, or "
                         "delete the workspace.", email=user.email, workspaces=", ".join(sorted(sole))))
    db.session.execute(db.delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.execute(db.delete(PasswordReset).where(PasswordReset.user_id == user.id))
    db.session.delete(user)
    db.session.flush()


def _owners(workspace_id: int) -> int:
    query = db.select(func.count(Membership.id)).where(Membership.workspace_id == workspace_id,
                                                       Membership.role == "owner")
    return db.session.scalar(query) or 0
