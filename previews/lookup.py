"""The touchpoint, segment and phase a preview or cell URL names, checked against the campaign."""

from __future__ import annotations

from accounts import current
from collections.abc import Collection

from flask_babel import gettext as _

from campaigns.models import Campaign, Phase, Touchpoint
from journeymail.http import id_arg
from journeymail.validation import NotFound, ValidationError
from segments.models import Segment


def lookup(campaign: Campaign, touchpoint_arg: str | None, segment_arg: str | None) -> tuple[Touchpoint, Segment | None]:
    """The touchpoint and segment a preview URL names (?touchpoint=ID&segment=ID), checked against the campaign."""
    touchpoint_id = id_arg("touchpoint", touchpoint_arg, required=True, purpose="to preview")
    touchpoint = current.get(Touchpoint, touchpoint_id)
    if touchpoint is None or touchpoint.campaign_id != campaign.id:
        raise NotFound(_("The campaign has no touchpoint with ID %(id)s.", id=touchpoint_id))
    if not touchpoint.is_email:
        raise ValidationError({"touchpoint": _("%(kind)s sends no email.", kind=touchpoint.kind_info.with_article.capitalize())})
    segment_id = id_arg("segment", segment_arg, required=False)
    return touchpoint, (None if segment_id is None else targeted_segment(campaign, segment_id))


def targeted_segment(campaign: Campaign, segment_id: int, targeted: Collection[int] | None = None) -> Segment:
    """A segment the campaign targets: 404 when there is no such segment, 422 when it is not targeted.
    `targeted`: the IDs of the segments the campaign targets, when the caller has them (else campaign.segments)."""
    segment = current.get(Segment, segment_id)
    if segment is None:
        raise NotFound(_("There is no segment with ID %(id)s.", id=segment_id))
    if (segment not in campaign.segments) if targeted is None else (segment.id not in targeted):
        raise ValidationError({"segment": _('The campaign does not target the segment "%(name)s".', name=segment.name)})
    return segment


def cell_args(
    campaign: Campaign, segment_arg: str | None, phase_arg: str | None, targeted: Collection[int] | None = None
) -> tuple[Segment, Phase]:
    """The targeted segment and the campaign's phase a cell URL names; ServiceErrors say what is wrong."""
    segment_id = id_arg("segment", segment_arg, required=True)
    phase_id = id_arg("phase", phase_arg, required=True)
    phase = current.get(Phase, phase_id)
    if phase is None or phase.campaign_id != campaign.id:
        raise NotFound(_("The campaign has no phase with ID %(id)s.", id=phase_id))
    return targeted_segment(campaign, segment_id, targeted), phase


def elsewhere(phase: Phase, segment: Segment) -> list[Touchpoint]:
    """The phase's emails meant for other segments only: what a gap could be filled from."""
    return [tp for tp in phase.touchpoints if tp.is_email and not tp.reaches(segment)]
