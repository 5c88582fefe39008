"""HTML pages: campaign list and settings, the journey map, phases and touchpoints."""

from __future__ import annotations

from accounts import current
from accounts.roles import touchpoint_field_action
from collections.abc import Mapping
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from journeymail.extensions import db
from journeymail.mailer import smtputf8_warning
from journeymail.http import parse_id
from journeymail.forms import carried_out, status_of, submit
from journeymail.i18n import language
from journeymail.validation import ValidationError
from segments.forms import persona_choices
from segments.services import list_personas, list_segments

from . import map_page, services
from .frameworks import FRAMEWORKS, frameworks_in, suggested_kind
from .cells import outline_or_404, plan_or_404
from .framework_switch import FIELD, KEEP, apply_switch, guess, plan_switch
from .forms import CampaignEditForm, CampaignForm, PhaseForm, TouchpointForm
from .kinds import KINDS
from .models import Campaign, Phase, Touchpoint
from .timing import sent_after

Page = Any


def index() -> Page:
    current.require("read")
    return redirect(url_for("campaigns.list_campaigns"))


# Every POST here is checked for its CSRF token by CSRFProtect before the view runs.


# --- campaigns ---------------------------------------------------------------------------


def list_campaigns() -> Page:
    """All campaigns, most recently changed first."""
    current.require("read")
    campaigns = db.session.scalars(current.scoped(Campaign).order_by(Campaign.updated_at.desc(), Campaign.id.desc())).all()
    return render_template("campaigns/list.html", campaigns=campaigns, frameworks=frameworks_in(language()))


def new_campaign() -> Page:
    """Start a campaign from a journey framework."""
    current.require("edit_plan")
    form = CampaignForm()
    form.persona_id.choices = persona_choices(list_personas())
    campaign = submit(form, lambda values: services.create_campaign(values, from_form=True))
    if campaign:
        flash(ngettext('Campaign "%(name)s" created with %(num)d phase.', 'Campaign "%(name)s" created with %(num)d phases.',
                       len(campaign.phases), name=campaign.name), "success")
        _warn_about_sender(campaign)
        return redirect(url_for("campaigns.journey_map", campaign_id=campaign.id))
    return render_template("campaigns/form.html", form=form, frameworks=frameworks_in(language())), status_of(form)


def journey_map(campaign_id: int) -> Page:
    """The journey map: phases as columns, lanes for goals, touchpoints, emotion, pains, opportunities, segments."""
    campaign = plan_or_404(campaign_id)
    current.require("read")
    return render_template("campaigns/map.html", **map_page.page_context(campaign))


def edit_campaign(campaign_id: int) -> Page:
    """Campaign settings: name, goal, sender, locale, map state."""
    campaign = current.get_or_404(Campaign, campaign_id)
    current.require("edit_plan")
    form = CampaignEditForm(obj=campaign)
    form.persona_id.choices = persona_choices(list_personas())
    if submit(form, lambda values: services.update_campaign(campaign, values, from_form=True)):
        flash(_("Campaign saved."), "success")
        _warn_about_sender(campaign)
        return redirect(url_for("campaigns.journey_map", campaign_id=campaign.id))
    return render_template(
        "campaigns/form.html", form=form, campaign=campaign, frameworks=frameworks_in(language())
    ), status_of(form)


def delete_campaign(campaign_id: int) -> Page:
    """Ask before deleting a campaign with everything in it."""
    campaign = current.get_or_404(Campaign, campaign_id)
    current.require("delete")
    form = FlaskForm()
    if form.validate_on_submit():
        name = campaign.name
        services.delete_campaign(campaign)
        flash(_('Campaign "%(name)s" deleted.', name=name), "success")
        return redirect(url_for("campaigns.list_campaigns"))
    return render_template("campaigns/delete.html", campaign=campaign, form=form)


