"""HTML pages of the segment × phase matrix: the grid, one cell's emails previewed, one email as a document,
and the test-send form beside them."""

from __future__ import annotations

from accounts import current
from typing import Any

from flask import Response, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l, ngettext

from campaigns.cells import cells_of, outline_or_404, segment_names, segments_by_id, variants_of
from campaigns.content import Content, EmailSummary, preview_content, preview_touchpoint, preview_values
from campaigns.kinds import KINDS
from campaigns.models import Campaign
from contacts import rules
from emails.checks import UNFINISHED, is_unfinished, summary
from emails.render import language_of
from journeymail.extensions import reads_only
from journeymail.forms import carried_out
from journeymail.http import local_url, parse_id
from journeymail.security import EMAIL_POLICY
from journeymail.text import slugify
from journeymail.validation import NotFound, ValidationError

from .as_contact import MAX_SEARCH, SAMPLE_SIZE, chosen_contact, contact_values, members
from .lookup import cell_args, elsewhere, lookup
from .matrix import MatrixCell, Pages, Totals, email_count, matrix_grid, nav_cells, nearby
from .test_send import TEST_SEND_FIELDS, email_message, rendered_email, send_test_request

Page = Any


def matrix_page(campaign_id: int) -> Page:
    """The segment × phase matrix: what each targeted segment receives in each phase, with check counts.

    A large campaign comes in pages of segments (?page=2); the totals and the phase sums are the whole campaign's.
    """
    campaign = outline_or_404(campaign_id, segments=True)
    current.require("read")
    pages = Pages.of(len(campaign.segments), email_count(campaign.phases, campaign.segments))
    page = page_arg(request.args.get("page"), pages.count)
    shown = pages.shown(campaign.segments, page)
    grid = matrix_grid(campaign)
    cells = list(grid.values())
    return render_template(
        "previews/matrix.html",
        campaign=campaign,
        grid=grid,
        segments=shown,
        page=page,
        pages=pages.count,
        per_page=pages.per_page,
        first=pages.first(page) + 1,
        totals=Totals.of(cells),
        by_segment={s.id: Totals.of([grid[(s.id, p.id)] for p in campaign.phases]) for s in shown},
        by_phase={p.id: Totals.of([grid[(s.id, p.id)] for s in campaign.segments]) for p in campaign.phases},
        cell_base=url_for("previews.cell_preview", campaign_id=campaign.id),
        frame_base=url_for("previews.email_frame", campaign_id=campaign.id),
        kinds=KINDS,
    )


def page_arg(value: str | None, pages: int) -> int:
    """The matrix page ?page= names: 1 when absent, a 422 when it is not a page number, a 404 past the last."""
    if value in (None, ""):
        return 1
    number = parse_id(value)
    if number is None:
        raise ValidationError({"page": _("%(value)s is not a page number: pages count from 1, e.g. ?page=2.",
                                           value=repr(value))})
    if number > pages:
        raise NotFound(ngettext("The matrix has %(num)d page of segments; there is no page %(value)s.",
                                 "The matrix has %(num)d pages of segments; there is no page %(value)s.", pages, value=value))
    return number


