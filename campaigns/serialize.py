"""Campaigns and what they hold as JSON-ready dicts: the shapes the API contract fixes.

One function per resource, each the resource's only serialization: the API answers with these dicts, and
the campaign document (exports.documents) is built from them, rewriting IDs as positions and names.
"""

from __future__ import annotations

from typing import Any

from journeymail.http import iso

from .frameworks import Framework
from .models import Campaign, Phase, Touchpoint, Variant


def campaign_summary(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.id,
        "name": campaign.name,
        "goal": campaign.goal,
        "goal_kpi": campaign.goal_kpi,
        "goal_target": campaign.goal_target,
        "touchpoint_effects": campaign.touchpoint_effects,
        "persona_id": campaign.persona_id,
        "description": campaign.description,
        "framework": campaign.framework,
        "map_state": campaign.map_state,
        "sender_name": campaign.sender_name,
        "sender_email": campaign.sender_email,
        "reply_to": campaign.reply_to,
        "locale": campaign.locale,
        "address_form": campaign.address_form,
        "sample_data": campaign.sample_data,
        "created_at": iso(campaign.created_at),
        "updated_at": iso(campaign.updated_at),
    }


def campaign_detail(campaign: Campaign) -> dict[str, Any]:
    return {
        **campaign_summary(campaign),
        "phases": [phase_dict(p) for p in campaign.phases],
        "touchpoints": [touchpoint_dict(t) for t in campaign.touchpoints_in_order()],
        "segment_ids": [s.id for s in campaign.segments],
    }


def phase_dict(phase: Phase) -> dict[str, Any]:
    return {
        "id": phase.id,
        "campaign_id": phase.campaign_id,
        "position": phase.position,
        "name": phase.name,
        "description": phase.description,
        "emotion": phase.emotion,
        "pain_points": phase.pain_points,
        "opportunities": phase.opportunities,
        "content_needs": phase.content_needs,
    }


def touchpoint_dict(touchpoint: Touchpoint) -> dict[str, Any]:
    return {
        "id": touchpoint.id,
        "campaign_id": touchpoint.campaign_id,
        "phase_id": touchpoint.phase_id,
        "position": touchpoint.position,
        "kind": touchpoint.kind,
        "is_email": touchpoint.is_email,
        "name": touchpoint.name,
        "trigger": touchpoint.trigger,
        "send_offset_days": touchpoint.send_offset_days,
        "follows_id": touchpoint.follows_id,  # the touchpoint it sends after; null: it counts from its trigger
        "cta": touchpoint.cta,
        "feeling": touchpoint.feeling,
        "subject": touchpoint.subject,
        "preheader": touchpoint.preheader,
        "mjml": touchpoint.mjml,
        "text_override": touchpoint.text_override,
        "segment_ids": [s.id for s in touchpoint.audience],
        "variants": [variant_dict(v) for v in sorted(touchpoint.variants, key=lambda v: v.segment_id)],
    }


def variant_dict(variant: Variant) -> dict[str, Any]:
    return {
        "touchpoint_id": variant.touchpoint_id,
        "segment_id": variant.segment_id,
        "subject": variant.subject,
        "preheader": variant.preheader,
        "mjml": variant.mjml,
    }


def framework_dict(framework: Framework) -> dict[str, Any]:
    return {
        "key": framework.key,
        "name": framework.name,
        "summary": framework.summary,
        "phases": [{"name": p.name, "description": p.description} for p in framework.phases],
    }