def campaign_segments(campaign_id: int) -> Page:
    """Choose which segments the campaign targets."""
    campaign = current.get_or_404(Campaign, campaign_id)
    current.require("edit_plan")
    form = FlaskForm()
    status = 200
    if form.validate_on_submit():
        # IDs become numbers; anything else goes to the service as it is, which refuses it.
        ids = [parse_id(i) or i for i in request.form.getlist("segment_ids")]
        if not carried_out(lambda: services.set_segments(campaign, {"segment_ids": ids})):
            status = 422
        else:
            flash(ngettext("The campaign now targets %(num)d segment.", "The campaign now targets %(num)d segments.",
                           len(campaign.segments)), "success")
            return redirect(url_for("campaigns.journey_map", campaign_id=campaign.id))
    return render_template(
        "campaigns/segments.html", campaign=campaign, segments=list_segments(), form=form
    ), status


# --- switching the framework -----------------------------------------------------------


def choose_framework(campaign_id: int) -> Page:
    """Switch framework, step 1: pick the framework to switch to."""
    campaign = current.get_or_404(Campaign, campaign_id)
    current.require("edit_plan")
    return render_template("campaigns/framework_choose.html", campaign=campaign, frameworks=frameworks_in(language()))


def switch_framework(campaign_id: int, framework_key: str) -> Page:
    """Switch framework, steps 2 to 4: map each old phase to a new one (a guess to start from), preview the
    phases that result with their touchpoints, then apply exactly the previewed mapping."""
    campaign = outline_or_404(campaign_id)  # phases and their touchpoints; no variants to load
    framework = FRAMEWORKS.get(framework_key) or abort(404)
    current.require("edit_plan")
    shown = frameworks_in(language())  # the names the page shows, in the user's language
    form = FlaskForm()
    chosen = {phase_id: str(target) for phase_id, target in guess(campaign, framework).items()}
    switch, problem, problems, status = None, None, {}, 200
    if form.validate_on_submit():
        posted = {name.removeprefix("phase_map."): value for name, value in request.form.items()
                  if name.startswith("phase_map.")}
        chosen = {phase.id: posted.get(str(phase.id), "") for phase in campaign.phases}
        try:
            switch = plan_switch(campaign, framework, posted)
        except ValidationError as error:
            problem, problems, status = error.message, error.fields, 422
        else:
            if request.form.get("step") == "apply":
                apply_switch(switch)
                flash(ngettext("The campaign now follows %(framework)s: %(num)d phase.",
                               "The campaign now follows %(framework)s: %(num)d phases.",
                               len(switch.phases), framework=shown[framework.key].name), "success")
                return redirect(url_for("campaigns.journey_map", campaign_id=campaign.id))
    return render_template(
        "campaigns/framework_switch.html", campaign=campaign, framework=shown[framework.key], form=form, chosen=chosen,
        switch=switch, problem=problem, problems=problems, keep=KEEP, field=FIELD, kinds=KINDS,
        valid=[*map(str, range(len(framework.phases))), KEEP],
        current=shown.get(campaign.framework),
    ), status


# --- phases ------------------------------------------------------------------------------


def new_phase(campaign_id: int) -> Page:
    campaign = current.get_or_404(Campaign, campaign_id)
    current.require("edit_plan")
    form = PhaseForm()
    if phase := submit(form, lambda values: services.add_phase(campaign, values, from_form=True)):
        flash(_('Phase "%(name)s" added.', name=phase.name), "success")
        return redirect(url_for("campaigns.journey_map", campaign_id=campaign.id, _anchor=f"phase-{phase.id}"))
    return render_template("campaigns/phase_form.html", form=form, campaign=campaign), status_of(form)


def edit_phase(phase_id: int) -> Page:
    phase = current.get_or_404(Phase, phase_id)
    current.require("edit_plan")
    form = PhaseForm(obj=phase)
    if submit(form, lambda values: services.update_phase(phase, values, from_form=True)):
        flash(_('Phase "%(name)s" saved.', name=phase.name), "success")
        return redirect(url_for("campaigns.journey_map", campaign_id=phase.campaign_id, _anchor=f"phase-{phase.id}"))
    return render_template("campaigns/phase_form.html", form=form, campaign=phase.campaign, phase=phase), status_of(form)


