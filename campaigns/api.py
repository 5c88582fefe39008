"""JSON API for campaigns, phases, touchpoints and variants (the contract in DESIGN.md)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from journeymail.api_util import json_body
from journeymail.extensions import db
from journeymail.validation import MAX_ID, Integer, JSONObject, Text, clean
from segments.models import Segment

from . import api_bp, previews, services
from .cells import plan_or_404
from .models import Campaign, Phase, Touchpoint
from .serialize import campaign_detail, campaign_summary, frameworks_list, phase_dict, touchpoint_dict, variant_dict

Reply = tuple[Any, int]


def _done(payload: Any, status: int = 200) -> Reply:
    """Commit the request's one transaction and answer."""
    db.session.commit()
    return jsonify(payload), status


def _no_content() -> Reply:
    db.session.commit()
    return "", 204


# --- frameworks and campaigns --------------------------------------------------------------


@api_bp.get("/frameworks")
def frameworks() -> Any:
    """The built-in journey frameworks and their phases."""
    return jsonify(frameworks_list())


@api_bp.get("/campaigns")
def list_campaigns() -> Any:
    campaigns = db.session.scalars(db.select(Campaign).order_by(Campaign.updated_at.desc(), Campaign.id.desc()))
    return jsonify([campaign_summary(c) for c in campaigns])


@api_bp.post("/campaigns")
def create_campaign() -> Reply:
    campaign = services.create_campaign(json_body())
    return _done(campaign_detail(campaign), 201)


@api_bp.get("/campaigns/<int:campaign_id>")
def get_campaign(campaign_id: int) -> Any:
    return jsonify(campaign_detail(db.get_or_404(Campaign, campaign_id)))


@api_bp.patch("/campaigns/<int:campaign_id>")
def update_campaign(campaign_id: int) -> Reply:
    campaign = services.update_campaign(db.get_or_404(Campaign, campaign_id), json_body())
    return _done(campaign_detail(campaign))


@api_bp.delete("/campaigns/<int:campaign_id>")
def delete_campaign(campaign_id: int) -> Reply:
    services.delete_campaign(db.get_or_404(Campaign, campaign_id))
    return _no_content()


@api_bp.put("/campaigns/<int:campaign_id>/segments")
def set_segments(campaign_id: int) -> Reply:
    campaign = services.set_segments(db.get_or_404(Campaign, campaign_id), json_body())
    return _done({"segment_ids": [s.id for s in campaign.segments]})


# --- phases ------------------------------------------------------------------------------


@api_bp.post("/campaigns/<int:campaign_id>/phases")
def add_phase(campaign_id: int) -> Reply:
    phase = services.add_phase(db.get_or_404(Campaign, campaign_id), json_body())
    return _done(phase_dict(phase), 201)


@api_bp.patch("/phases/<int:phase_id>")
def update_phase(phase_id: int) -> Reply:
    phase = services.update_phase(db.get_or_404(Phase, phase_id), json_body())
    return _done(phase_dict(phase))


@api_bp.delete("/phases/<int:phase_id>")
def delete_phase(phase_id: int) -> Reply:
    services.delete_phase(db.get_or_404(Phase, phase_id))
    return _no_content()


# --- touchpoints and variants ------------------------------------------------------------


@api_bp.post("/campaigns/<int:campaign_id>/touchpoints")
def add_touchpoint(campaign_id: int) -> Reply:
    touchpoint = services.add_touchpoint(db.get_or_404(Campaign, campaign_id), json_body())
    return _done(touchpoint_dict(touchpoint), 201)


@api_bp.patch("/touchpoints/<int:touchpoint_id>")
def update_touchpoint(touchpoint_id: int) -> Reply:
    touchpoint = services.update_touchpoint(db.get_or_404(Touchpoint, touchpoint_id), json_body())
    return _done(touchpoint_dict(touchpoint))


@api_bp.delete("/touchpoints/<int:touchpoint_id>")
def delete_touchpoint(touchpoint_id: int) -> Reply:
    services.delete_touchpoint(db.get_or_404(Touchpoint, touchpoint_id))
    return _no_content()


