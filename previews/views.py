"""HTML pages of the segment × phase matrix: the grid, one cell's emails previewed, one email as a document,
and the test-send form beside them."""

from __future__ import annotations

from typing import Any

from flask import flash, make_response, redirect, render_template, request, url_for

from campaigns.cells import plan_or_404
from campaigns.content import preview_touchpoint
from campaigns.kinds import KINDS
from campaigns.models import Campaign
from emails.checks import summary
from journeymail.extensions import db
from journeymail.forms import carried_out
from journeymail.http import local_url
from journeymail.security import EMAIL_POLICY

from .lookup import cell_args, elsewhere, lookup
from .matrix import Totals, matrix_grid
from .test_send import TEST_SEND_FIELDS, send_test_request

Page = Any


def matrix_page(campaign_id: int) -> Page:
    """The segment × phase matrix: what each targeted segment receives in each phase, with check counts."""
    campaign = plan_or_404(campaign_id)
    grid = matrix_grid(campaign)
    cells = list(grid.values())
    return render_template(
        "previews/matrix.html",
        campaign=campaign,
        grid=grid,
        totals=Totals.of(cells),
        by_segment={s.id: Totals.of([m for m in cells if m.cell.segment is s]) for s in campaign.segments},
        by_phase={p.id: Totals.of([m for m in cells if m.cell.phase is p]) for p in campaign.phases},
        kinds=KINDS,
        summary=summary,
    )


def cell_preview(campaign_id: int) -> Page:
    """One cell (?segment=ID&phase=ID): each of its emails in send order as that segment receives it, with checks."""
    campaign = plan_or_404(campaign_id)
    segment, phase = cell_args(campaign, request.args.get("segment"), request.args.get("phase"))
    grid = matrix_grid(campaign)
    here = grid[(segment.id, phase.id)]
    phase_index = campaign.phases.index(phase)
    return render_template(
        "previews/cell_preview.html",
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


def email_frame(campaign_id: int) -> Page:
    """One rendered email as a document of its own (?touchpoint=ID&segment=ID), for sandboxed iframes."""
    campaign = db.get_or_404(Campaign, campaign_id)
    touchpoint, segment = lookup(campaign, request.args.get("touchpoint"), request.args.get("segment"))
    preview = preview_touchpoint(touchpoint, segment)
    body = preview.rendered.html
    if body is None:
        body = render_template("previews/frame_unrendered.html", touchpoint=touchpoint, preview=preview)
    response = make_response(body)
    # The email is the author's markup: it may show its images, never run anything, and only we may frame it.
    response.headers["Content-Security-Policy"] = EMAIL_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Cache-Control"] = "no-cache"  # revalidate: an edit must show at once
    response.add_etag()
    return response.make_conditional(request)


# --- the test-send form ----------------------------------------------------------------------


def test_send(campaign_id: int) -> Page:
    """Send a test from the form in templates/previews/_test_send.html, then go back to its page."""
    campaign = db.get_or_404(Campaign, campaign_id)
    back = local_url(request.form.get("next"), url_for("campaigns.journey_map", campaign_id=campaign.id))
    sent = []

    def send() -> None:
        fields = {name: request.form.get(name) for name in TEST_SEND_FIELDS}
        sent.append(send_test_request(campaign, fields, from_form=True))

    if carried_out(send):
        flash(f"Test sent to {', '.join(sent[0].sent_to)}.", "success")
    return redirect(back)