def move_phase(phase_id: int) -> Page:
    """Move a phase one place left or right (buttons on the map)."""
    phase = current.get_or_404(Phase, phase_id)
    current.require("edit_plan")
    step = {"left": -1, "right": 1}.get(request.form.get("direction", ""))
    if step:
        services.lock_places(phase.campaign)  # the step counts from where the phase is now, not from a stale read
        services.update_phase(phase, {"position": max(0, phase.position + step)})
    return redirect(url_for("campaigns.journey_map", campaign_id=phase.campaign_id, _anchor=f"phase-{phase.id}"))


def delete_phase(phase_id: int) -> Page:
    """Ask before deleting a phase: a POST deletes only when sent from this page's button (confirm=yes)."""
    phase = current.get_or_404(Phase, phase_id)
    current.require("edit_plan")
    form = FlaskForm()
    if form.validate_on_submit() and request.form.get("confirm") == "yes":
        campaign_id, name = phase.campaign_id, phase.name
        if carried_out(lambda: services.delete_phase(phase)):
            flash(_('Phase "%(name)s" deleted.', name=name), "success")
        return redirect(url_for("campaigns.journey_map", campaign_id=campaign_id))
    return render_template("campaigns/phase_delete.html", phase=phase, form=form)


# --- touchpoints -------------------------------------------------------------------------


def new_touchpoint(campaign_id: int) -> Page:
    """Place a touchpoint in a phase. ?phase=ID preselects the phase and a kind of email that fits it, ?kind=KEY
    the kind, ?segment=ID ticks that segment in the audience (planning the email a gap is missing)."""
    campaign = current.get_or_404(Campaign, campaign_id)
    current.require("edit_plan")
    form = TouchpointForm(**(prefill(campaign, request.args) if request.method == "GET" else {}))
    _phase_choices(form, campaign)
    _follows_choices(form, campaign, None)
    if touchpoint := submit(form, lambda values: services.add_touchpoint(campaign, values, from_form=True)):
        flash(_('"%(name)s" added to %(phase)s.', name=touchpoint.name, phase=touchpoint.phase.name), "success")
        return redirect(url_for("campaigns.journey_map", campaign_id=campaign.id, _anchor=f"touchpoint-{touchpoint.id}"))
    return render_template("campaigns/touchpoint_form.html", form=form, campaign=campaign, kinds=KINDS), status_of(form)


def edit_touchpoint(touchpoint_id: int) -> Page:
    """Edit a touchpoint; choosing another phase moves it there (the form fallback for drag and drop).
    A copywriter sees the plan's fields disabled and changes only the inbox line (accounts.roles)."""
    touchpoint = current.get_or_404(Touchpoint, touchpoint_id)
    current.require("write_emails")
    if request.method == "POST":
        current.require_fields((k for k in request.form if k in services.TOUCHPOINT_FIELDS), touchpoint_field_action)
    form = TouchpointForm(obj=touchpoint)
    _phase_choices(form, touchpoint.campaign)
    _follows_choices(form, touchpoint.campaign, touchpoint)
    changeable = _changeable_fields(form)
    if submit(form, lambda values: services.update_touchpoint(
            touchpoint, {k: v for k, v in values.items() if k in changeable}, from_form=True)):
        flash(_('"%(name)s" saved.', name=touchpoint.name), "success")
        return redirect(
            url_for("campaigns.journey_map", campaign_id=touchpoint.campaign_id, _anchor=f"touchpoint-{touchpoint.id}")
        )
    return render_template(
        "campaigns/touchpoint_form.html", form=form, campaign=touchpoint.campaign, touchpoint=touchpoint, kinds=KINDS
    ), status_of(form)


