"""Segments: who reads us, by motivation, action and obstacle."""

from flask import Blueprint

bp = Blueprint("segments", __name__)
api_bp = Blueprint("segments_api", __name__, url_prefix="/api")

from . import api, views  # noqa: E402,F401  (routes register themselves on the blueprints)
