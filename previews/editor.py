"""The email editor: a touchpoint's subject, preheader and MJML, or one segment's variant of them,
written beside a live preview of exactly what that segment receives.

The page is a plain HTML form (it saves without JavaScript); static/js/editor.js adds the live
preview through POST /api/preview, the line-number gutter and the check links.

A variant keeps only what its author changed. Each of its fields is shown filled in: with the variant's own
text, or with the base email's, marked as following the base; a field saved as the base's (or emptied) keeps
following it, and "Use the base's ..." gives one field back.
"""

from __future__ import annotations

from accounts import current
import hashlib
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from jinja2 import TemplateNotFound

from campaigns import services
from campaigns.content import preview_values
from campaigns.models import Touchpoint, Variant
from contacts import rules
from emails.preview import Preview, preview_source
from emails.render import language_of
from journeymail.forms import ServiceForm, carried_out, status_of, submit
from journeymail.http import MAX_ID, parse_id
from segments.models import Segment

from .as_contact import MAX_SEARCH, SAMPLE_SIZE, chosen_contact, contact_values, members
from .forms import VARIANT_FIELDS, BaseEmailForm, VariantForm

Page = Any
TEST_SEND_TEMPLATE = "previews/_test_send.html"


@dataclass(frozen=True)
class SegmentTab:
    """One entry of the segment picker."""

    segment: Segment
    variant: bool
    sent: bool  # False when the touchpoint's audience leaves this segment out


@dataclass(frozen=True)
class FieldSource:
    """Where a variant's field comes from, as its label says: the base email (inherited) or the variant."""

    name: str  # "subject", "preheader" or "mjml"
    word: str  # the field in a sentence: "subject", "preheader", "body"
    inherited: bool
    base: str  # the base email's value


FIELD_WORDS = {"subject": "subject", "preheader": "preheader", "mjml": "body"}  # English: the matrix's "own subject"


GIVEN_BACK = {  # the flash after "Use the base's ..."
    "subject": _l('Saved the variant for "%(name)s": its subject follows the base email again.'),
    "preheader": _l('Saved the variant for "%(name)s": its preheader follows the base email again.'),
    "mjml": _l('Saved the variant for "%(name)s": its body follows the base email again.'),
}


def variant_changes(touchpoint: Touchpoint, variant: Any) -> list[str]:
    """What a variant (a Variant or a row of its fields) changes of the base email, in words: "subject", "body"."""
    return [FIELD_WORDS[name] for name in services.overrides(touchpoint, variant)] if variant is not None else []


# --- the editor ----------------------------------------------------------------------------


def email_editor(touchpoint_id: int) -> Page:
    """Write the base email, or with ?segment=ID that segment's variant, beside its live preview."""
    touchpoint = _email_touchpoint(touchpoint_id)
    segment = _segment_arg(touchpoint)  # looked up first: another workspace's segment is a 404, never a 403
    contact = chosen_contact(segment, request.args.get("contact"))  # "Preview as": the merge tags from a contact
    current.require("write_emails")
    if segment is not None and segment not in touchpoint.campaign.segments:
        flash(_('The campaign does not target the segment "%(name)s"; here is the base email.', name=segment.name), "error")
        return redirect(url_for("previews.email_editor", touchpoint_id=touchpoint.id))
    overlay = contact_values(contact) if contact is not None else {}
    variant = touchpoint.variant_for(segment.id) if segment is not None else None
    # A segment without a variant is shown the base email read-only; posting to it (say, after its
    # variant was reset in another tab) creates the variant from what was posted.
    form: ServiceForm
    given_back = None
    if segment is None:
        form = BaseEmailForm(obj=touchpoint)
        saved = submit(form, lambda values: services.update_touchpoint(touchpoint, values, from_form=True))
    else:
        form = VariantForm(obj=_variant_shown(touchpoint, variant))
        given_back = _give_back(form, touchpoint)
        saved = submit(form, lambda values: services.put_variant(
            touchpoint, segment, _variant_values(form, touchpoint), from_form=True))
    if saved:
        if segment is None:
            flash(_('Saved the email "%(name)s".', name=touchpoint.name), "success")
        elif given_back:
            flash(str(GIVEN_BACK[given_back]) % {"name": segment.name}, "success")
        else:
            flash(_('Saved the variant for "%(name)s".', name=segment.name), "success")
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
        sources=_sources(form, touchpoint) if segment is not None and editing else {},
        own_fields=variant_changes(touchpoint, variant),
        tabs=_tabs(touchpoint),
        values={**preview_values(touchpoint.campaign, segment), **overlay},
        preview=_preview(form, touchpoint, segment, overlay),
        contact=contact,
        choices=_choices(segment, contact),
        search=(request.args.get("q") or "").strip()[:MAX_SEARCH],
        has_rule=segment is not None and rules.rule_of(segment.id) is not None,
        sample_size=SAMPLE_SIZE,
        action_form=FlaskForm(),
        has_test_send=_template_exists(TEST_SEND_TEMPLATE),
        next_url=_editor_url(touchpoint, segment),
        max_request_bytes=current_app.config.get("MAX_CONTENT_LENGTH"),
    ), status_of(form)


