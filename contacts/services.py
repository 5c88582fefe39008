"""Contacts in a workspace: the page's search, filter and count, files kept between the import's steps,
and the mappings saved per source."""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event, func, or_
from sqlalchemy.orm import Session, selectinload

from accounts import current
from journeymail.extensions import db
from journeymail.validation import ValidationError

from .mapping import header_signature, source_key
from .models import STATUSES, Contact, ContactImport, SavedMapping, SegmentRule, search_key

MAX_PER_PAGE = 200
UPLOAD_DAYS = 1  # an uploaded file not imported is deleted after this many days
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,40}")
_DROP_WHEN_COMMITTED = "contacts.drop_uploads"  # session.info: kept files to delete once the session commits


# --- the contacts page --------------------------------------------------------------------------------


@dataclass
class ContactPage:
    items: list[Contact]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def search_contacts(q: str = "", status: str = "", page: Any = 1, per_page: Any = 50, segment: Any = None) -> ContactPage:
    """One page of the workspace's contacts whose email address or name starts with `q`, in address order,
    and how many there are in all. Each of the two queries reads one index range (two, with `q`). With a
    segment (its ID), only the contacts its rule holds."""
    page_number = _positive(page, "page", 10**6)
    size = _positive(per_page, "per_page", MAX_PER_PAGE)
    if status and status not in STATUSES:
        raise ValidationError({"status": _("Filter by one of the statuses: %(statuses)s.",
                                           statuses=", ".join(STATUSES))})
    query = current.scoped(Contact)
    if segment not in (None, ""):
        query = query.where(_segment_condition(segment))
    if status:
        query = query.where(Contact.status == status)
    key = search_key(q.strip())[:300]
    if key:
        end = key + "\U0010ffff"
        query = query.where(or_(Contact.email_key.between(key, end), Contact.name_key.between(key, end)))
    total = db.session.scalar(query.with_only_columns(func.count()).order_by(None)) or 0
    items = list(db.session.scalars(query.options(selectinload(Contact.properties)).order_by(Contact.email_key)
                                   .limit(size).offset((page_number - 1) * size)))
    return ContactPage(items, total, page_number, size)


def segments_with_rules() -> list[Any]:
    """The workspace's segments that have a rule (the contacts page filters by them), in name order."""
    from segments.models import Segment

    query = (current.scoped(Segment).join(SegmentRule, SegmentRule.segment_id == Segment.id)
             .order_by(Segment.name_key))
    return list(db.session.scalars(query))


def _segment_condition(segment: Any) -> Any:
    from segments.models import Segment

    from .rules import segment_condition

    text = str(segment).strip()
    found = current.get(Segment, int(text)) if text.isascii() and text.isdigit() and len(text) < 10 else None
    if found is None:
        raise ValidationError({"segment": _("There is no such segment in this workspace.")})
    return segment_condition(found.id)


def _positive(value: Any, name: str, most: int) -> int:
    text = str(value).strip()
    if not re.fullmatch(r"[0-9]{1,7}", text) or not 1 <= int(text) <= most:
        raise ValidationError({name: _("%(name)s should be a whole number from 1 to %(most)s.", name=name, most=most)})
    return int(text)


def contact_dict(contact: Contact) -> dict[str, Any]:
    from journeymail.http import iso

    return {
        "id": contact.id, "email": contact.email, "name": contact.name, "status": contact.status,
        "opens": contact.opens, "clicks": contact.clicks, "last_open_at": iso(contact.last_open_at),
        "last_click_at": iso(contact.last_click_at), "opted_in_at": iso(contact.opted_in_at),
        "confirmed_at": iso(contact.confirmed_at), "consent_source": contact.consent_source,
        "double_opt_in": contact.double_opt_in, "created_at": iso(contact.created_at),
        "updated_at": iso(contact.updated_at),
        "properties": {p.name: _plain(p.value) for p in contact.properties},
    }


def _plain(value: Any) -> Any:
    from datetime import datetime
    from decimal import Decimal

    from journeymail.http import iso

    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, Decimal):
        return float(value) if value == value.to_integral_value() or len(str(value)) < 16 else str(value)
    return value


