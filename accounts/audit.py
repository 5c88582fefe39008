"""The audit log: who created, changed, deleted, exported, pushed or test-sent what, and when.

One recorder, `record`, writes an entry in the current workspace as the current user (accounts.current).
The plan's things (campaigns, phases, touchpoints, variants, segments: every model with a workspace) are
recorded by a flush hook, so no service can forget them; exports, pushes, test sends and the members'
changes call `record` themselves. An entry is part of its request's transaction: a request that is
refused or fails leaves no entry, as it leaves no change.

A request that otherwise writes nothing (a download, a test send, a push: GET, or POST marked `reads_only`)
takes no write lock, and must not wait for one at its end after the email went out: its entry is written
at once in a short transaction of its own. Should the database stay busy past its timeout, the entry goes
to the server's log instead, and the person is not told to repeat what already happened.
"""

from __future__ import annotations

from typing import Any

import logging

from flask import Flask, g, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, inspect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from journeymail.extensions import db, takes_write_lock

from . import current
from .models import AuditEntry, utcnow

ACTIONS = {
    "created": _l("Created"),
    "changed": _l("Changed"),
    "deleted": _l("Deleted"),
    "exported": _l("Exported"),
    "pushed": _l("Pushed"),
    "test-sent": _l("Sent a test"),
}
KINDS = {
    "campaign": _l("Campaign"),
    "phase": _l("Phase"),
    "touchpoint": _l("Touchpoint"),
    "variant": _l("Variant"),
    "segment": _l("Segment"),
    "member": _l("Member"),
    "workspace": _l("Workspace"),
    "invitation": _l("Invitation"),
}
# The names of an entry's details, as the log shows them (others: the key, "_" read as a space).
DETAILS = {
    "fields": _l("fields"),
    "campaign": _l("campaign"),
    "file": _l("file"),
    "to": _l("to"),
    "stopped": _l("stopped"),
    "role": _l("role"),
    "role_before": _l("role before"),
    "invited_by": _l("invited by"),
}
# Bookkeeping a person did not change: the order of siblings renumbered around a move, timestamps, keys
# derived from a name.
UNREMARKABLE = frozenset({"position", "updated_at", "created_at", "name_key"})
_PENDING = "audit.pending"  # session.info: what the flush under way will record
_DONE = "audit.done"  # session.info: (action, kind, id) recorded in this request already
_FLUSHED = "audit.flushed"  # session.info: this session has written something
log = logging.getLogger(__name__)


def record(action: str, subject_kind: str, subject_id: int | None, subject_name: str | None,
           **detail: Any) -> AuditEntry | None:
    """Record that the current user did `action` to a thing, in the current workspace (None without one)."""
    entry = _entry(action, subject_kind, subject_id, subject_name, detail)
    if entry is None:
        return None
    if has_request_context() and not takes_write_lock() and not _has_written(db.session()):
        _write_apart(entry)
    else:
        db.session.add(entry)
    return entry


def _entry(action: str, subject_kind: str, subject_id: int | None, subject_name: str | None,
           detail: dict[str, Any]) -> AuditEntry | None:
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}")
    space_id = g.get("workspace_id")
    if space_id is None:  # a command that works in no workspace
        return None
    user = current.user()
    return AuditEntry(
        workspace_id=space_id, user_id=user.id if user is not None else None,
        user_email=user.email if user is not None else "", action=action, subject_kind=subject_kind,
        subject_id=subject_id, subject_name=(subject_name or "")[:200],
        detail={key: value for key, value in detail.items() if value is not None}, at=utcnow(),
    )


def _has_written(session: Session) -> bool:
    """Whether this request changed anything (a token's last-used time, say): then its entry goes with it,
    never in a transaction of its own that would wait for this very request's lock."""
    return bool(session.info.get(_FLUSHED) or session.new or session.dirty or session.deleted)


def _write_apart(entry: AuditEntry) -> None:
    """Write the entry of a request that writes nothing else, in a transaction of its own."""
    table = AuditEntry.__table__
    values = {column.key: getattr(entry, column.key) for column in table.columns if column.key != "id"}
    try:
        with db.engine.begin() as connection:
            connection.execute(table.insert().values(**values))
    except OperationalError as error:
        log.error("The audit log could not record this (the database is busy): %s. %s", values, error)


def register(app: Flask) -> None:
    """Install the flush hook that records the plan's created, changed and deleted things (once per process)."""
    if not event.contains(db.session, "before_flush", _note_changes):
        event.listen(db.session, "before_flush", _note_changes)
        event.listen(db.session, "after_flush_postexec", _record_changes)


# --- the flush hook ------------------------------------------------------------------------------


def audited(obj: object) -> bool:
    """Whether changes to `obj` are recorded by the hook: a thing of the plan, which has a workspace."""
    model = type(obj)
    if model.__module__.startswith("accounts."):
        return False  # members, invitations and tokens are recorded by their services
    if getattr(model, "__audited__", True) is False:
        return False  # bookkeeping of a feature that records the action itself (a push's ledger)
    return hasattr(model, "workspace_id") or hasattr(model, "__scoped_through__")


def kind_of(obj: object) -> str:
    return type(obj).__name__.lower()


