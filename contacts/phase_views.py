"""The page and API that place contacts in a campaign's journey phases by a rule."""

from __future__ import annotations

import json
from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext

from accounts import current
from campaigns.cells import plan_or_404
from campaigns.models import Campaign
from journeymail.forms import show_refusal
from journeymail.http import json_body
from journeymail.validation import ValidationError

from . import phases, rules
from .forms import PlacePhaseForm

OWN_RULE = "rule"


def _sources(campaign: Campaign) -> list[tuple[str, str]]:
    """The rules a user may pick: each targeted segment's stored rule, the presets, or one of their own."""
    stored = rules.rules_of([s.id for s in campaign.segments])
    found = [(f"segment:{s.id}", _("Segment: %(name)s", name=s.name)) for s in campaign.segments if s.id in stored]
    found += [(f"preset:{p.key}", _("Preset: %(name)s", name=p.name)) for p in rules.PRESETS]
    return [*found, (OWN_RULE, _("A rule of my own (JSON below)"))]


def _rule_of(campaign: Campaign, source: str, text: str) -> Any:
    """The rule a choice of the form stands for; ValidationError naming the field otherwise."""
    if source.startswith("segment:"):
        segment = next((s for s in campaign.segments if f"segment:{s.id}" == source), None)
        rule = rules.rule_of(segment.id) if segment is not None else None
        if rule is None:
            raise ValidationError({"source": _("That segment has no rule; choose another or write one.")})
        return rule
    if source.startswith("preset:"):
        chosen = rules.preset(source.removeprefix("preset:"))
        if chosen is None:
            raise ValidationError({"source": _("Choose which contacts to place.")})
        return chosen.rule
    try:
        return json.loads(text or "")
    except ValueError:
        raise ValidationError({"rule": _('Write the rule as JSON, e.g. {"all": [...]}.')}) from None


def contact_phases(campaign_id: int) -> Any:
    """GET: how many contacts stand in each phase, and the form; POST: place a rule's contacts in a phase."""
    campaign = plan_or_404(campaign_id)
    current.require("read")
    form = PlacePhaseForm()
    form.phase_id.choices = [(p.id, p.name) for p in campaign.phases]
    form.source.choices = _sources(campaign)
    status = 200
    if request.method == "POST":
        current.require("edit_plan")
        if form.validate_on_submit():
            placed = show_refusal(form, lambda: phases.place_by_rule(
                campaign, form.phase_id.data, _rule_of(campaign, form.source.data or "", form.rule.data or "")))
            if placed is not None:
                phase = next(p for p in campaign.phases if p.id == form.phase_id.data)
                flash(ngettext("Placed %(num)d contact in “%(phase)s”.", "Placed %(num)d contacts in “%(phase)s”.",
                               placed, phase=phase.name), "success")
                return redirect(url_for("contacts.contact_phases", campaign_id=campaign.id))
        status = 422
    return render_template("contacts/phases.html", campaign=campaign, form=form,
                           counts=phases.counts(campaign), can_edit=current.allowed("edit_plan")), status


def put_contact_phases(campaign_id: int) -> Any:
    """PUT /api/campaigns/<id>/contact-phases {phase_id, rule} -> {placed}."""
    campaign = plan_or_404(campaign_id)
    current.require("edit_plan")
    body = json_body()
    if not isinstance(body, dict) or "rule" not in body or "phase_id" not in body:
        raise ValidationError({"rule": _('Send {"phase_id": ..., "rule": {"all": [...]}}.')})
    return jsonify(placed=phases.place_by_rule(campaign, body["phase_id"], body["rule"]))
