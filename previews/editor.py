"""The email editor: a touchpoint's subject, preheader and MJML, or one segment's variant of them,
written beside a live preview of exactly what that segment receives.

The page is a plain HTML form (it saves without JavaScript); static/js/editor.js adds the live
preview through POST /api/preview, the line-number gutter and the check links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from jinja2 import TemplateNotFound

from campaigns import services
from campaigns.content import preview_values
from campaigns.models import Touchpoint
from emails.preview import Preview, preview_source
from journeymail.extensions import db
from journeymail.forms import ServiceForm, carried_out, status_of, submit
from journeymail.http import MAX_ID, parse_id
from segments.models import Segment

from .forms import BaseEmailForm, VariantForm

Page = Any
TEST_SEND_TEMPLATE = "previews/_test_send.html"


@dataclass(frozen=True)
class SegmentTab:
    """One entry of the segment picker."""

    segment: Segment
    variant: bool
    sent: bool  # False when the touchpoint's audience leaves this segment out


# --- the editor ----------------------------------------------------------------------------


def email_editor(touchpoint_id: int) -> Page:
    """Write the base email, or with ?segment=ID that segment's variant, beside its live preview."""
    touchpoint = _email_touchpoint(touchpoint_id)
    segment = _segment_arg(touchpoint)
    if segment is not None and segment not in touchpoint.campaign.segments:
        flash(f'The campaign does not target the segment "{segment.name}"; here is the base email.', "error")
        return redirect(url_for("previews.email_editor", touchpoint_id=touchpoint.id))
    variant = touchpoint.variant_for(segment.id) if segment is not None else None
    # A segment without a variant is shown the base email read-only; posting to it (say, after its
    # variant was reset in another tab) creates the variant from what was posted.
    form: ServiceForm
    if segment is None:
        form = BaseEmailForm(obj=touchpoint)
        saved = submit(form, lambda values: services.update_touchpoint(touchpoint, values, from_form=True))
    else:
        form = VariantForm(obj=variant or _base_copy(touchpoint))
        saved = submit(form, lambda values: services.put_variant(touchpoint, segment, values, from_form=True))
    if saved:
        flash(
            f'Saved the variant for "{segment.name}".' if segment else f'Saved the email "{touchpoint.name}".',
            "success",
        )
        return redirect(_editor_url(touchpoint, segment))
    editing = segment is None or variant is not None or request.method == "POST"
    return render_template(
        "previews/editor.html",
        touchpoint=touchpoint,
        campaign=touchpoint.campaign,
        segment=segment,
        variant=variant,
        editing=editing,
        form=form,
        tabs=_tabs(touchpoint),
        values=preview_values(touchpoint.campaign, segment),
        preview=_preview(form, touchpoint, segment),
        error_lines=_error_lines(form),
        action_form=FlaskForm(),
        has_test_send=_template_exists(TEST_SEND_TEMPLATE),
        next_url=_editor_url(touchpoint, segment),
        max_request_bytes=current_app.config.get("MAX_CONTENT_LENGTH"),
    ), status_of(form)


def create_variant(touchpoint_id: int, segment_id: int) -> Page:
    """Start a segment's variant as a copy of the base email's subject, preheader and body."""
    touchpoint = _email_touchpoint(touchpoint_id)
    segment = db.get_or_404(Segment, segment_id)
    if touchpoint.variant_for(segment.id) is not None:
        flash(f'"{segment.name}" already has a variant of this email.', "info")
        return redirect(_editor_url(touchpoint, segment))
    copy = {"subject": touchpoint.subject, "preheader": touchpoint.preheader, "mjml": touchpoint.mjml}
    if not carried_out(lambda: services.put_variant(touchpoint, segment, copy)):
        return redirect(url_for("previews.email_editor", touchpoint_id=touchpoint.id))
    flash(f'Created a variant for "{segment.name}" as a copy of the base email. Change what differs.', "success")
    return redirect(_editor_url(touchpoint, segment))


def reset_variant(touchpoint_id: int, segment_id: int) -> Page:
    """Delete a segment's variant, so the segment gets the base email again."""
    touchpoint = _email_touchpoint(touchpoint_id)
    segment = db.get_or_404(Segment, segment_id)
    variant = touchpoint.variant_for(segment.id)
    if variant is None:
        flash(f'"{segment.name}" already gets the base email.', "info")
    else:
        services.delete_variant(variant)
        flash(f'Variant deleted: "{segment.name}" gets the base email again.', "success")
    return redirect(_editor_url(touchpoint, segment))


# --- helpers -------------------------------------------------------------------------------


def _email_touchpoint(touchpoint_id: int) -> Touchpoint:
    """The touchpoint, or a 404 page when there is none or it sends no email (a form or landing page)."""
    touchpoint = db.get_or_404(Touchpoint, touchpoint_id)
    if not touchpoint.is_email:
        abort(404, description=(
            f'"{touchpoint.name}" is {touchpoint.kind_info.with_article}: it sends no email, '
            "so there is no email to write. Change its kind in the touchpoint settings to make it an email."
        ))
    return touchpoint


def _segment_arg(touchpoint: Touchpoint) -> Segment | None:
    """The segment ?segment=ID names (None: the base email); a 404 page when there is no such segment."""
    value = request.args.get("segment", "")
    if not value:
        return None
    segment_id = parse_id(value)
    if segment_id is None or segment_id > MAX_ID:
        abort(404, description=f'"{value}" is not a segment ID.')
    segment = db.session.get(Segment, segment_id)
    if segment is None:
        abort(404, description=f"There is no segment with ID {value}. It may have been deleted.")
    return segment


def _editor_url(touchpoint: Touchpoint, segment: Segment | None) -> str:
    return url_for("previews.email_editor", touchpoint_id=touchpoint.id, segment=segment.id if segment else None)


def _base_copy(touchpoint: Touchpoint) -> SimpleNamespace:
    """The base fields in a variant's shape, to show a segment that has no variant of its own."""
    return SimpleNamespace(subject=touchpoint.subject, preheader=touchpoint.preheader, mjml=touchpoint.mjml)


def _tabs(touchpoint: Touchpoint) -> list[SegmentTab]:
    return [
        SegmentTab(s, touchpoint.variant_for(s.id) is not None, touchpoint.reaches(s))
        for s in touchpoint.campaign.segments
    ]


def _preview(form: ServiceForm, touchpoint: Touchpoint, segment: Segment | None) -> Preview:
    """The preview of what the form holds (posted or saved); a variant's empty fields show the base's."""

    def value(name: str, base: str | None) -> str:
        text = form[name].data or ""
        return text if text.strip() or segment is None else (base or "")

    # Variants have no plain-text part of their own: every segment gets the base email's.
    text_override = form["text_override"].data if "text_override" in form else touchpoint.text_override
    return preview_source(
        mjml=value("mjml", touchpoint.mjml),
        subject=value("subject", touchpoint.subject).strip(),
        preheader=value("preheader", touchpoint.preheader).strip(),
        values=preview_values(touchpoint.campaign, segment),
        text_override=(text_override or "").strip() or None,
    )


def _error_lines(form: ServiceForm) -> list[int]:
    """Lines of the body the save refused ("Line 3: ..."), to mark in the editor's gutter."""
    return [int(m.group(1)) for message in form.mjml.errors if (m := re.match(r"Line (\d+):", message))]


def _template_exists(name: str) -> bool:
    try:
        current_app.jinja_env.get_template(name)
    except TemplateNotFound:
        return False
    return True
