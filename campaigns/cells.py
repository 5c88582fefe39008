"""Cells of the segment × phase grid: which emails a segment gets in a phase, and where the gaps are.

A cell with no email is a gap, unless it lies in a phase that only captures addresses (signup forms, information
forms, landing pages; no email to anyone) and one of them reaches the segment: such a cell is capture-only, where
an email is not what is missing. A phase that sends emails to other segments only still leaves this one a gap."""

from __future__ import annotations

from accounts import current
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import selectinload

from journeymail.extensions import db
from segments.models import Segment

from .content import EmailSummary, Summarizer
from .models import Campaign, Phase, Touchpoint, Variant, campaign_segments
from .timing import TriggerGroup, placed, trigger_groups


@dataclass(frozen=True)
class CellEmail:
    """One email as a segment receives it: the segment's variant if there is one, else the base."""

    touchpoint: Touchpoint
    variant: Variant | None  # or a row with its content, from variants_of

    @property
    def subject(self) -> str | None:
        return (self.variant and self.variant.subject) or self.touchpoint.subject


@dataclass
class Cell:
    segment: Segment
    phase: Phase
    emails: list[CellEmail] = field(default_factory=list)
    captures: list[Touchpoint] = field(default_factory=list)  # the phase's forms and pages that reach the segment
    capture_phase: bool = False  # the phase sends no email to anyone: its touchpoints only capture addresses

    @property
    def gap(self) -> bool:
        """A cell with no email that is not capture-only: this segment hears nothing from us in this phase."""
        return not self.emails and not self.capture_only

    @property
    def capture_only(self) -> bool:
        """No email, in a phase that only captures addresses, with a form or page for this segment."""
        return not self.emails and self.capture_phase and bool(self.captures)


def cells(campaign: Campaign) -> dict[tuple[int, int], Cell]:
    """Every (segment_id, phase_id) cell of the campaign's targeted segments, emails in send order."""
    return cells_of(campaign.segments, campaign.phases)


def cells_of(
    segments: list[Segment], phases: list[Phase], variants: Mapping[tuple[int, int], Any] | None = None
) -> dict[tuple[int, int], Cell]:
    """The cells of these segments in these phases (a part of the grid, or all of it). `variants` by
    (touchpoint_id, segment_id), when only some are loaded (variants_of); else each touchpoint's own."""
    if variants is None:
        variants = {(v.touchpoint_id, v.segment_id): v for p in phases for tp in p.touchpoints for v in tp.variants}
    in_order = [(phase_emails(phase), phase_captures(phase)) for phase in phases]
    grid: dict[tuple[int, int], Cell] = {}
    for segment in segments:
        for phase, (emails, captures) in zip(phases, in_order):
            grid[(segment.id, phase.id)] = Cell(segment, phase, [
                CellEmail(tp, variants.get((tp.id, segment.id))) for tp in emails if tp.reaches(segment)
            ], [tp for tp in captures if tp.reaches(segment)] if captures else [], not emails)
    return grid


def variants_of(campaign: Campaign, segments: list[Segment] | None = None) -> dict[tuple[int, int], Any]:
    """The content of the campaign's variants (for these segments only, if given) by (touchpoint_id, segment_id),
    in one query: rows with a Variant's id, touchpoint_id, segment_id, subject, preheader and mjml, to read."""
    query = (
        db.select(Variant.id, Variant.touchpoint_id, Variant.segment_id, Variant.subject, Variant.preheader, Variant.mjml)
        .join(Touchpoint).where(Touchpoint.campaign_id == campaign.id)
    )
    if segments is not None:
        query = query.where(Variant.segment_id.in_([s.id for s in segments]))
    return {(v.touchpoint_id, v.segment_id): v for v in db.session.execute(query)}


def phase_emails(phase: Phase) -> list[Touchpoint]:
    """The phase's emails in send order: by day from their trigger (offsets added up along a chain), then by
    their place in the phase."""
    known: dict[int, Any] = {}
    return [tp for tp in sorted(phase.touchpoints, key=lambda t: (placed(t, known)[1], t.position)) if tp.is_email]