def _note_changes(session: Session, _context: Any, _instances: Any) -> None:
    """Before a flush in a request: note what it creates, changes and deletes (IDs of new rows come later)."""
    session.info[_FLUSHED] = True
    if not has_request_context() or g.get("workspace_id") is None:
        return
    pending = session.info.setdefault(_PENDING, [])
    for obj in list(session.new):
        if audited(obj) and not _parent_is(obj, session, session.new):
            pending.append(("created", obj, {}))
    for obj in list(session.dirty):
        if not audited(obj) or obj in session.deleted or _parent_is(obj, session, session.deleted):
            continue
        if fields := changed_fields(obj):
            pending.append(("changed", obj, {"fields": fields, **_named(obj, session)}))
    for obj in list(session.deleted):
        if audited(obj) and not _parent_is(obj, session, session.deleted):
            pending.append(("deleted", obj, _named(obj, session)))


def _named(obj: object, session: Session) -> dict[str, Any]:
    """The thing's ID, name and campaign as they are now: after the flush a deleted row's may not load."""
    return {"id": obj.id, "name": name_of(obj, session), **_context_of(obj, session)}  # type: ignore[attr-defined]


def _record_changes(session: Session, _context: Any) -> None:
    """After the flush: write one entry per thing and action, once per request."""
    pending = session.info.pop(_PENDING, [])
    done = session.info.setdefault(_DONE, set())
    for action, obj, noted in pending:
        kind = kind_of(obj)
        if action == "changed" and (inspect(obj).deleted or inspect(obj).was_deleted):
            action = "deleted"  # taken out of its phase or campaign, it was deleted as an orphan
            noted.pop("fields", None)
        subject_id = noted.pop("id", None) or obj.id
        if (action, kind, subject_id) in done or (action == "changed" and ("created", kind, subject_id) in done):
            continue
        if action == "created" and any(("created", kind_of(parent), getattr(parent, "id", None)) in done
                                       for parent in _ancestors(obj, session)):
            continue  # a phase of a campaign imported or duplicated in this request: the campaign says it
        done.add((action, kind, subject_id))
        name = noted.pop("name", None) or name_of(obj, session)
        detail = noted if action != "created" else _context_of(obj, session)
        entry = _entry(action, kind, subject_id, name, detail)
        if entry is not None:
            session.add(entry)  # in the flushed changes' transaction: they stand or fall together


def changed_fields(obj: object) -> list[str]:
    """The attributes a person changed on `obj` since it was loaded: columns, what it belongs to, and the
    segments it targets; not the bookkeeping in UNREMARKABLE nor collections of its children."""
    state = inspect(obj)
    names: list[str] = []
    for attribute in state.mapper.column_attrs:
        if attribute.key not in UNREMARKABLE and state.attrs[attribute.key].history.has_changes():
            names.append(attribute.key)
    for relationship in state.mapper.relationships:
        kept = relationship.direction.name == "MANYTOONE" or relationship.secondary is not None
        if kept and relationship.viewonly is False and state.attrs[relationship.key].history.has_changes():
            names.append(relationship.key)
    return [name for name in names if not (name.endswith("_id") and name[:-3] in names)]


def name_of(obj: object, session: Session) -> str:
    """What a person calls the thing: its name; a variant by its email and segment."""
    name = getattr(obj, "name", None)
    if isinstance(name, str):
        return name
    touchpoint = _parent(obj, session)
    segment = getattr(obj, "segment", None)
    if segment is None and getattr(obj, "segment_id", None):
        segment = session.get(inspect(type(obj)).relationships["segment"].mapper.class_, obj.segment_id)
    parts = [getattr(touchpoint, "name", None), getattr(segment, "name", None)]
    return " for ".join(part for part in parts if part) or f"{kind_of(obj)} {getattr(obj, 'id', '')}".strip()


def _parent(obj: object, session: Session) -> object | None:
    """What `obj` belongs to by its __scoped_through__ (a phase's campaign), loaded if need be."""
    through = getattr(type(obj), "__scoped_through__", None)
    if through is None:
        return None
    parent = getattr(obj, through, None)
    if parent is None:
        relationship = inspect(type(obj)).relationships[through]
        key = next(iter(relationship.local_columns)).key
        if getattr(obj, key, None) is not None:
            parent = session.get(relationship.mapper.class_, getattr(obj, key))
    return parent


def _ancestors(obj: object, session: Session) -> list[object]:
    found: list[object] = []
    parent = _parent(obj, session)
    while parent is not None and len(found) < 5:
        found.append(parent)
        parent = _parent(parent, session)
    return found


def _parent_is(obj: object, session: Session, among: Any) -> bool:
    """Whether something `obj` belongs to is itself in `among` (created or deleted with it): a campaign's
    deletion is one entry, not one for each of its phases and emails."""
    return any(parent in among for parent in _ancestors(obj, session))


def _context_of(obj: object, session: Session) -> dict[str, Any]:
    """The campaign a phase, touchpoint or variant is in, so its entry reads and links right."""
    ancestors = _ancestors(obj, session)
    if not ancestors:
        return {}
    top = ancestors[-1]
    return {f"{kind_of(top)}_id": getattr(top, "id", None), kind_of(top): getattr(top, "name", None)}
