"""The audience page of a segment: its rule, edited as nested groups of conditions, with the live count and a
sample of the contacts it holds, the three action presets, and Remove."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm

from accounts import current
from journeymail.extensions import db
from journeymail.http import discard_changes
from journeymail.validation import ValidationError
from segments.models import Segment

from . import rules
from .mapping import FIELD_NAMES, STATUS_NAMES, TYPE_NAMES
from .models import STATUSES
from .rules_api import SAMPLE

Page = Any

# The contact's own fields in the editor's field select: the import's names, and the one it has not.
RULE_FIELD_NAMES = {**FIELD_NAMES, "created_at": _l("Added to Journeymail")}
PLACE = re.compile(r"^\S+ ([0-9]+(?:\.[0-9]+)*)\b")  # "Condition 1.2: ..." / "Bedingung 1.2: ..."
MAX_RULE_TEXT = 100_000


def segment_rule(segment_id: int) -> Page:
    """GET: the rule, its count and sample (read-only for who may not edit the plan). POST: save it."""
    segment = current.get_or_404(Segment, segment_id)
    current.require("edit_plan" if request.method == "POST" else "read")
    form = FlaskForm()
    stored = rules.rule_of(segment.id)
    if request.method == "GET":
        return _page(segment, form, stored, _as_text(stored or {"all": []}))
    text = request.form.get("rule", "")
    if not form.validate_on_submit():
        return _page(segment, form, stored, text, _("The form was sent without a valid security token. Reload the "
                                                    "page and send it again.")), 400
    try:
        rule = _parse(text)
        cleaned = rules.set_rule(segment, rule)
    except ValidationError as error:
        discard_changes()
        return _page(segment, form, stored, text, error.fields.get("rule") or error.message), 422
    flash(_("The rule of %(name)s is saved: %(count)s.", name=segment.name,
            count=_matching(rules.count_matching(cleaned))), "success")
    return redirect(url_for("contacts.segment_rule", segment_id=segment.id))


def remove_rule(segment_id: int) -> Page:
    """Remove a segment's rule: the segment is defined in words only again, and holds no contacts."""
    segment = current.get_or_404(Segment, segment_id)
    current.require("edit_plan")
    if FlaskForm().validate_on_submit():
        rules.clear_rule(segment)
        flash(_("The rule of %(name)s is removed; the segment holds no contacts now.", name=segment.name), "success")
    else:
        flash(_("The form was sent without a valid security token. Reload the page and send it again."), "error")
    return redirect(url_for("contacts.segment_rule", segment_id=segment.id))


def _parse(text: str) -> Any:
    if len(text) > MAX_RULE_TEXT:
        raise ValidationError({"rule": _("The rule is longer than %(most)s characters.", most=MAX_RULE_TEXT)})
    try:
        return json.loads(text)
    except ValueError as error:
        raise ValidationError({"rule": _("The rule is no JSON document (line %(line)s, column %(column)s). Use "
                                         "the editor, or write it as {\"all\": [...]}.",
                                         line=getattr(error, "lineno", 1), column=getattr(error, "colno", 1))}) from None


def _as_text(rule: dict[str, Any]) -> str:
    return json.dumps(rule, ensure_ascii=False, indent=2)


def _matching(total: int) -> str:
    from flask_babel import format_decimal

    return ngettext("%(count)s contact matches", "%(count)s contacts match", total, count=format_decimal(total))


def _page(segment: Segment, form: FlaskForm, stored: dict[str, Any] | None, text: str,
          error: str | None = None) -> str:
    total = rules.count_matching(stored) if stored else 0
    place = PLACE.match(error or "")
    others = [s for s in db.session.scalars(current.scoped(Segment).order_by(Segment.name_key)) if s.id != segment.id]
    fields = [{"value": name, "label": str(RULE_FIELD_NAMES[name]), "type": kind} for name, kind in rules.FIELDS.items()]
    properties = [{"value": f"property:{name}", "label": name, "type": kind, "type_name": str(TYPE_NAMES[kind])}
                  for name, kind in rules.known_properties()]
    config = {
        "segment_id": segment.id,
        "count_url": url_for("contacts_api.count_rule"),
        "readonly": not current.allowed("edit_plan"),
        "fields": fields, "properties": properties,
        "segments": [{"id": s.id, "name": s.name} for s in others],
        "operators": rules.OPERATORS,
        "operator_names": {op: str(name) for op, name in rules.OPERATOR_NAMES.items()},
        "group_names": {kind: str(name) for kind, name in rules.GROUP_NAMES.items()},
        "statuses": [{"value": s, "label": str(STATUS_NAMES[s])} for s in STATUSES],
        "presets": {p.key: p.rule for p in rules.PRESETS},
        "columns": [_("Email address"), _("Name"), _("Status"), _("Opens"), _("Clicks"), _("Last open"),
                    _("Last click")],
        "error": error or "", "error_place": place.group(1) if place else "",
        "text": {
            "field": _("Field"), "operator": _("Operator"), "value": _("Value"), "days": _("days"),
            "yes": _("yes"), "no": _("no"), "remove": _("Remove"), "remove_group": _("Remove group"),
            "add_condition": _("Add condition"), "add_group": _("Add group"), "group_kind": _("Match"),
            "condition": _("Condition %(place)s"), "group": _("Group %(place)s"),
            "own_fields": _("The contact"), "properties": _("Properties"), "segments": _("Segments"),
            "segment_field": _("Membership of a segment"), "no_segment": _("No other segment yet"),
            "matches_one": ngettext("%(count)s contact matches", "%(count)s contacts match", 1, count="%(count)s"),
            "matches_other": ngettext("%(count)s contact matches", "%(count)s contacts match", 2, count="%(count)s"),
            "counting": _("Counting…"), "unreachable": _("The server could not be reached; the count is not up "
                                                         "to date."),
            "empty_group": _("No condition yet: this group holds every contact."),
            "no_sample": _("No contact matches this rule."),
        },
    }
    return render_template(
        "contacts/rule.html", segment=segment, form=form, stored=stored, text=text, error=error, config=config,
        total=total, sample=rules.sample(stored, SAMPLE) if stored else [], matching=_matching(total),
        presets=rules.PRESETS, field_names=RULE_FIELD_NAMES, operator_names=rules.OPERATOR_NAMES,
        group_names=rules.GROUP_NAMES, status_names=STATUS_NAMES, segment_names={s.id: s.name for s in others},
        readonly=config["readonly"])