def timeline(campaign: Campaign) -> list[TriggerGroup]:
    """The timeline: touchpoints grouped by the trigger their chain starts from, each group in day order
    (campaigns.timing); unrelated triggers are separate groups."""
    return trigger_groups(campaign.touchpoints)


def phase_captures(phase: Phase) -> list[Touchpoint]:
    """The phase's capture touchpoints (forms and landing pages), in their place in the phase."""
    return [tp for tp in phase.touchpoints if not tp.is_email]


def sequence(campaign: Campaign) -> list[Touchpoint]:
    """Every touchpoint in send order: the timeline's groups one after the other."""
    return [step.touchpoint for group in timeline(campaign) for step in group.steps]


def plan_or_404(campaign_id: int) -> Campaign:
    """The campaign with everything the map, matrix, previews and exports read, loaded up front.

    Phases, their touchpoints with variants and audiences, and the targeted segments come in a
    handful of queries instead of one per touchpoint and segment.
    """
    touchpoints = selectinload(Campaign.phases).selectinload(Phase.touchpoints)
    return current.get_or_404(
        Campaign,
        campaign_id,
        options=[
            touchpoints.selectinload(Touchpoint.variants),
            touchpoints.selectinload(Touchpoint.audience),
            selectinload(Campaign.touchpoints),
            selectinload(Campaign.segments),
        ],
    )


def outline_or_404(campaign_id: int, *, segments: bool = False) -> Campaign:
    """The campaign with its phases and their touchpoints and audiences (and its segments, if asked), but no
    variants: enough to lay out the grid. A page then loads the part it shows: segment_names, segments_by_id
    and variants_of (the variants' content as rows, far cheaper than thousands of objects)."""
    options = [selectinload(Campaign.phases).selectinload(Phase.touchpoints).selectinload(Touchpoint.audience)]
    if segments:
        options.append(selectinload(Campaign.segments))
    return current.get_or_404(Campaign, campaign_id, options=options)


def segment_names(campaign: Campaign) -> list[Row[tuple[int, str]]]:
    """The IDs and names (.id, .name) of the segments the campaign targets, in its order (by name)."""
    return list(db.session.execute(
        db.select(Segment.id, Segment.name).join(campaign_segments, campaign_segments.c.segment_id == Segment.id)
        .where(campaign_segments.c.campaign_id == campaign.id).order_by(Segment.name)
    ))


def segments_by_id(ids: list[int]) -> list[Segment]:
    """These segments, in this order: one query."""
    found = {s.id: s for s in db.session.scalars(current.scoped(Segment).where(Segment.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def cell_summaries(campaign: Campaign, grid: dict[tuple[int, int], Cell]) -> dict[tuple[int, int], list[EmailSummary]]:
    """The summary (subject and check counts) of each email of each cell of `grid`, in the cell's order.

    Summaries are looked up by a hash of each email's content and values; only the emails whose summary
    is not known yet (new, or edited since) are rendered, so a warm campaign renders nothing.
    """
    found = iter(Summarizer(campaign).lookup(
        [(e.touchpoint, e.variant, cell.segment) for cell in grid.values() for e in cell.emails]
    ))
    return {key: [next(found) for _ in cell.emails] for key, cell in grid.items()}  # type: ignore[misc]


def cell_counts(
    campaign: Campaign, grid: dict[tuple[int, int], Cell] | None = None
) -> dict[tuple[int, int], dict[str, int]]:
    """Errors, warnings and unfinished emails per (segment_id, phase_id) cell, for the journey map's segment lanes."""
    return {
        key: {"error": sum(s.errors for s in found), "warning": sum(s.warnings for s in found),
              "unfinished": sum(s.unfinished for s in found)}
        for key, found in cell_summaries(campaign, cells(campaign) if grid is None else grid).items()
    }
