"""Operations on campaigns, phases, touchpoints and variants.

The HTML views and the JSON API both call these. Each validates its whole input first,
then changes objects and flushes; the request commits once, so a refused change writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from emails.starters import starter_mjml
from journeymail.extensions import db
from journeymail.validation import (
    Choice,
    Conflict,
    Email,
    IdList,
    Integer,
    JSONObject,
    MergeText,
    Pattern,
    Text,
    ValidationError,
    clean,
)
from segments.models import Segment

from .frameworks import FRAMEWORKS
from .kinds import KINDS
from .models import MAP_STATES, Campaign, Phase, Touchpoint, Variant

MJML_MAX_CHARS = 500_000
MAX_POSITION = 10_000

CAMPAIGN_FIELDS = {
    "name": Text(120, required=True, multiline=False),
    "goal": Text(500, required=True),
    "description": Text(5000),
    "framework": Choice(lambda: FRAMEWORKS),
    "map_state": Choice(lambda: MAP_STATES, required=False),
    "sender_name": Text(120, required=True, multiline=False),
    "sender_email": Email(required=True),
    "reply_to": Email(),
    "locale": Pattern(r"[a-z]{2}_[A-Z]{2}", "en_US (language_COUNTRY)", "en_US"),
    "sample_data": JSONObject(),  # default merge-tag values for previews
}
# The framework is where a campaign started; afterwards its phases are edited directly.
CAMPAIGN_UPDATE_FIELDS = {k: v for k, v in CAMPAIGN_FIELDS.items() if k != "framework"}

PHASE_FIELDS = {
    "name": Text(80, required=True, multiline=False),
    "position": Integer(0, MAX_POSITION, required=False),
    "description": Text(2000),
    "emotion": Integer(-2, 2, default=0),
    "pain_points": Text(5000),
    "opportunities": Text(5000),
}

CONTENT_FIELDS = {
    "subject": MergeText(200, nullable=True, multiline=False),
    "preheader": MergeText(200, nullable=True, multiline=False),
    "mjml": MergeText(MJML_MAX_CHARS, nullable=True),
}

TOUCHPOINT_FIELDS = {
    "phase_id": Integer(1, 2**31 - 1),
    "position": Integer(0, MAX_POSITION, required=False),
    "kind": Choice(lambda: KINDS),
    "name": Text(120, required=True, multiline=False),
    "trigger": Text(200, multiline=False),
    "send_offset_days": Integer(0, 3650, default=0),
    "cta": Text(200, multiline=False),
    **CONTENT_FIELDS,
    "text_override": MergeText(MJML_MAX_CHARS, nullable=True),
    "segment_ids": IdList(),  # the audience; empty means every segment the campaign targets
}

M = TypeVar("M")


# --- campaigns ---------------------------------------------------------------------------


def create_campaign(data: Mapping[str, Any], *, from_form: bool = False) -> Campaign:
    """Create a campaign with a copy of its framework's phases."""
    values = clean(data, CAMPAIGN_FIELDS, from_form=from_form)
    values["map_state"] = values["map_state"] or "future"
    campaign = Campaign(**values)
    for position, template in enumerate(FRAMEWORKS[values["framework"]].phases):
        campaign.phases.append(Phase(position=position, name=template.name, description=template.description))
    db.session.add(campaign)
    db.session.flush()
    return campaign


def update_campaign(campaign: Campaign, data: Mapping[str, Any], *, from_form: bool = False) -> Campaign:
    if isinstance(data, Mapping) and "framework" in data:
        raise ValidationError({"framework": "The framework is chosen when the campaign is created; edit the phases instead."})
    values = clean(data, CAMPAIGN_UPDATE_FIELDS, partial=True, from_form=from_form)
    if "map_state" in values and values["map_state"] is None:
        values["map_state"] = campaign.map_state
    _assign(campaign, values)
    db.session.flush()
    return campaign


def delete_campaign(campaign: Campaign) -> None:
    db.session.delete(campaign)
    db.session.flush()


def set_segments(campaign: Campaign, data: Mapping[str, Any]) -> Campaign:
    """Choose which segments the campaign targets (replaces the whole set)."""
    values = clean(data, {"segment_ids": IdList()})
    ids = values["segment_ids"]
    found = {s.id: s for s in db.session.scalars(db.select(Segment).where(Segment.id.in_(ids)))} if ids else {}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError({"segment_ids": "No segment with ID " + ", ".join(map(str, missing)) + "."})
    campaign.segments = [found[i] for i in ids]
    db.session.flush()
    return campaign


# --- phases ------------------------------------------------------------------------------


def add_phase(campaign: Campaign, data: Mapping[str, Any], *, from_form: bool = False) -> Phase:
    values = clean(data, PHASE_FIELDS, from_form=from_form)
    position = values.pop("position")
    phase = Phase(**values)
    _place(campaign.phases, phase, position)  # joining the list puts it in the session
    db.session.flush()
    return phase


def update_phase(phase: Phase, data: Mapping[str, Any], *, from_form: bool = False) -> Phase:
    values = clean(data, PHASE_FIELDS, partial=True, from_form=from_form)
    position = values.pop("position", None)
    _assign(phase, values)
    if position is not None:
        _place(phase.campaign.phases, phase, position)
    db.session.flush()
    return phase


def delete_phase(phase: Phase) -> None:
    """Delete an empty phase; a phase that still holds touchpoints is refused (409)."""
    if phase.touchpoints:
        count = len(phase.touchpoints)
        raise Conflict(
            f'"{phase.name}" still holds {count} touchpoint{"s" if count != 1 else ""}. '
            "Move or delete them first.",
        )
    phases = phase.campaign.phases
    phases.remove(phase)
    _renumber(phases)
    db.session.delete(phase)
    db.session.flush()