def create_variant(touchpoint_id: int, segment_id: int) -> Page:
    """Start a segment's variant that changes nothing yet: every field follows the base email until changed."""
    touchpoint = _email_touchpoint(touchpoint_id)
    segment = current.get_or_404(Segment, segment_id)
    current.require("write_emails")
    if touchpoint.variant_for(segment.id) is not None:
        flash(_('"%(name)s" already has a variant of this email.', name=segment.name), "info")
        return redirect(_editor_url(touchpoint, segment))
    if not carried_out(lambda: services.put_variant(touchpoint, segment, {})):
        return redirect(url_for("previews.email_editor", touchpoint_id=touchpoint.id))
    flash(_('Created a variant for "%(name)s". Change what differs: the fields you leave alone keep following '
            "the base email.", name=segment.name), "success")
    return redirect(_editor_url(touchpoint, segment))


def reset_variant(touchpoint_id: int, segment_id: int) -> Page:
    """Delete a segment's variant, so the segment gets the base email again."""
    touchpoint = _email_touchpoint(touchpoint_id)
    segment = current.get_or_404(Segment, segment_id)
    current.require("write_emails")
    variant = touchpoint.variant_for(segment.id)
    if variant is None:
        flash(_('"%(name)s" already gets the base email.', name=segment.name), "info")
    else:
        services.delete_variant(variant)
        flash(_('Variant deleted: "%(name)s" gets the base email again.', name=segment.name), "success")
    return redirect(_editor_url(touchpoint, segment))


# --- helpers -------------------------------------------------------------------------------


def _email_touchpoint(touchpoint_id: int) -> Touchpoint:
    """The touchpoint, or a 404 page when there is none or it sends no email (a form or landing page)."""
    touchpoint = current.get_or_404(Touchpoint, touchpoint_id)
    if not touchpoint.is_email:
        abort(404, description=_(
            '"%(name)s" is %(kind)s: it sends no email, so there is no email to write. Change its kind in the '
            "touchpoint settings to make it an email.", name=touchpoint.name, kind=touchpoint.kind_info.with_article,
        ))
    return touchpoint


def _segment_arg(touchpoint: Touchpoint) -> Segment | None:
    """The segment ?segment=ID names (None: the base email); a 404 page when there is no such segment."""
    value = request.args.get("segment", "")
    if not value:
        return None
    segment_id = parse_id(value)
    if segment_id is None or segment_id > MAX_ID:
        abort(404, description=_('"%(value)s" is not a segment ID.', value=value))
    segment = current.get(Segment, segment_id)
    if segment is None:
        abort(404, description=_("There is no segment with ID %(value)s. It may have been deleted.", value=value))
    return segment


def _editor_url(touchpoint: Touchpoint, segment: Segment | None) -> str:
    return url_for("previews.email_editor", touchpoint_id=touchpoint.id, segment=segment.id if segment else None)


