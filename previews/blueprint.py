"""The URL table of writing and looking: the editor, the matrix, the cell preview, the email frame, test sends."""

from __future__ import annotations

from flask import Blueprint

from . import api, editor, views
from .messages import check_message

bp = Blueprint("previews", __name__)
api_bp = Blueprint("previews_api", __name__, url_prefix="/api")

# --- pages: the email editor -----------------------------------------------------------------
bp.add_url_rule("/touchpoints/<int:touchpoint_id>/email", view_func=editor.email_editor, methods=["GET", "POST"])
bp.add_url_rule("/touchpoints/<int:touchpoint_id>/email/variants/<int:segment_id>",
                view_func=editor.create_variant, methods=["POST"])
bp.add_url_rule("/touchpoints/<int:touchpoint_id>/email/variants/<int:segment_id>/reset",
                view_func=editor.reset_variant, methods=["POST"])
bp.add_app_template_filter(check_message)  # a check's message in the page's language: {{ check|check_message }}
bp.add_app_template_global(editor.variant_changes)  # what a variant changes, for the matrix and the cell preview

# --- pages: the matrix, one cell, one email ---------------------------------------------------
bp.add_url_rule("/campaigns/<int:campaign_id>/matrix", view_func=views.matrix_page, methods=["GET"])
bp.add_url_rule("/campaigns/<int:campaign_id>/preview", view_func=views.cell_preview, methods=["GET"])
bp.add_url_rule("/campaigns/<int:campaign_id>/frame", view_func=views.email_frame, methods=["GET"])
bp.add_url_rule("/campaigns/<int:campaign_id>/email.eml", view_func=views.download_eml, methods=["GET"])
bp.add_url_rule("/campaigns/<int:campaign_id>/test-send", view_func=views.test_send, methods=["POST"])

# --- API ---------------------------------------------------------------------------------------
api_bp.add_url_rule("/preview", view_func=api.preview_source, methods=["POST"])
api_bp.add_url_rule("/campaigns/<int:campaign_id>/preview", view_func=api.preview_cell_email, methods=["GET"])
api_bp.add_url_rule("/campaigns/<int:campaign_id>/matrix", view_func=api.matrix, methods=["GET"])
api_bp.add_url_rule("/campaigns/<int:campaign_id>/test-send", view_func=api.test_send, methods=["POST"])
