"""The URL table of files and ESPs: the export page and downloads, imports, the Mailjet push."""

from __future__ import annotations

from flask import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge

from . import api, uploads, views

bp = Blueprint("exports", __name__)
api_bp = Blueprint("exports_api", __name__, url_prefix="/api")

# --- the export page and its downloads --------------------------------------------------------
bp.add_url_rule("/campaigns/<int:campaign_id>/export", view_func=views.export_page, methods=["GET"])
bp.add_url_rule("/campaigns/<int:campaign_id>/export/plan.csv", view_func=views.export_plan_csv, methods=["GET"])
bp.add_url_rule("/campaigns/<int:campaign_id>/export/campaign.json", view_func=views.export_campaign_json,
                methods=["GET"])
bp.add_url_rule("/campaigns/<int:campaign_id>/export/mailjet.json", view_func=views.export_mailjet, methods=["GET"])
bp.add_url_rule("/campaigns/<int:campaign_id>/export/brevo.json", view_func=views.export_brevo, methods=["GET"])
bp.add_url_rule("/campaigns/<int:campaign_id>/export/map.pdf", view_func=views.export_map_pdf, methods=["GET"])
bp.add_url_rule("/campaigns/<int:campaign_id>/export/map.png", view_func=views.export_map_png, methods=["GET"])
bp.add_url_rule("/campaigns/<int:campaign_id>/export/contacts-template.csv",
                view_func=views.export_contacts_template, methods=["GET"])
bp.add_url_rule("/campaigns/<int:campaign_id>/export/contacts.csv", view_func=views.export_contacts_csv,
                methods=["GET"])
bp.add_url_rule("/segments/<int:segment_id>/export/contacts.csv", view_func=views.export_segment_contacts_csv,
                methods=["GET"])

# --- importing a campaign document ------------------------------------------------------------
bp.add_url_rule("/campaigns/import", view_func=views.import_campaign, methods=["GET", "POST"])
# (bodies up to IMPORT_MAX_BYTES there, and on the API's import; a 413 names the limit it passed)
for blueprint in (bp, api_bp):
    blueprint.url_value_preprocessor(uploads.allow_large_imports)
    blueprint.register_error_handler(RequestEntityTooLarge, uploads.too_large)

# --- copying a campaign: its document, imported ------------------------------------------------
bp.add_url_rule("/campaigns/<int:campaign_id>/duplicate", view_func=views.duplicate_campaign, methods=["POST"])

# --- pushing to an ESP ------------------------------------------------------------------------
bp.add_url_rule("/campaigns/<int:campaign_id>/push/<esp_key>", view_func=views.push, methods=["POST"])

# --- API ---------------------------------------------------------------------------------------
api_bp.add_url_rule("/campaigns/import", view_func=api.import_campaign, methods=["POST"])
api_bp.add_url_rule("/campaigns/<int:campaign_id>/push/<esp_key>", view_func=api.push, methods=["POST"])