def recent_imports(limit: int = 10) -> list[ContactImport]:
    return list(db.session.scalars(current.scoped(ContactImport).order_by(ContactImport.id.desc()).limit(limit)))


# --- files kept between the steps of the import page ----------------------------------------------------


def _uploads_folder() -> str:
    """The workspace's own folder in the instance folder: a token of another workspace names no file here."""
    root = current_app.config.get("CONTACTS_UPLOAD_FOLDER") or os.path.join(current_app.instance_path, "contact-uploads")
    return os.path.join(root, str(current.workspace_id()))


def keep_upload(data: bytes, file_name: str) -> str:
    """Keep an uploaded file until it is imported (or a day has passed); the token that names it."""
    folder = _uploads_folder()
    os.makedirs(folder, exist_ok=True)
    sweep_uploads()
    token = secrets.token_urlsafe(18)
    with open(os.path.join(folder, token + ".csv"), "wb") as file:
        file.write(data)
    with open(os.path.join(folder, token + ".json"), "w", encoding="utf-8") as file:
        json.dump({"file_name": file_name[:255]}, file)
    return token


def kept_upload(token: str) -> tuple[bytes, str] | None:
    """The bytes and file name of a kept upload of this workspace, or None when there is none (any more)."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    path = os.path.join(_uploads_folder(), token)
    try:
        with open(path + ".csv", "rb") as file:
            data = file.read()
        with open(path + ".json", encoding="utf-8") as file:
            name = json.load(file).get("file_name", "")
    except (OSError, ValueError):
        return None
    return data, name


def drop_upload(token: str) -> None:
    if _TOKEN.fullmatch(token or ""):
        for ending in (".csv", ".json"):
            try:
                os.remove(os.path.join(_uploads_folder(), token + ending))
            except OSError:
                pass


def drop_upload_when_committed(token: str) -> None:
    """Delete the kept upload once the session commits (the import it fed is saved); a rollback keeps it, so
    an interrupted import can be run again from it."""
    if _TOKEN.fullmatch(token or ""):
        paths = [os.path.join(_uploads_folder(), token + ending) for ending in (".csv", ".json")]
        db.session().info.setdefault(_DROP_WHEN_COMMITTED, []).extend(paths)


@event.listens_for(Session, "after_commit")
def _drop_committed_uploads(session: Session) -> None:
    for path in session.info.pop(_DROP_WHEN_COMMITTED, ()):
        try:
            os.remove(path)
        except OSError:
            pass


@event.listens_for(Session, "after_rollback")
def _keep_uploads(session: Session) -> None:
    session.info.pop(_DROP_WHEN_COMMITTED, None)


def sweep_uploads() -> None:
    """Delete the workspace's kept files older than UPLOAD_DAYS."""
    folder = _uploads_folder()
    oldest = time.time() - UPLOAD_DAYS * 86400
    for name in os.listdir(folder) if os.path.isdir(folder) else []:
        path = os.path.join(folder, name)
        try:
            if os.path.getmtime(path) < oldest:
                os.remove(path)
        except OSError:
            pass


# --- mappings saved per source ----------------------------------------------------------------------------


def saved_mapping(header: list[str], source: str = "") -> dict[str, Any] | None:
    """The mapping saved for this source name, else for this header row; None when there is none that fits
    the file (a column it names is missing)."""
    keys = ([source_key(source)] if source.strip() else []) + [header_signature(header)]
    for key in keys:
        found = db.session.scalar(current.scoped(SavedMapping).where(SavedMapping.source_key == key))
        if found is not None and set(found.mapping) <= set(header):
            return dict(found.mapping)
    return None


def save_mapping(header: list[str], mapping: dict[str, Any], source: str = "") -> None:
    """Remember the mapping for the header row, and for the source name when there is one."""
    keys = [header_signature(header)] + ([source_key(source)] if source.strip() else [])
    for key in keys:
        found = db.session.scalar(current.scoped(SavedMapping).where(SavedMapping.source_key == key))
        if found is None:
            db.session.add(SavedMapping(workspace_id=current.workspace_id(), source_key=key, mapping=mapping))
        else:
            found.mapping = mapping
    db.session.flush()
