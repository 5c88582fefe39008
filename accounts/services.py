"""Operations on users, workspaces, memberships and tokens: validate everything first, then change and flush."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func
from werkzeug.security import generate_password_hash

from journeymail.addresses import InvalidAddress, check_address
from journeymail.extensions import db
from journeymail.validation import Conflict, ValidationError

from .models import ApiToken, Membership, User, Workspace, aware, utcnow
from .roles import ROLES, at_most

MIN_PASSWORD_LENGTH = 10
TOKEN_PREFIX = "jm_"


def digest(secret: str) -> str:
    """What is stored of a secret (token, invitation, reset link): its SHA-256, never the secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def normal_email(value: Any, field: str = "email") -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError({field: "Enter an email address, e.g. maya@example.com."})
    try:
        address = check_address(value.strip())
    except InvalidAddress as error:
        raise ValidationError({field: str(error)}) from None
    return address.normalized.lower()


def check_password(password: Any, field: str = "password") -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError({field: f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters."})
    if len(password) > 1000:
        raise ValidationError({field: "That password is longer than 1000 characters."})
    return password


def check_role(role: Any, field: str = "role") -> str:
    if role not in ROLES:
        raise ValidationError({field: f"Choose a role: {', '.join(reversed(ROLES))}."})
    return role


def user_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(func.lower(User.email) == email.strip().lower()))


def workspace_named(name: str) -> Workspace | None:
    return db.session.scalar(db.select(Workspace).where(func.lower(Workspace.name) == name.strip().lower()))


def create_workspace(name: Any) -> Workspace:
    if not isinstance(name, str) or not name.strip():
        raise ValidationError({"workspace": "Name the workspace, e.g. Marketing."})
    if len(name.strip()) > 80:
        raise ValidationError({"workspace": "A workspace name has at most 80 characters."})
    if workspace_named(name) is not None:
        raise Conflict(f'A workspace named "{name.strip()}" exists already.', {"workspace": "That name is taken."})
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
        errors["name"] = "Enter the person's name, e.g. Maya Berger."
    elif len(name.strip()) > 120:
        errors["name"] = "A name has at most 120 characters."
    try:
        check_password(password)
    except ValidationError as error:
        errors.update(error.fields)
    if errors:
        raise ValidationError(errors)
    if user_by_email(email) is not None:
        raise Conflict(f"There is already a user with the address {email}.", {"email": "That address has an account."})
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
        raise ValidationError({"workspace": f"{user.email} is not a member of {workspace.name}."})
    errors: dict[str, str] = {}
    name = (name or "").strip() if isinstance(name, str) or name is None else name
    if not isinstance(name, str):
        errors["name"] = "Name the token after where it is used, e.g. Nightly export."
    elif len(name) > 80:
        errors["name"] = "A token name has at most 80 characters."
    role = membership.role if role in (None, "") else role
    if role not in ROLES:
        errors["role"] = f"Choose a role: {', '.join(reversed(ROLES))}."
    elif not at_most(role, membership.role):
        errors["role"] = f"A token's role can be no higher than yours ({membership.role})."
    expires_at = None
    if expires_in_days not in (None, ""):
        try:
            days = int(expires_in_days)
        except (TypeError, ValueError):
            days = 0
        if not 1 <= days <= 3650:
            errors["expires_in_days"] = "Give the days until it expires, from 1 to 3650, or leave it empty."
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
