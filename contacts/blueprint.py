"""The URL table of the contacts: the contacts page, the import's steps and report, and their JSON API."""

from __future__ import annotations

from flask import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge

from . import api, jobs, phase_views, rule_views, rules_api, uploads, views  # noqa: F401  (jobs: registers the job kind "contacts.import")

bp = Blueprint("contacts", __name__)
api_bp = Blueprint("contacts_api", __name__, url_prefix="/api")

# --- pages -----------------------------------------------------------------------------------
bp.add_url_rule("/contacts", view_func=views.list_contacts, methods=["GET"])
bp.add_url_rule("/contacts/import", view_func=views.upload, methods=["GET", "POST"])  # 1. the file
bp.add_url_rule("/contacts/import/preview", view_func=views.preview, methods=["GET", "POST"])  # 2. as read; map; import
bp.add_url_rule("/contacts/imports/<int:import_id>", view_func=views.import_report, methods=["GET"])  # 3. the report
bp.add_url_rule("/contacts/imports/<int:import_id>/rejected.csv", view_func=views.rejected_csv, methods=["GET"])
bp.add_url_rule("/contacts/imports/<int:import_id>/undo", view_func=views.undo, methods=["POST"])
# a segment's audience: its rule, with the live count and sample
bp.add_url_rule("/segments/<int:segment_id>/rule", view_func=rule_views.segment_rule, methods=["GET", "POST"])
bp.add_url_rule("/segments/<int:segment_id>/rule/remove", view_func=rule_views.remove_rule, methods=["POST"])
# journey phases per campaign: placing the contacts a rule holds
bp.add_url_rule("/campaigns/<int:campaign_id>/contact-phases", view_func=phase_views.contact_phases,
                methods=["GET", "POST"])

# --- API -------------------------------------------------------------------------------------
api_bp.add_url_rule("/contacts", view_func=api.list_contacts, methods=["GET"])
api_bp.add_url_rule("/contacts/import", view_func=api.import_contacts, methods=["POST"])
# segment rules: which contacts a segment holds
api_bp.add_url_rule("/segments/<int:segment_id>/members", view_func=rules_api.members, methods=["GET"])
api_bp.add_url_rule("/segments/<int:segment_id>/rule", view_func=rules_api.get_rule, methods=["GET"])
api_bp.add_url_rule("/segments/<int:segment_id>/rule", view_func=rules_api.put_rule, methods=["PUT"])
api_bp.add_url_rule("/segments/<int:segment_id>/rule", view_func=rules_api.delete_rule, methods=["DELETE"])
api_bp.add_url_rule("/campaigns/<int:campaign_id>/contact-phases", view_func=phase_views.put_contact_phases,
                    methods=["PUT"])
api_bp.add_url_rule("/segment-rules/count", view_func=rules_api.count_rule, methods=["POST"])

# A contact list may be larger than other requests: CONTACTS_IMPORT_MAX_BYTES on the upload and the API.
for blueprint in (bp, api_bp):
    blueprint.url_value_preprocessor(uploads.allow_large_files)
    blueprint.register_error_handler(RequestEntityTooLarge, uploads.too_large)
