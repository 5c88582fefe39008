"""JSON API for previews, the matrix and test sends (the contract in DESIGN.md)."""

from __future__ import annotations

from accounts import current
from typing import Any

from flask import jsonify, request

from campaigns import services
from campaigns.cells import outline_or_404
from campaigns.content import Content, preview_touchpoint, preview_values
from campaigns.models import Campaign
from emails import preview_source as render_preview
from journeymail.extensions import reads_only
from journeymail.http import json_body
from journeymail.validation import MAX_ID, Integer, JSONObject, Text, clean
from segments.models import Segment

from . import test_send as sending
from .as_contact import chosen_contact, contact_values
from .lookup import lookup
from .matrix import matrix_dict
from .messages import preview_dict


# --- previews and the matrix -------------------------------------------------------------

PREVIEW_FIELDS = {
    "mjml": Text(services.MJML_MAX_CHARS, required=True, verbatim=True),  # check lines are the editor's lines
    "subject": Text(200, multiline=False),
    "preheader": Text(200, multiline=False),
    "text_override": Text(services.MJML_MAX_CHARS, nullable=True, verbatim=True),
    "sample_data": JSONObject(),
    "campaign_id": Integer(1, MAX_ID, required=False),
    "segment_id": Integer(1, MAX_ID, required=False),
    "contact_id": Integer(1, MAX_ID, required=False),  # a contact of the segment: its values fill the merge tags
}


@reads_only  # sent by POST, writes nothing: no write lock while it renders or talks to a server
def preview_source() -> Any:
    """Render MJML as it is being written (the editor's live preview); render problems come back as checks."""
    current.require("read")  # it renders what it is sent and saves nothing
    values = clean(json_body(), PREVIEW_FIELDS)
    campaign = current.get_or_404(Campaign, values["campaign_id"]) if values["campaign_id"] else None
    segment = current.get_or_404(Segment, values["segment_id"]) if values["segment_id"] else None
    contact = chosen_contact(segment, values["contact_id"], "contact_id")
    preview = render_preview(
        mjml=values["mjml"], subject=values["subject"], preheader=values["preheader"],
        values={**preview_values(campaign, segment), **values["sample_data"],
                **(contact_values(contact) if contact else {})},
        text_override=values["text_override"],
    )
    return jsonify(preview_dict(preview))


def preview_cell_email(campaign_id: int) -> Any:
    """One email of the campaign as a segment receives it (?touchpoint=ID&segment=ID; no segment: the base)."""
    campaign = current.get_or_404(Campaign, campaign_id)
    current.require("read")
    touchpoint, segment = lookup(campaign, request.args.get("touchpoint"), request.args.get("segment"))
    contact = chosen_contact(segment, request.args.get("contact"))
    return jsonify({
        "touchpoint_id": touchpoint.id,
        "segment_id": segment.id if segment else None,
        "contact_id": contact.id if contact else None,
        "variant": Content.of(touchpoint, segment).variant,
        **preview_dict(preview_touchpoint(touchpoint, segment, contact_values(contact) if contact else None)),
    })


def matrix(campaign_id: int) -> Any:
    """The segment × phase matrix: each cell's emails in send order, gaps, and check counts."""
    campaign = outline_or_404(campaign_id, segments=True)
    current.require("read")
    return jsonify(matrix_dict(campaign))


# --- test sends ----------------------------------------------------------------------------


@reads_only  # sent by POST, writes nothing: no write lock while it renders or talks to a server
def test_send(campaign_id: int) -> Any:
    """Send one email of the campaign, as a segment receives it, to a few addresses over SMTP."""
    campaign = current.get_or_404(Campaign, campaign_id)
    current.require("test_send")
    sent = sending.send_test_request(campaign, json_body())
    return jsonify({"sent_to": sent.sent_to, "subject": sent.subject})
