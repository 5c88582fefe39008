"""JSON API for campaigns, phases, touchpoints and variants (the contract in DESIGN.md)."""

from __future__ import annotations

from accounts import current
from accounts.roles import touchpoint_field_action
from collections.abc import Mapping
from typing import Any

from flask import jsonify
from flask_babel import gettext as _

from journeymail.extensions import db
from journeymail.http import json_body
from journeymail.i18n import language
from segments.models import Segment

from . import services
from .framework_switch import switch_framework
from .frameworks import frameworks_in
from .models import Campaign, Phase, Touchpoint
from .serialize import campaign_detail, campaign_summary, framework_dict, phase_dict, touchpoint_dict, variant_dict

Reply = tuple[Any, int]


def _done(payload: Any, status: int = 200) -> Reply:
    """The answer; the request's one transaction is committed after it (journeymail.http)."""
    return jsonify(payload), status


def _no_content() -> Reply:
    return "", 204


# --- frameworks and campaigns --------------------------------------------------------------


def frameworks() -> Any:
    """The built-in journey frameworks and their phases, in the request's language (Accept-Language)."""
    current.require("read")
    return jsonify([framework_dict(f) for f in frameworks_in(language()).values()])


def list_campaigns() -> Any:
    current.require("read")
    campaigns = db.session.scalars(current.scoped(Campaign).order_by(Campaign.updated_at.desc(), Campaign.id.desc()))
    return jsonify([campaign_summary(c) for c in campaigns])


def create_campaign() -> Reply:
    current.require("edit_plan")
    campaign = services.create_campaign(json_body())
    return _done(campaign_detail(campaign), 201)


def get_campaign(campaign_id: int) -> Any:
    campaign = current.get_or_404(Campaign, campaign_id)
    current.require("read")
    return jsonify(campaign_detail(campaign))


def update_campaign(campaign_id: int) -> Reply:
    """Edit a campaign's settings; {framework, phase_map?} switches its framework (campaigns.framework_switch)."""
    campaign = current.get_or_404(Campaign, campaign_id)
    current.require("edit_plan")
    body = json_body()
    if isinstance(body, Mapping) and "framework" in body:
        switch_framework(campaign, body)
        body = {k: v for k, v in body.items() if k not in ("framework", "phase_map")}
    campaign = services.update_campaign(campaign, body)
    return _done(campaign_detail(campaign))


def delete_campaign(campaign_id: int) -> Reply:
    campaign = current.get_or_404(Campaign, campaign_id)
    current.require("delete")
    services.delete_campaign(campaign)
    return _no_content()


def set_segments(campaign_id: int) -> Reply:
    campaign = current.get_or_404(Campaign, campaign_id)
    current.require("edit_plan")
    campaign = services.set_segments(campaign, json_body())
    return _done({"segment_ids": [s.id for s in campaign.segments]})


# --- phases ------------------------------------------------------------------------------


def add_phase(campaign_id: int) -> Reply:
    campaign = current.get_or_404(Campaign, campaign_id)
    current.require("edit_plan")
    phase = services.add_phase(campaign, json_body())
    return _done(phase_dict(phase), 201)


def update_phase(phase_id: int) -> Reply:
    phase = current.get_or_404(Phase, phase_id)
    current.require("edit_plan")
    phase = services.update_phase(phase, json_body())
    return _done(phase_dict(phase))


def delete_phase(phase_id: int) -> Reply:
    phase = current.get_or_404(Phase, phase_id)
    current.require("edit_plan")
    services.delete_phase(phase)
    return _no_content()


# --- touchpoints and variants ------------------------------------------------------------


def add_touchpoint(campaign_id: int) -> Reply:
    campaign = current.get_or_404(Campaign, campaign_id)
    current.require("edit_plan")
    touchpoint = services.add_touchpoint(campaign, json_body())
    return _done(touchpoint_dict(touchpoint), 201)


def update_touchpoint(touchpoint_id: int) -> Reply:
    """Edit a touchpoint: a copywriter may change its email (subject, preheader, mjml, text_override),
    not its place in the plan; a 403 names the fields it may not change (accounts.roles)."""
    touchpoint = current.get_or_404(Touchpoint, touchpoint_id)
    current.require("write_emails")
    body = json_body()
    fields = [name for name in body if name in services.TOUCHPOINT_FIELDS] if isinstance(body, Mapping) else []
    current.require_fields(fields, touchpoint_field_action)  # unknown fields: the service's 422
    touchpoint = services.update_touchpoint(touchpoint, body)
    return _done(touchpoint_dict(touchpoint))


def delete_touchpoint(touchpoint_id: int) -> Reply:
    touchpoint = current.get_or_404(Touchpoint, touchpoint_id)
    current.require("edit_plan")
    services.delete_touchpoint(touchpoint)
    return _no_content()


def put_variant(touchpoint_id: int, segment_id: int) -> Reply:
    touchpoint = current.get_or_404(Touchpoint, touchpoint_id)
    segment = current.get_or_404(Segment, segment_id)
    current.require("write_emails")
    created = touchpoint.variant_for(segment_id) is None
    variant = services.put_variant(touchpoint, segment, json_body())
    return _done(variant_dict(variant), 201 if created else 200)


def delete_variant(touchpoint_id: int, segment_id: int) -> Reply:
    touchpoint = current.get_or_404(Touchpoint, touchpoint_id)
    current.get_or_404(Segment, segment_id)  # another workspace's segment: 404 before any role check
    current.require("write_emails")
    variant = touchpoint.variant_for(segment_id)
    if variant is None:
        return jsonify(error={"message": _("This touchpoint has no variant for that segment."), "fields": {}}), 404
    services.delete_variant(variant)
    return _no_content()
