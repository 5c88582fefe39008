"""The workspace a request works in, and every query scoped to it.

A request's workspace and role are set by `accounts.access` from the signed-in user (or the API token);
a command or a test sets them with `use_workspace`. Queries go through `scoped` and `get_or_404`: a row
of another workspace is simply not there (404), never a 403 and never its data.

A model is scoped either by its own `workspace_id` column (campaigns, segments) or through the
relationship named by its `__scoped_through__` ("campaign" for phases and touchpoints).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import abort, g
from flask_babel import gettext as _
from sqlalchemy import Select

from journeymail.extensions import db

from .models import User, Workspace
from .roles import ACTIONS, RANK, may, role_in_sentence, role_with_article

T = TypeVar("T")


class NoWorkspace(RuntimeError):
    """Code that needs a workspace ran where none was chosen (a command or test without use_workspace)."""


def use_workspace(workspace: Workspace, role: str = "owner", user: User | None = None) -> None:
    """Work in `workspace` with `role` for the rest of this app context (commands, tests, jobs)."""
    g.workspace = workspace
    g.workspace_id = workspace.id
    g.role = role
    g.acting_user = user


def workspace() -> Workspace:
    found = g.get("workspace")
    if found is None:
        raise NoWorkspace("No workspace chosen: sign in, or call accounts.current.use_workspace first.")
    return found


def workspace_id() -> int:
    found = g.get("workspace_id")
    if found is None:
        raise NoWorkspace("No workspace chosen: sign in, or call accounts.current.use_workspace first.")
    return found


def role() -> str | None:
    return g.get("role")


def user() -> User | None:
    """Who is acting: the signed-in user, the token's user, or the user a command acts as."""
    return g.get("acting_user")


def allowed(action: str) -> bool:
    return may(role(), action)


def require(action: str) -> None:
    """Refuse with 403 unless the current role may do `action` (accounts.roles)."""
    workspace()  # a user of no workspace is told so (NoWorkspace), not that some role is too low
    if not allowed(action):
        abort(403, description=refusal(action))


def require_fields(fields: Iterable[str], action_of: Callable[[str], str]) -> None:
    """Refuse with 403 unless the current role may change every one of `fields`; the message names the
    fields it may not change. `action_of` gives the action a field needs (accounts.roles)."""
    refused = [name for name in dict.fromkeys(fields) if not allowed(action_of(name))]
    if refused:
        action = max((action_of(name) for name in refused), key=lambda a: RANK[ACTIONS[a]])
        names = ", ".join(_('"%(field)s"', field=name) for name in refused)
        abort(403, description=_("You may not change %(fields)s.", fields=names) + " " + refusal(action))


def refusal(action: str) -> str:
    """Why the current role may not do `action`, and who may."""
    needed = role_in_sentence(ACTIONS[action])
    have = role_with_article(role())
    if g.get("workspace") is not None:
        return _("You are %(role)s of %(workspace)s; this needs the role %(needed)s or higher. "
                 "Ask an owner of the workspace.", role=have, workspace=g.workspace.name, needed=needed)
    return _("You are %(role)s; this needs the role %(needed)s or higher. Ask an owner of the workspace.",
             role=have, needed=needed)


def _scope(query: Select[Any], model: type) -> Select[Any]:
    if hasattr(model, "workspace_id"):
        return query.where(model.workspace_id == workspace_id())  # type: ignore[attr-defined]
    through = getattr(model, "__scoped_through__", None)
    if through is None:
        raise TypeError(f"{model.__name__} names no workspace: give it workspace_id or __scoped_through__")
    relationship = getattr(model, through)
    parent = relationship.property.mapper.class_
    return _scope(query.join(relationship), parent)


def scoped(model: type[T], *columns: Any) -> Select[Any]:
    """SELECT `model` (or the given columns of it) in the current workspace."""
    return _scope(db.select(*(columns or (model,))), model)


def where_scoped(query: Select[Any], model: type) -> Select[Any]:
    """`query`, which selects from `model`, limited to the current workspace."""
    return _scope(query, model)


def get(model: type[T], id: int | None, *, options: Any = ()) -> T | None:
    """The row of `model` with this ID in the current workspace, or None."""
    if id is None:
        return None
    query = scoped(model).where(model.id == id)  # type: ignore[attr-defined]
    if options:
        query = query.options(*options)
    return db.session.scalar(query)


def get_or_404(model: type[T], id: int | None, *, options: Any = ()) -> T:
    """The row of `model` with this ID in the current workspace; 404 when there is none here."""
    found = get(model, id, options=options)
    if found is None:
        abort(404)
    return found