def fingerprint(text: str | None) -> str:
    """A short digest of a field's text as shown, to tell later whether it came back unchanged."""
    return hashlib.sha256((text or "").strip().encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _variant_shown(touchpoint: Touchpoint, variant: Variant | None) -> SimpleNamespace:
    """What the variant form shows: each field's own text where the variant changes it, else the base
    email's (also for a segment with no variant yet, and for a field an older copy holds unchanged)."""
    shown = {}
    for name in VARIANT_FIELDS:
        own, base = getattr(variant, name, None), getattr(touchpoint, name)
        shown[name] = own if own and not services.same_as_base(touchpoint, name, own) else base
        shown[f"{name}_base"] = fingerprint(base)
    return SimpleNamespace(**shown)


def _give_back(form: VariantForm, touchpoint: Touchpoint) -> str | None:
    """The field a "Use the base's ..." button gives back to the base email, now holding the base's value."""
    name = request.form.get("use_base") if request.method == "POST" else None
    if name not in VARIANT_FIELDS:
        return None
    form[name].data = getattr(touchpoint, name) or ""
    return name


def _follows_base(form: VariantForm, touchpoint: Touchpoint, name: str) -> bool:
    """Whether the form's field is the base email's: empty, the base's text now, or the base's text as the
    page showed it (the author left it alone while someone edited the base)."""
    text = form[name].data
    return (not (text or "").strip() or services.same_as_base(touchpoint, name, text)
            or fingerprint(text) == form[f"{name}_base"].data)


def _variant_values(form: VariantForm, touchpoint: Touchpoint) -> dict[str, str | None]:
    """The variant's fields to save: None (inherit) for every field that follows the base email."""
    return {name: None if _follows_base(form, touchpoint, name) else form[name].data for name in VARIANT_FIELDS}


def _sources(form: VariantForm, touchpoint: Touchpoint) -> dict[str, FieldSource]:
    return {
        name: FieldSource(name, FIELD_WORDS[name], _follows_base(form, touchpoint, name), getattr(touchpoint, name) or "")
        for name in VARIANT_FIELDS
    }


def _tabs(touchpoint: Touchpoint) -> list[SegmentTab]:
    return [
        SegmentTab(s, touchpoint.variant_for(s.id) is not None, touchpoint.reaches(s))
        for s in touchpoint.campaign.segments
    ]


def _choices(segment: Segment | None, contact: Any) -> list[Any]:
    """The contacts "Preview as" offers for a segment's tab: its first, or those the search finds; the chosen one."""
    if segment is None:
        return []
    found = members(segment, request.args.get("q"))
    if contact is not None and contact not in found:
        found.insert(0, contact)
    return found


def _preview(form: ServiceForm, touchpoint: Touchpoint, segment: Segment | None,
             overlay: dict[str, Any] | None = None) -> Preview:
    """The preview of what the form holds (posted or saved); a variant's fields that follow the base show the base's."""

    def value(name: str, base: str | None) -> str:
        if segment is not None and _follows_base(form, touchpoint, name):
            return base or ""
        return form[name].data or ""

    # A variant has no plain-text part of its own: it gets the base email's hand-written one while it
    # follows the base body, and one derived from its own body otherwise (as campaigns.content.Content does).
    if "text_override" in form:
        text_override = form["text_override"].data
    else:
        text_override = touchpoint.text_override if _follows_base(form, touchpoint, "mjml") else None
    return preview_source(
        mjml=value("mjml", touchpoint.mjml),
        subject=value("subject", touchpoint.subject).strip(),
        preheader=value("preheader", touchpoint.preheader).strip(),
        values={**preview_values(touchpoint.campaign, segment), **(overlay or {})},
        text_override=(text_override or "").strip() or None,
        lang=language_of(touchpoint.campaign.locale),
    )


def _template_exists(name: str) -> bool:
    try:
        current_app.jinja_env.get_template(name)
    except TemplateNotFound:
        return False
    return True
