"""HTML pages of the segment × phase matrix: the grid, one cell's emails previewed, and one email as a document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import make_response, render_template, request

from journeymail.checks import summary
from journeymail.extensions import db
from journeymail.security import EMAIL_POLICY
from journeymail.validation import NotFound
from segments.models import Segment

from . import bp, previews
from .cells import plan_or_404
from .kinds import KINDS
from .models import Campaign, Phase, Touchpoint
from .previews import MatrixCell, id_arg, targeted_segment

Page = Any


@dataclass(frozen=True)
class Totals:
    """What the matrix adds up: the emails segments receive, variants among them, gaps, and check counts."""

    emails: int
    variants: int
    gaps: int
    errors: int
    warnings: int

    @classmethod
    def of(cls, cells: list[MatrixCell]) -> Totals:
        return cls(
            emails=sum(len(m.cell.emails) for m in cells),
            variants=sum(e.variant is not None for m in cells for e in m.cell.emails),
            gaps=sum(m.cell.gap for m in cells),
            errors=sum(m.counts["error"] for m in cells),
            warnings=sum(m.counts["warning"] for m in cells),
        )


def matrix_grid(campaign: Campaign) -> dict[tuple[int, int], MatrixCell]:
    """The previewed cells keyed by (segment_id, phase_id), as the matrix and the journey map look them up."""
    return {(m.cell.segment.id, m.cell.phase.id): m for m in previews.matrix(campaign)}


@bp.app_template_global()
def cell_counts(campaign: Campaign) -> dict[tuple[int, int], dict[str, int]]:
    """Errors and warnings per (segment_id, phase_id) cell, for the journey map's segment lanes."""
    return {key: m.counts for key, m in matrix_grid(campaign).items()}


@bp.get("/campaigns/<int:campaign_id>/matrix")
def matrix_page(campaign_id: int) -> Page:
    """The segment × phase matrix: what each targeted segment receives in each phase, with check counts."""
    campaign = plan_or_404(campaign_id)
    grid = matrix_grid(campaign)
    cells = list(grid.values())
    return render_template(
        "campaigns/matrix.html",
        campaign=campaign,
        grid=grid,
        totals=Totals.of(cells),
        by_segment={s.id: Totals.of([m for m in cells if m.cell.segment is s]) for s in campaign.segments},
        by_phase={p.id: Totals.of([m for m in cells if m.cell.phase is p]) for p in campaign.phases},
        kinds=KINDS,
        summary=summary,
    )


@bp.get("/campaigns/<int:campaign_id>/preview")
def cell_preview(campaign_id: int) -> Page:
    """One cell (?segment=ID&phase=ID): each of its emails in send order as that segment receives it, with checks."""
    campaign = plan_or_404(campaign_id)
    segment, phase = cell_args(campaign, request.args.get("segment"), request.args.get("phase"))
    grid = matrix_grid(campaign)
    here = grid[(segment.id, phase.id)]
    phase_index = campaign.phases.index(phase)
    return render_template(
        "campaigns/cell_preview.html",
        campaign=campaign,
        segment=segment,
        phase=phase,
        here=here,
        emails=list(zip(here.cell.emails, here.previews)),
        elsewhere=elsewhere(phase, segment),
        previous_phase=campaign.phases[phase_index - 1] if phase_index > 0 else None,
        next_phase=campaign.phases[phase_index + 1] if phase_index + 1 < len(campaign.phases) else None,
        grid=grid,
        kinds=KINDS,
        summary=summary,
    )


@bp.get("/campaigns/<int:campaign_id>/frame")
def email_frame(campaign_id: int) -> Page:
    """One rendered email as a document of its own (?touchpoint=ID&segment=ID), for sandboxed iframes."""
    campaign = db.get_or_404(Campaign, campaign_id)
    touchpoint, segment = previews.lookup(campaign, request.args.get("touchpoint"), request.args.get("segment"))
    preview = previews.preview_touchpoint(touchpoint, segment)
    body = preview.rendered.html
    if body is None:
        body = render_template("campaigns/frame_unrendered.html", touchpoint=touchpoint, preview=preview)
    response = make_response(body)
    # The email is the author's markup: it may show its images, never run anything, and only we may frame it.
    response.headers["Content-Security-Policy"] = EMAIL_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Cache-Control"] = "no-cache"  # revalidate: an edit must show at once
    response.add_etag()
    return response.make_conditional(request)


def cell_args(campaign: Campaign, segment_arg: str | None, phase_arg: str | None) -> tuple[Segment, Phase]:
    """The targeted segment and the campaign's phase a cell URL names; ServiceErrors say what is wrong."""
    segment_id = id_arg("segment", segment_arg, required=True)
    phase_id = id_arg("phase", phase_arg, required=True)
    phase = db.session.get(Phase, phase_id)
    if phase is None or phase.campaign_id != campaign.id:
        raise NotFound(f"The campaign has no phase with ID {phase_id}.")
    return targeted_segment(campaign, segment_id), phase


def elsewhere(phase: Phase, segment: Segment) -> list[Touchpoint]:
    """The phase's emails meant for other segments only: what a gap could be filled from."""
    return [tp for tp in phase.touchpoints if tp.is_email and not tp.reaches(segment)]

