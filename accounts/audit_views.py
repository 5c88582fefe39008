"""The audit log page (owners): the workspace's entries, newest first, 50 a page, filtered by a GET form."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select
from wtforms.fields.choices import SelectChoice

from journeymail.extensions import db
from journeymail.http import parse_id

from . import audit, current
from .members_forms import AuditFilterForm
from .models import AuditEntry, Membership

Page = Any
PER_PAGE = 50
DATE_HINT = _l("Enter a date as YYYY-MM-DD, e.g. 2026-03-01.")


def audit_log() -> Page:
    """Who did what to which thing, and when; filters by user, action, kind of thing and dates."""
    current.require("read_audit")
    form = AuditFilterForm(formdata=request.args)
    _offer_choices(form)
    query = _filtered(current.scoped(AuditEntry), form)
    page = parse_id(request.args.get("page")) or 1
    entries = db.paginate(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()), page=min(page, 10**6),
                          per_page=PER_PAGE, error_out=False, count=True)
    filters = {name: value for name, value in request.args.items() if name != "page" and value}
    return render_template(
        "accounts/audit.html", form=form, entries=entries, links=links_of(entries.items),
        actions=audit.ACTIONS, kinds=audit.KINDS, details=audit.DETAILS, filters=filters,
    ), 422 if form.errors else 200


def _offer_choices(form: AuditFilterForm) -> None:
    """The filters' options: the people who appear in this workspace's log, and the known actions and kinds."""
    emails = db.session.scalars(current.scoped(AuditEntry, AuditEntry.user_email).distinct()
                                .order_by(AuditEntry.user_email))
    form.user.choices = [SelectChoice("", _("Anyone")), *(SelectChoice(email) for email in emails if email)]
    form.action.choices = [SelectChoice("", _("Anything")), *(SelectChoice(*item) for item in audit.ACTIONS.items())]
    form.kind.choices = [SelectChoice("", _("Any kind")), *(SelectChoice(*item) for item in audit.KINDS.items())]


def _filtered(query: Select[Any], form: AuditFilterForm) -> Select[Any]:
    """`query` limited by each filter that is valid; an invalid one is marked on the form and not applied."""
    for name, known in (("user", {c.value for c in form.user.choices}), ("action", set(audit.ACTIONS)),
                        ("kind", set(audit.KINDS))):
        field = getattr(form, name)
        if field.data and field.data not in known:
            field.errors = [_("Choose one of the options in the list.")]
    if form.user.data and not form.user.errors:
        query = query.where(AuditEntry.user_email == form.user.data)
    if form.action.data and not form.action.errors:
        query = query.where(AuditEntry.action == form.action.data)
    if form.kind.data and not form.kind.errors:
        query = query.where(AuditEntry.subject_kind == form.kind.data)
    since, until = _date(form.since), _date(form.until)
    if since and until and until < since:
        form.until.errors = [_("The end date is before the start date.")]
        until = None
    if since:
        query = query.where(AuditEntry.at >= datetime.combine(since, time.min, timezone.utc))
    if until:
        query = query.where(AuditEntry.at < datetime.combine(until + timedelta(days=1), time.min, timezone.utc))
    return query


def _date(field: Any) -> date | None:
    """A date field's value; a date it could not read is marked with what to enter."""
    raw = (field.data or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw) if len(raw) == 10 else _bad(field)
    except ValueError:
        return _bad(field)


def _bad(field: Any) -> None:
    field.errors = [str(DATE_HINT)]
    return None


# --- links to the things entries are about -------------------------------------------------------


def links_of(entries: list[AuditEntry]) -> dict[int, str]:
    """entry ID -> the URL of its thing, for things that still exist in this workspace."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        if entry.subject_id is not None:
            wanted.setdefault(entry.subject_kind, set()).add(entry.subject_id)
    alive = {kind: _existing(kind, ids) for kind, ids in wanted.items()}
    links: dict[int, str] = {}
    for entry in entries:
        if entry.subject_id in alive.get(entry.subject_kind, ()):
            url = _url(entry)
            if url is not None:
                links[entry.id] = url
    return links


def _existing(kind: str, ids: set[int]) -> set[int]:
    if kind == "member":
        query = current.scoped(Membership, Membership.user_id).where(Membership.user_id.in_(ids))
        return set(db.session.scalars(query))
    model = _model(kind)
    if model is None:
        return set()
    return set(db.session.scalars(current.scoped(model, model.id).where(model.id.in_(ids))))


def _model(kind: str) -> type | None:
    """The model the hook records under `kind` (campaign, phase, ...)."""
    for mapper in db.Model.registry.mappers:
        model = mapper.class_
        if model.__name__.lower() == kind and (hasattr(model, "workspace_id") or hasattr(model, "__scoped_through__")):
            if not model.__module__.startswith("accounts."):
                return model
    return None


def _url(entry: AuditEntry) -> str | None:
    kind, subject_id, detail = entry.subject_kind, entry.subject_id, entry.detail or {}
    if kind == "campaign":
        return url_for("campaigns.journey_map", campaign_id=subject_id)
    if kind == "segment":
        return url_for("segments.edit_segment", segment_id=subject_id)
    if kind == "phase":
        return url_for("campaigns.edit_phase", phase_id=subject_id)
    if kind == "touchpoint":
        return url_for("campaigns.edit_touchpoint", touchpoint_id=subject_id)
    if kind == "variant" and isinstance(detail.get("campaign_id"), int):
        return url_for("campaigns.journey_map", campaign_id=detail["campaign_id"])
    if kind == "member":
        return url_for("accounts.members_page")
    return None
