"""The URL table of background jobs: the workspace's jobs, a job's page, and its JSON."""

from __future__ import annotations

from flask import Blueprint

from . import api, views

bp = Blueprint("jobs", __name__)
api_bp = Blueprint("jobs_api", __name__, url_prefix="/api")

# --- pages -----------------------------------------------------------------------------------
bp.add_url_rule("/jobs", view_func=views.list_jobs, methods=["GET"])
bp.add_url_rule("/jobs/<int:job_id>", view_func=views.job_page, methods=["GET"])

# --- API -------------------------------------------------------------------------------------
api_bp.add_url_rule("/jobs/<int:job_id>", view_func=api.get_job, methods=["GET"])
