"""What the plan holds of a segment: the campaigns that target it, its variants, and the emails meant for it alone;
and of a persona: the campaigns that start from it.

Registered with segments.services, so the delete pages can list it and a segment's delete can be refused.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func

from journeymail.extensions import db
from segments.models import Persona, Segment
from segments.services import persona_use, segment_use

from .models import Campaign, Touchpoint, Variant, campaign_segments, touchpoint_segments


@segment_use
def plan_use(segment: Segment) -> dict[str, Any]:
    """The campaigns targeting the segment and its variants, which a delete removes; and a refusal
    while an email is meant for this segment alone: without it, the email's audience would be empty,
    which means every segment, and it would silently reach them all."""
    campaigns = db.session.scalars(
        db.select(Campaign).join(campaign_segments).where(campaign_segments.c.segment_id == segment.id)
    ).all()
    variants = db.session.scalar(db.select(func.count(Variant.id)).where(Variant.segment_id == segment.id))
    only_for_it = sole_audience_of(segment)
    refusal = None
    if only_for_it:
        names = ", ".join(f'"{t.name}" ({t.campaign.name})' for t in only_for_it)
        refusal = _(
            'These emails are meant for "%(segment)s" alone: %(names)s. '
            "Give them another audience, or delete them, before deleting the segment.",
            segment=segment.name, names=names,
        )
    return {"campaigns": campaigns, "variants": variants or 0, "only_for_it": only_for_it, "refusal": refusal}


def sole_audience_of(segment: Segment) -> list[Touchpoint]:
    """The touchpoints whose audience is this segment and no other."""
    others = touchpoint_segments.alias("others")
    audience_size = (
        db.select(func.count()).select_from(others).where(others.c.touchpoint_id == Touchpoint.id).scalar_subquery()
    )
    return list(db.session.scalars(
        db.select(Touchpoint)
        .join(touchpoint_segments, touchpoint_segments.c.touchpoint_id == Touchpoint.id)
        .where(touchpoint_segments.c.segment_id == segment.id, audience_size == 1)
        .order_by(Touchpoint.id)
    ))


@persona_use
def persona_campaigns(persona: Persona) -> dict[str, Any]:
    """The campaigns whose main persona this is; they keep going without one when it is deleted."""
    return {"campaigns": db.session.scalars(
        db.select(Campaign).where(Campaign.persona_id == persona.id).order_by(Campaign.name)
    ).all()}
