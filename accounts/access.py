"""Who is asking: the signed-in user (Flask-Login session) or an API token, and in which workspace.

Every request but the public ones (sign-in, password reset, invitations, static files) needs one:
pages send a stranger to /login, the API and export downloads answer 401 with the error document.
`Authorization: Bearer <token>` works on every URL, for scripts; a bad token is a 401 even where a
session cookie would do.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar
from urllib.parse import urlencode

from flask import Flask, current_app, g, jsonify, redirect, request, session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user
from sqlalchemy.orm import joinedload

from journeymail.extensions import db
from journeymail.http import error_response, wants_json

from . import services
from .current import NoWorkspace, allowed, use_workspace
from .models import Membership, User, Workspace, aware, utcnow
from .roles import RANK, ROLE_NAMES

login_manager = LoginManager()
login_manager.session_protection = "strong"  # a session cookie replayed from elsewhere is dropped

F = TypeVar("F", bound=Callable[..., Any])
SIGN_IN_FIRST = _l("Sign in first. Scripts send an API token: Authorization: Bearer <token>.")
BAD_TOKEN = _l("That API token is not valid: it may be mistyped, revoked or expired. Create a new one under Account.")
NO_WORKSPACE = _l("You are not a member of any workspace yet. Ask an owner to invite you.")
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)  # last-used times are written at most this often


def public(view: F) -> F:
    """Mark a view anyone may open without signing in (sign-in, password reset, invitation links)."""
    view.public = True  # type: ignore[attr-defined]
    return view


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user of a session cookie: its ID and session key, so a new password or deletion ends it."""
    number, _, key = user_id.partition(":")
    if not number.isdigit() or not key:
        return None
    if len(number) > 10:
        return None
    query = db.select(User).where(User.id == int(number)).options(  # who, where and with which role: one query
        joinedload(User.memberships).joinedload(Membership.workspace))
    user = db.session.scalars(query).unique().one_or_none()
    return user if user is not None and user.session_key == key else None


def _is_public() -> bool:
    if request.endpoint in (None, "static", "favicon"):
        return True  # a 404 for an unknown URL, static files
    view = current_app.view_functions.get(request.endpoint)
    return bool(getattr(view, "public", False))


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return credentials.strip()


def _from_token(secret: str) -> bool:
    token = services.token_for(secret)
    if token is None:
        return False
    membership = token.user.membership_in(token.workspace_id)
    role = min(token.role, membership.role, key=RANK.__getitem__)  # never above the user's role today
    now = utcnow()
    if token.last_used_at is None or now - aware(token.last_used_at) >= TOKEN_TOUCH_INTERVAL:
        token.last_used_at = now
    use_workspace(token.workspace, role, token.user)
    g.api_token = token
    return True


def _from_session() -> bool:
    if not current_user.is_authenticated:
        return False
    user: User = current_user  # type: ignore[assignment]
    wanted = session.get("workspace_id") or user.last_workspace_id
    membership = user.membership_in(wanted) or (user.memberships[0] if user.memberships else None)
    g.acting_user = user
    if membership is not None:
        use_workspace(membership.workspace, membership.role, user)
    return True


def _refuse() -> Any:
    # A browser names HTML (or sends no Accept at all) and is sent to the sign-in page; a script that
    # takes anything (curl's */*) or asks for JSON gets the 401 error document.
    accepted = [value for value, _quality in request.accept_mimetypes]
    browser = not accepted or "text/html" in accepted
    if not browser:
        return jsonify(error={"message": str(SIGN_IN_FIRST), "fields": {}}), 401
    if wants_json() or request.method != "GET":
        return error_response(401, str(SIGN_IN_FIRST))
    path = request.full_path.rstrip("?") if request.query_string else request.path
    return redirect("/login?" + urlencode({"next": path}))


def register(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"

    @app.before_request
    def who_is_asking() -> Any:
        g.workspace = g.workspace_id = g.role = g.acting_user = None
        try:
            return _identify()
        except Exception:
            # The database failed us (busy, gone): the error page must not try to load the user again.
            g._login_user = login_manager.anonymous_user()
            raise

    def _identify() -> Any:
        secret = _bearer()
        if secret is not None:
            if _from_token(secret):
                return None
            return error_response(401, str(BAD_TOKEN))
        if _from_session() or _is_public():
            return None
        return _refuse()

    @app.errorhandler(NoWorkspace)
    def no_workspace(_error: NoWorkspace) -> Any:
        return error_response(403, str(NO_WORKSPACE))

    @app.context_processor
    def account_for_pages() -> dict[str, Any]:
        return {"current_workspace": g.get("workspace"), "current_role": g.get("role"),
                "signed_in_user": g.get("acting_user"), "role_names": ROLE_NAMES}

    # may("edit_plan") in every template, imported macros too: pages show only what the role may use.
    app.add_template_global(allowed, "may")


def workspaces_of(user: User) -> list[Workspace]:
    return sorted((m.workspace for m in user.memberships), key=lambda w: w.name.casefold())
