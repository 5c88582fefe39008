"""Workspace settings, for owners: the workspace's name and the test-send allow-list.

Test sends go only to the workspace's members and to the addresses on this list (previews.test_send),
so an owner adds here the colleagues, clients and seed inboxes who are not members.
This module is the page's form, its service (validate everything, then change and flush) and its view.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func
from wtforms import StringField, TextAreaField

from journeymail.addresses import InvalidAddress, check_address
from journeymail.extensions import db
from journeymail.forms import ServiceForm, status_of, submit
from journeymail.validation import Conflict, ValidationError

from . import current
from .models import Workspace

Page = Any
MAX_NAME = 80
MAX_ALLOW_LIST = 500  # addresses; a test send names at most TEST_SEND_MAX_RECIPIENTS of them


# --- the service -------------------------------------------------------------------------------


def update_settings(workspace: Workspace, data: dict[str, Any]) -> Workspace:
    """Rename `workspace` and replace its allow-list (text, one address per line); every mistake named."""
    errors: dict[str, str] = {}
    name = data.get("name")
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        errors["name"] = _("Name the workspace, e.g. Marketing.")
    elif len(name) > MAX_NAME:
        errors["name"] = _("A workspace name has at most %(most)s characters (this has %(count)s).",
                           most=MAX_NAME, count=len(name))
    try:
        allow_list = parse_allow_list(data.get("allow_list"))
    except ValidationError as error:
        errors.update(error.fields)
    if errors:
        raise ValidationError(errors)
    taken = db.session.scalar(db.select(Workspace.id).where(
        func.lower(Workspace.name) == name.lower(), Workspace.id != workspace.id))
    if taken is not None:
        raise Conflict(_('Another workspace is named "%(name)s" already.', name=name),
                       {"name": _("That name is taken; choose another.")})
    workspace.name = name
    workspace.test_send_allow_list = allow_list
    db.session.flush()
    return workspace


def parse_allow_list(text: Any) -> list[str]:
    """The addresses of `text`, one a line, checked, in lower case, each once, in the order given.

    Empty lines are skipped; a ValidationError names every line that is not an address."""
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise ValidationError({"allow_list": _("Give the addresses as text, one a line.")})
    addresses: list[str] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        try:
            addresses.append(check_address(line).normalized.lower())
        except InvalidAddress as error:
            shown = line if len(line) <= 80 else line[:79] + "…"
            problems.append(_('line %(number)s, "%(line)s": %(problem)s', number=number, line=shown,
                              problem=str(error)))
    if problems:
        listed = "; ".join(problems[:10]) + ("; …" if len(problems) > 10 else "")
        raise ValidationError({"allow_list": ngettext(
            "This line is not an email address: %(lines)s. Write one address a line.",
            "These lines are not email addresses: %(lines)s. Write one address a line.",
            len(problems), lines=listed)})
    addresses = list(dict.fromkeys(addresses))
    if len(addresses) > MAX_ALLOW_LIST:
        raise ValidationError({"allow_list": _("The allow-list holds at most %(most)s addresses (this has %(count)s).",
                                               most=MAX_ALLOW_LIST, count=len(addresses))})
    return addresses


# --- the form and the page ---------------------------------------------------------------------


class SettingsForm(ServiceForm):
    name = StringField(_l("Workspace name"), description=_l("Everyone in the workspace sees it in the header."))
    allow_list = TextAreaField(
        _l("Test-send allow-list"),
        description=_l("Test sends go to the workspace's members and to these addresses only: one address a line, "
                       "e.g. a client or a seed inbox."),
    )


def settings_page() -> Page:
    current.require("manage_settings")
    workspace = current.workspace()
    form = SettingsForm()
    if not form.is_submitted():
        form.name.data = workspace.name
        form.allow_list.data = "\n".join(workspace.test_send_allow_list or [])
    if submit(form, lambda values: update_settings(workspace, values)):
        flash(_("Workspace settings saved."), "success")
        return redirect(url_for("accounts.workspace_settings"))
    members = sorted(m.user.email for m in workspace.memberships)
    return render_template("accounts/settings.html", form=form, workspace=workspace,
                           members=members), status_of(form)


def links_for_pages() -> dict[str, Any]:
    """For the header: whether to show the link to this page."""
    return {"may_manage_settings": current.allowed("manage_settings")}
