"""The URL table of the plan: campaign pages and the journey map, phases, touchpoints, and their JSON API."""

from __future__ import annotations

from flask import Blueprint

from . import api, views
from . import audiences  # noqa: F401  (registers what the plan holds of a segment)
from .cells import cell_counts
from .kinds import KINDS
from .timing import when_sent

bp = Blueprint("campaigns", __name__)
api_bp = Blueprint("campaigns_api", __name__, url_prefix="/api")

# --- pages: campaigns and the journey map ----------------------------------------------------
bp.add_url_rule("/", view_func=views.index, methods=["GET"])
bp.add_url_rule("/campaigns", view_func=views.list_campaigns, methods=["GET"])
bp.add_url_rule("/campaigns/new", view_func=views.new_campaign, methods=["GET", "POST"])
bp.add_url_rule("/campaigns/<int:campaign_id>", view_func=views.journey_map, methods=["GET"])
bp.add_url_rule("/campaigns/<int:campaign_id>/edit", view_func=views.edit_campaign, methods=["GET", "POST"])
bp.add_url_rule("/campaigns/<int:campaign_id>/delete", view_func=views.delete_campaign, methods=["GET", "POST"])
bp.add_url_rule("/campaigns/<int:campaign_id>/segments", view_func=views.campaign_segments, methods=["GET", "POST"])
bp.add_url_rule("/campaigns/<int:campaign_id>/framework", view_func=views.choose_framework, methods=["GET"])
bp.add_url_rule("/campaigns/<int:campaign_id>/framework/<framework_key>", view_func=views.switch_framework,
                methods=["GET", "POST"])

# --- pages: phases ---------------------------------------------------------------------------
bp.add_url_rule("/campaigns/<int:campaign_id>/phases/new", view_func=views.new_phase, methods=["GET", "POST"])
bp.add_url_rule("/phases/<int:phase_id>/edit", view_func=views.edit_phase, methods=["GET", "POST"])
bp.add_url_rule("/phases/<int:phase_id>/move", view_func=views.move_phase, methods=["POST"])
bp.add_url_rule("/phases/<int:phase_id>/delete", view_func=views.delete_phase, methods=["GET", "POST"])

# --- pages: touchpoints ----------------------------------------------------------------------
bp.add_url_rule("/campaigns/<int:campaign_id>/touchpoints/new", view_func=views.new_touchpoint,
                methods=["GET", "POST"])
bp.add_url_rule("/touchpoints/<int:touchpoint_id>/edit", view_func=views.edit_touchpoint, methods=["GET", "POST"])
bp.add_url_rule("/touchpoints/<int:touchpoint_id>/move", view_func=views.move_touchpoint, methods=["POST"])
bp.add_url_rule("/touchpoints/<int:touchpoint_id>/delete", view_func=views.delete_touchpoint,
                methods=["GET", "POST"])

# --- API: frameworks and campaigns ------------------------------------------------------
api_bp.add_url_rule("/frameworks", view_func=api.frameworks, methods=["GET"])
api_bp.add_url_rule("/campaigns", view_func=api.list_campaigns, methods=["GET"])
api_bp.add_url_rule("/campaigns", view_func=api.create_campaign, methods=["POST"])
api_bp.add_url_rule("/campaigns/<int:campaign_id>", view_func=api.get_campaign, methods=["GET"])
api_bp.add_url_rule("/campaigns/<int:campaign_id>", view_func=api.update_campaign, methods=["PATCH"])
api_bp.add_url_rule("/campaigns/<int:campaign_id>", view_func=api.delete_campaign, methods=["DELETE"])
api_bp.add_url_rule("/campaigns/<int:campaign_id>/segments", view_func=api.set_segments, methods=["PUT"])

# --- API: phases ------------------------------------------------------------------------
api_bp.add_url_rule("/campaigns/<int:campaign_id>/phases", view_func=api.add_phase, methods=["POST"])
api_bp.add_url_rule("/phases/<int:phase_id>", view_func=api.update_phase, methods=["PATCH"])
api_bp.add_url_rule("/phases/<int:phase_id>", view_func=api.delete_phase, methods=["DELETE"])

# --- API: touchpoints and variants ------------------------------------------------------
api_bp.add_url_rule("/campaigns/<int:campaign_id>/touchpoints", view_func=api.add_touchpoint, methods=["POST"])
api_bp.add_url_rule("/touchpoints/<int:touchpoint_id>", view_func=api.update_touchpoint, methods=["PATCH"])
api_bp.add_url_rule("/touchpoints/<int:touchpoint_id>", view_func=api.delete_touchpoint, methods=["DELETE"])
api_bp.add_url_rule("/touchpoints/<int:touchpoint_id>/variants/<int:segment_id>", view_func=api.put_variant, methods=["PUT"])
api_bp.add_url_rule("/touchpoints/<int:touchpoint_id>/variants/<int:segment_id>", view_func=api.delete_variant, methods=["DELETE"])
# --- what every page may use ----------------------------------------------------------------
bp.add_app_template_global(cell_counts)  # check counts per cell, for the journey map's segment lanes
bp.add_app_template_global(when_sent)  # when a touchpoint sends, along its chain, in words


@bp.app_context_processor
def plan_vocabulary() -> dict[str, object]:
    return {"KINDS": KINDS}