def move_touchpoint(touchpoint_id: int) -> Page:
    """Move a touchpoint up or down within its phase, or to the neighbouring phase (buttons on the map)."""
    touchpoint = current.get_or_404(Touchpoint, touchpoint_id)
    current.require("edit_plan")
    direction = request.form.get("direction")
    if direction in ("up", "down", "left", "right"):
        services.lock_places(touchpoint.campaign)  # the step counts from where it is now, not from a stale read
    phases = touchpoint.campaign.phases
    index = phases.index(touchpoint.phase)
    change: dict[str, int] = {}
    if direction == "up":
        change = {"position": max(0, touchpoint.position - 1)}
    elif direction == "down":
        change = {"position": touchpoint.position + 1}
    elif direction == "left" and index > 0:
        change = {"phase_id": phases[index - 1].id}
    elif direction == "right" and index < len(phases) - 1:
        change = {"phase_id": phases[index + 1].id}
    if change:
        services.update_touchpoint(touchpoint, change)
    return redirect(url_for("campaigns.journey_map", campaign_id=touchpoint.campaign_id, _anchor=f"touchpoint-{touchpoint.id}"))


def delete_touchpoint(touchpoint_id: int) -> Page:
    """Ask before deleting a touchpoint and its variants."""
    touchpoint = current.get_or_404(Touchpoint, touchpoint_id)
    current.require("edit_plan")
    form = FlaskForm()
    if form.validate_on_submit():
        campaign_id, name = touchpoint.campaign_id, touchpoint.name
        services.delete_touchpoint(touchpoint)
        flash(_('"%(name)s" deleted.', name=name), "success")
        return redirect(url_for("campaigns.journey_map", campaign_id=campaign_id))
    return render_template(
        "campaigns/touchpoint_delete.html", touchpoint=touchpoint, form=form, followers=services.followers_of(touchpoint)
    )


def _changeable_fields(form: TouchpointForm) -> set[str]:
    """The fields the role may change (accounts.roles); the others are shown disabled, as a copywriter sees
    the plan's fields, and a browser does not send them."""
    changeable = {name for name in form.values() if current.allowed(touchpoint_field_action(name))}
    for name in form.values().keys() - changeable:
        form[name].render_kw = {**(form[name].render_kw or {}), "disabled": True}
    return changeable


def _warn_about_sender(campaign: Campaign) -> None:
    """A sender like jörg@bücher.de is valid, but few mail servers carry it: say so, without refusing it."""
    if warning := smtputf8_warning(campaign.sender_email, campaign.reply_to):
        flash(warning, "info")


def prefill(campaign: Campaign, args: Mapping[str, str]) -> dict[str, Any]:
    """The new-touchpoint form's first values from its query string; what does not name this campaign's phase,
    a targeted segment or a kind is left out, never an error."""
    phase = next((p for p in campaign.phases if p.id == parse_id(args.get("phase"))), None)
    segment = next((s for s in campaign.segments if s.id == parse_id(args.get("segment"))), None)
    kind = args.get("kind") if args.get("kind") in KINDS else None
    if kind is None:
        kind = suggested_kind(phase.name, campaign.framework) if phase else "welcome"
    values: dict[str, Any] = {"kind": kind}
    if phase:
        values["phase_id"] = phase.id
    if segment:
        values["segment_ids"] = [segment.id]
    return values


def _phase_choices(form: TouchpointForm, campaign: Campaign) -> None:
    form.phase_id.choices = [SelectChoice(str(p.id), p.name) for p in campaign.phases]
    if form.phase_id.data is not None:
        form.phase_id.data = str(form.phase_id.data)



def _follows_choices(form: TouchpointForm, campaign: Campaign, touchpoint: Touchpoint | None) -> None:
    """"Sends after": its trigger, or a touchpoint of the campaign, by phase; never itself or one that sends
    after it (the service refuses those too)."""
    barred = {touchpoint.id, *sent_after(touchpoint, campaign.touchpoints)} if touchpoint else set()
    choices = [SelectChoice("", _("Its trigger (days count from the trigger)"))]
    for phase in campaign.phases:
        choices += [
            SelectChoice(str(tp.id), tp.name, optgroup=phase.name) for tp in phase.touchpoints if tp.id not in barred
        ]
    form.follows_id.choices = choices
    form.follows_id.data = "" if form.follows_id.data is None else str(form.follows_id.data)
