"""Cells of the segment × phase grid: which emails a segment gets in a phase, and where the gaps are."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import selectinload

from journeymail.extensions import db
from segments.models import Segment

from .content import preview_touchpoint
from .models import Campaign, Phase, Touchpoint, Variant


@dataclass(frozen=True)
class CellEmail:
    """One email as a segment receives it: the segment's variant if there is one, else the base."""

    touchpoint: Touchpoint
    variant: Variant | None

    @property
    def subject(self) -> str | None:
        return (self.variant and self.variant.subject) or self.touchpoint.subject


@dataclass
class Cell:
    segment: Segment
    phase: Phase
    emails: list[CellEmail] = field(default_factory=list)

    @property
    def gap(self) -> bool:
        """A cell with no email: this segment hears nothing from us in this phase."""
        return not self.emails


def cells(campaign: Campaign) -> dict[tuple[int, int], Cell]:
    """Every (segment_id, phase_id) cell of the campaign's targeted segments, emails in send order."""
    grid: dict[tuple[int, int], Cell] = {}
    for segment in campaign.segments:
        for phase in campaign.phases:
            emails = [
                CellEmail(tp, tp.variant_for(segment.id))
                for tp in sorted(phase.touchpoints, key=lambda t: (t.send_offset_days, t.position))
                if tp.is_email and tp.reaches(segment)
            ]
            grid[(segment.id, phase.id)] = Cell(segment, phase, emails)
    return grid


def sequence(campaign: Campaign) -> list[Touchpoint]:
    """The timeline: touchpoints by phase, then by send offset, then by their place in the phase."""
    return sorted(
        campaign.touchpoints,
        key=lambda t: (t.phase.position, t.send_offset_days, t.position),
    )


def plan_or_404(campaign_id: int) -> Campaign:
    """The campaign with everything the map, matrix, previews and exports read, loaded up front.

    Phases, their touchpoints with variants and audiences, and the targeted segments come in a
    handful of queries instead of one per touchpoint and segment.
    """
    touchpoints = selectinload(Campaign.phases).selectinload(Phase.touchpoints)
    return db.get_or_404(
        Campaign,
        campaign_id,
        options=[
            touchpoints.selectinload(Touchpoint.variants),
            touchpoints.selectinload(Touchpoint.audience),
            selectinload(Campaign.touchpoints),
            selectinload(Campaign.segments),
        ],
    )


def cell_counts(campaign: Campaign) -> dict[tuple[int, int], dict[str, int]]:
    """Errors and warnings per (segment_id, phase_id) cell, for the journey map's segment lanes."""
    counts: dict[tuple[int, int], dict[str, int]] = {}
    for key, cell in cells(campaign).items():
        total = {"error": 0, "warning": 0}
        for email in cell.emails:
            for severity, count in preview_touchpoint(email.touchpoint, cell.segment).counts.items():
                total[severity] += count
        counts[key] = total
    return counts