@api_bp.put("/touchpoints/<int:touchpoint_id>/variants/<int:segment_id>")
def put_variant(touchpoint_id: int, segment_id: int) -> Reply:
    touchpoint = db.get_or_404(Touchpoint, touchpoint_id)
    segment = db.get_or_404(Segment, segment_id)
    created = touchpoint.variant_for(segment_id) is None
    variant = services.put_variant(touchpoint, segment, json_body())
    return _done(variant_dict(variant), 201 if created else 200)


@api_bp.delete("/touchpoints/<int:touchpoint_id>/variants/<int:segment_id>")
def delete_variant(touchpoint_id: int, segment_id: int) -> Reply:
    touchpoint = db.get_or_404(Touchpoint, touchpoint_id)
    variant = touchpoint.variant_for(segment_id)
    if variant is None:
        return jsonify(error={"message": "This touchpoint has no variant for that segment.", "fields": {}}), 404
    services.delete_variant(variant)
    return _no_content()


# --- previews and the matrix -------------------------------------------------------------

PREVIEW_FIELDS = {
    "mjml": Text(services.MJML_MAX_CHARS, required=True, verbatim=True),  # check lines are the editor's lines
    "subject": Text(200, multiline=False),
    "preheader": Text(200, multiline=False),
    "text_override": Text(services.MJML_MAX_CHARS, nullable=True, verbatim=True),
    "sample_data": JSONObject(),
    "campaign_id": Integer(1, MAX_ID, required=False),
    "segment_id": Integer(1, MAX_ID, required=False),
}


@api_bp.post("/preview")
def preview_source() -> Any:
    """Render MJML as it is being written (the editor's live preview); render problems come back as checks."""
    values = clean(json_body(), PREVIEW_FIELDS)
    campaign = db.get_or_404(Campaign, values["campaign_id"]) if values["campaign_id"] else None
    segment = db.get_or_404(Segment, values["segment_id"]) if values["segment_id"] else None
    preview = previews.preview_source(
        mjml=values["mjml"], subject=values["subject"], preheader=values["preheader"],
        values={**previews.preview_values(campaign, segment), **values["sample_data"]},
        text_override=values["text_override"],
    )
    return jsonify(preview.to_dict())


@api_bp.get("/campaigns/<int:campaign_id>/preview")
def preview_cell_email(campaign_id: int) -> Any:
    """One email of the campaign as a segment receives it (?touchpoint=ID&segment=ID; no segment: the base)."""
    campaign = db.get_or_404(Campaign, campaign_id)
    touchpoint, segment = previews.lookup(campaign, request.args.get("touchpoint"), request.args.get("segment"))
    return jsonify({
        "touchpoint_id": touchpoint.id,
        "segment_id": segment.id if segment else None,
        "variant": previews.Content.of(touchpoint, segment).variant,
        **previews.preview_touchpoint(touchpoint, segment).to_dict(),
    })


@api_bp.get("/campaigns/<int:campaign_id>/matrix")
def matrix(campaign_id: int) -> Any:
    """The segment × phase matrix: each cell's emails in send order, gaps, and check counts."""
    campaign = plan_or_404(campaign_id)
    return jsonify(previews.matrix_dict(campaign))


# --- test sends ----------------------------------------------------------------------------

from . import sending  # noqa: E402  (its own section, so the handlers above stay as they are)


@api_bp.post("/campaigns/<int:campaign_id>/test-send")
def test_send(campaign_id: int) -> Any:
    """Send one email of the campaign, as a segment receives it, to a few addresses over SMTP."""
    sent = sending.send_test_request(db.get_or_404(Campaign, campaign_id), json_body())
    return jsonify({"sent_to": sent.sent_to, "subject": sent.subject})


# --- campaign import: the document GET /campaigns/<id>/export/campaign.json writes ----------

from . import documents  # noqa: E402  (its own section, so the handlers above stay as they are)


@api_bp.post("/campaigns/import")
def import_campaign() -> Reply:
    """A campaign document becomes a new campaign: 201 with the campaign and notes (e.g. a segment reused)."""
    imported = documents.import_document(json_body())
    return _done({**campaign_detail(imported.campaign), "notes": imported.notes}, 201)