def cell_preview(campaign_id: int) -> Page:
    """One cell (?segment=ID&phase=ID): each of its emails in send order as that segment receives it, with checks.

    Only the cell's own emails are rendered, and only the part of the plan the page shows is loaded. The small
    matrix beside them shows the segments near this one; it shows a cell's checks when they are already known
    (see campaigns.content.EmailSummaries), and renders nothing.
    """
    campaign = outline_or_404(campaign_id)
    current.require("read")
    targeted = segment_names(campaign)
    segment, phase = cell_args(campaign, request.args.get("segment"), request.args.get("phase"),
                               {s.id for s in targeted})
    index = next(i for i, s in enumerate(targeted) if s.id == segment.id)
    start, stop = nearby(len(targeted), index)
    near = segments_by_id([s.id for s in targeted[start:stop]])  # `segment` among them: one object per row
    grid = cells_of(near, campaign.phases, variants_of(campaign, near))
    here = grid[(segment.id, phase.id)]
    contact = chosen_contact(segment, request.args.get("contact"))
    search = (request.args.get("q") or "").strip()[:MAX_SEARCH]
    values = {**preview_values(campaign, segment), **(contact_values(contact) if contact else {})}
    lang = language_of(campaign.locale)
    previews = [preview_content(Content.with_variant(e.touchpoint, e.variant), values, lang) for e in here.emails]
    phase_index = campaign.phases.index(phase)
    return render_template(
        "previews/cell_preview.html",
        campaign=campaign,
        segment=segment,
        phase=phase,
        contact=contact,
        choices=_choices(segment, search, contact),
        search=search,
        has_rule=rules.rule_of(segment.id) is not None,
        sample_size=SAMPLE_SIZE,
        here=MatrixCell(here, [EmailSummary.of(p) for p in previews]),
        emails=list(zip(here.emails, previews)),
        elsewhere=elsewhere(phase, segment),
        previous_phase=campaign.phases[phase_index - 1] if phase_index > 0 else None,
        next_phase=campaign.phases[phase_index + 1] if phase_index + 1 < len(campaign.phases) else None,
        segment_count=len(targeted),
        nearby=near,
        before=targeted[start - 1] if start > 0 else None,
        after=targeted[stop] if stop < len(targeted) else None,
        hidden_before=start,
        hidden_after=len(targeted) - stop,
        nav=nav_cells(campaign, grid),
        cell_base=url_for("previews.cell_preview", campaign_id=campaign.id),
        matrix_page=Pages.of(len(targeted), email_count(campaign.phases, targeted)).page_of(index),
        kinds=KINDS,
        summary=summary,
        is_unfinished=is_unfinished,
        unfinished_code=UNFINISHED,
    )


def _choices(segment: Any, search: str, contact: Any) -> list[Any]:
    """The contacts "Preview as" offers: the segment's first, or those the search finds; the chosen one too."""
    found = members(segment, search)
    if contact is not None and contact not in found:
        found.insert(0, contact)
    return found


def email_frame(campaign_id: int) -> Page:
    """One rendered email as a document of its own (?touchpoint=ID&segment=ID), for sandboxed iframes."""
    campaign = current.get_or_404(Campaign, campaign_id)
    current.require("read")
    touchpoint, segment = lookup(campaign, request.args.get("touchpoint"), request.args.get("segment"))
    contact = chosen_contact(segment, request.args.get("contact"))
    preview = preview_touchpoint(touchpoint, segment, contact_values(contact) if contact else None)
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


def download_eml(campaign_id: int) -> Response:
    """One email as a segment receives it (?touchpoint=ID&segment=ID), as an .eml file a mail program opens: the
    message a test send builds, without its [Test] marks, so the email can be looked at without SMTP."""
    campaign = current.get_or_404(Campaign, campaign_id)
    current.require("download")
    touchpoint, segment = lookup(campaign, request.args.get("touchpoint"), request.args.get("segment"))
    message = email_message(campaign, rendered_email(touchpoint, segment, _l(
        "The email does not render, so there is no message to download: %(error)s")), [],
                            test=False)
    name = slugify(touchpoint.name, f"touchpoint-{touchpoint.id}")
    if segment is not None:
        name += "-" + slugify(segment.name, f"segment-{segment.id}")
    response = Response(message.as_bytes(), content_type="message/rfc822")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.eml"'  # a slug: nothing to quote
    response.headers["Cache-Control"] = "no-store"  # the email as it is now
    return response


# --- the test-send form ----------------------------------------------------------------------


@reads_only  # sent by POST, writes nothing: no write lock while it renders or talks to a server
def test_send(campaign_id: int) -> Page:
    """Send a test from the form in templates/previews/_test_send.html, then go back to its page."""
    campaign = current.get_or_404(Campaign, campaign_id)
    current.require("test_send")
    back = local_url(request.form.get("next"), url_for("campaigns.journey_map", campaign_id=campaign.id))
    sent = []

    def send() -> None:
        fields = {name: request.form.get(name) for name in TEST_SEND_FIELDS}
        sent.append(send_test_request(campaign, fields, from_form=True))

    if carried_out(send):
        flash(_("Test sent to %(addresses)s.", addresses=", ".join(sent[0].sent_to)), "success")
    return redirect(back)
