"""Operations on segments, called by both the HTML views and the JSON API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func

from journeymail.extensions import db
from journeymail.validation import Conflict, JSONObject, Text, clean

from .models import Segment

SEGMENT_FIELDS = {
    "name": Text(80, required=True, multiline=False),
    "description": Text(2000),
    "motivation": Text(300, required=True),
    "action": Text(300, required=True),
    "obstacle": Text(300, required=True),
    "opportunity": Text(2000),
    "sample_data": JSONObject(),
}

# Starting points for the three axes, offered while typing (the user may write anything).
SUGGESTIONS = {
    "motivation": (
        "Follows us actively as a resource and wants direct contact",
        "Checks casually what we are about and how we might help later",
        "Signed up by accident and has not unsubscribed yet",
    ),
    "action": (
        "Clicks through for more information and offers",
        "Opens and reads, but does not click",
        "Does not engage at all",
    ),
    "obstacle": (
        "Does not know enough about us yet to care",
        "Our emails are unclear, confusing or off-brand",
        "Our emails are plain, with no call to action or other way to engage",
    ),
}


def list_segments() -> list[Segment]:
    """Every segment, by name."""
    return list(db.session.scalars(db.select(Segment).order_by(func.lower(Segment.name))))


def create_segment(data: Mapping[str, Any], *, from_form: bool = False) -> Segment:
    values = clean(data, SEGMENT_FIELDS, from_form=from_form)
    _check_name_free(values["name"])
    segment = Segment(**values)
    db.session.add(segment)
    db.session.flush()
    return segment


def update_segment(segment: Segment, data: Mapping[str, Any], *, from_form: bool = False) -> Segment:
    values = clean(data, SEGMENT_FIELDS, partial=True, from_form=from_form)
    if "name" in values:
        _check_name_free(values["name"], segment.id)
    for key, value in values.items():
        setattr(segment, key, value)
    db.session.flush()
    return segment


def delete_segment(segment: Segment) -> None:
    """Delete a segment; campaigns stop targeting it and its variants go with it.

    Refused (409) while an email is meant for this segment alone: without it, the email's
    audience would be empty, which means every segment, and it would silently reach them all.
    """
    only_for_it = sole_audience_of(segment)
    if only_for_it:
        names = ", ".join(f'"{t.name}" ({t.campaign.name})' for t in only_for_it)
        raise Conflict(
            f'These emails are meant for "{segment.name}" alone: {names}. '
            "Give them another audience, or delete them, before deleting the segment."
        )
    db.session.delete(segment)
    db.session.flush()


def sole_audience_of(segment: Segment) -> list[Any]:
    """The touchpoints whose audience is this segment and no other."""
    from campaigns.models import Touchpoint, touchpoint_segments

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


def _check_name_free(name: str, own_id: int | None = None) -> None:
    """Names are unique regardless of case: "Busy founders" and "busy founders" would confuse anyone.

    Compared in Python: SQLite's lower() folds ASCII only, so "Ärzte" and "ärzte" would both get in.
    """
    query = db.select(Segment.name)
    if own_id is not None:
        query = query.where(Segment.id != own_id)
    if any(taken.casefold() == name.casefold() for taken in db.session.scalars(query)):
        raise Conflict(f'A segment named "{name}" already exists.', {"name": "This name is taken; choose another."})


def usage(segment: Segment) -> dict[str, Any]:
    """What deleting the segment would touch: the campaigns targeting it and its variants."""
    from campaigns.models import Campaign, Variant, campaign_segments

    campaigns = db.session.scalars(
        db.select(Campaign).join(campaign_segments).where(campaign_segments.c.segment_id == segment.id)
    ).all()
    variants = db.session.scalar(db.select(func.count(Variant.id)).where(Variant.segment_id == segment.id))
    return {"campaigns": campaigns, "variants": variants or 0, "only_for_it": sole_audience_of(segment)}
