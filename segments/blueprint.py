"""The URL table of the audience: persona and segment pages and their JSON API."""

from __future__ import annotations

from flask import Blueprint

from . import api, views

bp = Blueprint("segments", __name__)
api_bp = Blueprint("segments_api", __name__, url_prefix="/api")

# --- pages -----------------------------------------------------------------------------------
bp.add_url_rule("/segments", view_func=views.list_segments, methods=["GET"])
bp.add_url_rule("/segments/new", view_func=views.new_segment, methods=["GET", "POST"])
bp.add_url_rule("/segments/<int:segment_id>/edit", view_func=views.edit_segment, methods=["GET", "POST"])
bp.add_url_rule("/segments/<int:segment_id>/delete", view_func=views.delete_segment, methods=["GET", "POST"])

# --- pages: personas -------------------------------------------------------------------------
bp.add_url_rule("/personas", view_func=views.list_personas, methods=["GET"])
bp.add_url_rule("/personas/new", view_func=views.new_persona, methods=["GET", "POST"])
bp.add_url_rule("/personas/<int:persona_id>/edit", view_func=views.edit_persona, methods=["GET", "POST"])
bp.add_url_rule("/personas/<int:persona_id>/delete", view_func=views.delete_persona, methods=["GET", "POST"])

# --- API -------------------------------------------------------------------------------------
api_bp.add_url_rule("/segments", view_func=api.list_segments, methods=["GET"])
api_bp.add_url_rule("/segments", view_func=api.create_segment, methods=["POST"])
api_bp.add_url_rule("/segments/<int:segment_id>", view_func=api.get_segment, methods=["GET"])
api_bp.add_url_rule("/segments/<int:segment_id>", view_func=api.update_segment, methods=["PATCH"])
api_bp.add_url_rule("/segments/<int:segment_id>", view_func=api.delete_segment, methods=["DELETE"])
api_bp.add_url_rule("/personas", view_func=api.list_personas, methods=["GET"])
api_bp.add_url_rule("/personas", view_func=api.create_persona, methods=["POST"])
api_bp.add_url_rule("/personas/<int:persona_id>", view_func=api.get_persona, methods=["GET"])
api_bp.add_url_rule("/personas/<int:persona_id>", view_func=api.update_persona, methods=["PATCH"])
api_bp.add_url_rule("/personas/<int:persona_id>", view_func=api.delete_persona, methods=["DELETE"])