# --- touchpoints -------------------------------------------------------------------------


def add_touchpoint(campaign: Campaign, data: Mapping[str, Any], *, from_form: bool = False) -> Touchpoint:
    """Add a touchpoint to one of the campaign's phases; an email starts from the kind's starter MJML."""
    values = clean(data, {**TOUCHPOINT_FIELDS, "segment_ids": IdList(required=False)}, from_form=from_form)
    phase = _phase_of(campaign, values.pop("phase_id"))
    values["audience"] = _audience_of(campaign, values.pop("segment_ids") or [])
    position = values.pop("position")
    _check_content_fits_kind(values["kind"], values)
    if KINDS[values["kind"]].email and not values["mjml"]:
        values["mjml"] = starter_mjml(values["kind"])
    touchpoint = Touchpoint(**values)
    campaign.touchpoints.append(touchpoint)  # joining the list puts it in the session
    touchpoint.phase = phase
    _place(phase.touchpoints, touchpoint, position)
    db.session.flush()
    return touchpoint


def update_touchpoint(touchpoint: Touchpoint, data: Mapping[str, Any], *, from_form: bool = False) -> Touchpoint:
    """Edit a touchpoint; a new phase_id and/or position moves it."""
    values = clean(data, TOUCHPOINT_FIELDS, partial=True, from_form=from_form)
    target = _phase_of(touchpoint.campaign, values.pop("phase_id")) if "phase_id" in values else touchpoint.phase
    if "segment_ids" in values:
        values["audience"] = _audience_of(touchpoint.campaign, values.pop("segment_ids"))
    position = values.pop("position", None)
    kind = values.get("kind", touchpoint.kind)
    _check_content_fits_kind(kind, values)
    if not KINDS[kind].email:  # a form or page sends no email: its content and variants go with the change
        values.update(subject=None, preheader=None, mjml=None, text_override=None)
        touchpoint.variants.clear()
    elif not values.get("mjml", touchpoint.mjml):
        values["mjml"] = starter_mjml(kind)
    _assign(touchpoint, values)
    if target is not touchpoint.phase or position is not None:
        move_touchpoint(touchpoint, target, position)
    db.session.flush()
    return touchpoint


def move_touchpoint(touchpoint: Touchpoint, phase: Phase, position: int | None) -> None:
    """Put a touchpoint into `phase` at `position` (the end when None), renumbering both phases."""
    source = touchpoint.phase
    if touchpoint in source.touchpoints:
        source.touchpoints.remove(touchpoint)
        _renumber(source.touchpoints)
    touchpoint.phase = phase  # the back-reference appends it; _place moves it to its spot
    _place(phase.touchpoints, touchpoint, position)


def delete_touchpoint(touchpoint: Touchpoint) -> None:
    siblings = touchpoint.phase.touchpoints
    # Leaving the phase's list nulls phase_id; loading campaign.touchpoints must not flush that half-done state.
    with db.session.no_autoflush:
        siblings.remove(touchpoint)
        _renumber(siblings)
        touchpoint.campaign.touchpoints.remove(touchpoint)  # delete-orphan: this deletes it and its variants
    db.session.flush()


# --- variants ----------------------------------------------------------------------------


def put_variant(touchpoint: Touchpoint, segment: Segment, data: Mapping[str, Any], *, from_form: bool = False) -> Variant:
    """Create or replace the segment's version of an email; empty fields inherit the base."""
    if not touchpoint.is_email:
        raise ValidationError({"touchpoint": f"A {touchpoint.kind_info.label.lower()} sends no email, so it has no variants."})
    if segment not in touchpoint.campaign.segments:
        raise ValidationError({"segment_id": f'The campaign does not target the segment "{segment.name}". Add it first.'})
    values = clean(data, CONTENT_FIELDS, from_form=from_form)
    variant = touchpoint.variant_for(segment.id)
    if variant is None:
        variant = Variant(segment=segment)
        touchpoint.variants.append(variant)
    _assign(variant, values)
    db.session.flush()
    return variant


def delete_variant(variant: Variant) -> None:
    variant.touchpoint.variants.remove(variant)
    db.session.delete(variant)
    db.session.flush()


# --- helpers -----------------------------------------------------------------------------


def _phase_of(campaign: Campaign, phase_id: int) -> Phase:
    phase = db.session.get(Phase, phase_id)
    if phase is None or phase.campaign_id != campaign.id:
        raise ValidationError({"phase_id": f"The campaign has no phase with ID {phase_id}."})
    return phase


def _audience_of(campaign: Campaign, segment_ids: list[int]) -> list[Segment]:
    targeted = {s.id: s for s in campaign.segments}
    foreign = [i for i in segment_ids if i not in targeted]
    if foreign:
        raise ValidationError(
            {"segment_ids": "The campaign does not target segment ID " + ", ".join(map(str, foreign)) + "."}
        )
    return [targeted[i] for i in segment_ids]


def _check_content_fits_kind(kind: str, values: Mapping[str, Any]) -> None:
    if KINDS[kind].email:
        return
    filled = [name for name in ("subject", "preheader", "mjml", "text_override") if values.get(name)]
    if filled:
        label = KINDS[kind].label
        raise ValidationError({name: f"A {label.lower()} sends no email; leave this empty." for name in filled})


def _assign(obj: object, values: Mapping[str, Any]) -> None:
    for key, value in values.items():
        setattr(obj, key, value)


def _renumber(items: list[Any]) -> None:
    for index, item in enumerate(items):
        item.position = index


def _place(items: list[M], item: M, position: int | None) -> None:
    """Insert or move `item` to `position` in an ordered list (the end when None), then renumber."""
    if item in items:
        items.remove(item)
    index = len(items) if position is None else min(position, len(items))
    items.insert(index, item)
    _renumber(items)
