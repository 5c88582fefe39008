"""Campaigns: phases, touchpoints, emails and variants, and the journey map."""

from flask import Blueprint

bp = Blueprint("campaigns", __name__)
api_bp = Blueprint("campaigns_api", __name__, url_prefix="/api")

from . import api, editor, exports, exports_mailjet, matrix, sending, views  # noqa: E402,F401  (routes register themselves on the blueprints)
