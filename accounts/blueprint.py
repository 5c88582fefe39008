"""The URL table of accounts: signing in and out, and the workspace switcher."""

from __future__ import annotations

from flask import Blueprint

from . import settings, views

bp = Blueprint("accounts", __name__)

# --- signing in and out ----------------------------------------------------------------------
bp.add_url_rule("/login", view_func=views.login, methods=["GET", "POST"])
bp.add_url_rule("/logout", view_func=views.logout, methods=["POST"])

# --- the workspace one works in --------------------------------------------------------------
bp.add_url_rule("/workspace", view_func=views.switch_workspace, methods=["POST"])

# --- the workspace's settings, for owners ----------------------------------------------------
bp.add_url_rule("/workspace/settings", "workspace_settings", view_func=settings.settings_page, methods=["GET", "POST"])
bp.app_context_processor(settings.links_for_pages)
