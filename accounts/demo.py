"""The demo owner: demo@journeymail.example in the workspace Demo (DESIGN.md, "Accounts")."""

from __future__ import annotations

import os
import secrets

from flask import Flask

from journeymail.extensions import db

from . import services
from .models import User, Workspace

DEMO_EMAIL = "demo@journeymail.example"
DEMO_WORKSPACE = "Demo"
PASSWORD_FILE = "demo-password.txt"  # in instance/, development only: so `make run` can say it every time


def demo_owner(app: Flask) -> tuple[Workspace, User, str | None]:
    """The Demo workspace and its owner, created when missing, and the password to sign in with (None when
    it is not known here: DEMO_PASSWORD unset outside development, and the user made before).

    The password is DEMO_PASSWORD when set; else, in development only, a generated one kept in
    instance/demo-password.txt. Production without DEMO_PASSWORD is refused: a ValueError says so.
    """
    given = os.environ.get("DEMO_PASSWORD") or None
    development = app.debug or app.config.get("JOURNEYMAIL_ENV") == "development"
    path = os.path.join(app.instance_path, PASSWORD_FILE)
    workspace = services.workspace_named(DEMO_WORKSPACE) or services.create_workspace(DEMO_WORKSPACE)
    user = services.user_by_email(DEMO_EMAIL)
    password = given
    if password is None and development:
        kept = _read(path)
        if kept and (user is None or user.check_password(kept)):
            password = kept
        elif user is None:
            password = secrets.token_urlsafe(12)
            _write(path, password)
    if user is None:
        if password is None:
            raise ValueError("Set DEMO_PASSWORD to the demo owner's password (outside development none is made up).")
        user = services.create_user(DEMO_EMAIL, "Demo Owner", password)
        services.adopt_unowned_workspaces(user)
    elif given is not None and not user.check_password(given):
        user.set_password(given)
    services.add_member(workspace, user, "owner")
    if user.last_workspace_id is None:
        user.last_workspace_id = workspace.id
    db.session.flush()
    return workspace, user, password


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as file:
            return file.read().strip() or None
    except OSError:
        return None


def _write(path: str, password: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(password + "\n")
